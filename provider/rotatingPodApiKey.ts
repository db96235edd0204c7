import * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs } from "./connection";
import { PodApiKey, type PodApiKeyPermissions } from "./podApiKey";
import { DURATION_WORDS, parseDuration } from "./lifecycle/rotation";
import scheduleProvider = require("./shim/rotationSchedule");

/** The arguments of a {@link RotatingPodApiKey}. */
export interface RotatingPodApiKeyArgs {
  /** The pod both keys are scoped to, e.g. `pod.podId`. Required. */
  readonly podId: pulumi.Input<string>;
  /** What both keys may do. Default (omitted): everything the pod's scope allows. */
  readonly permissions?: pulumi.Input<PodApiKeyPermissions>;
  /**
   * How often a new key appears: a duration written `<number><unit>` with unit `d`, `h` or `m` (`"30d"`).
   * `apiKey` is never older than this after an `up`, and each key lives about two periods. Required; a plain
   * string, so that a bad value is refused before anything is registered.
   */
  readonly rotationPeriod: string;
  /**
   * The keys' names: this plus `-a` and `-b`, kept across rotations. Default: auto-names from the resource's
   * name (`<name>-a-<random>`, `<name>-b-<random>`), new at each rotation.
   */
  readonly name?: pulumi.Input<string>;
  /**
   * Both keys' own credential, in place of the stack's (see {@link ConnectionArgs}): a pair in a second
   * organization or region. Stored as a secret. Default: the stack's credential.
   */
  readonly connection?: pulumi.Input<ConnectionArgs>;
}

/**
 * The schedule of a {@link RotatingPodApiKey}: which of its two keys a `pulumi up` replaces, and when. A resource
 * with no API call of its own, registered before both keys; its state is the pair's bookkeeping (each key's
 * generation, when it began, which is the newer). Once the newer key's generation is one `rotationPeriod` old,
 * the next `up` gives the older key a new generation, which replaces it (its `rotationTrigger`). Created by
 * `RotatingPodApiKey`; of no use alone.
 */
export class RotationSchedule extends pulumi.dynamic.Resource {
  /** The pair's period, as given. */
  declare public readonly rotationPeriod: pulumi.Output<string>;
  /** Key `a`'s generation: a new one replaces it. */
  declare public readonly generationA: pulumi.Output<number>;
  /** Key `b`'s generation: a new one replaces it. */
  declare public readonly generationB: pulumi.Output<number>;
  /** When `a`'s generation began (ISO-8601, whole minutes). */
  declare public readonly sinceA: pulumi.Output<string>;
  /** When `b`'s generation began (ISO-8601, whole minutes). */
  declare public readonly sinceB: pulumi.Output<string>;
  /** The key whose generation began last: `"a"` or `"b"`. */
  declare public readonly newer: pulumi.Output<"a" | "b">;
  /** When the next replacement is due: the newer generation's start plus one period. */
  declare public readonly rotatesAt: pulumi.Output<string>;

  /**
   * @param name The resource's unique name.
   * @param args The pair's period.
   * @param opts Resource options.
   */
  constructor(name: string, args: { readonly rotationPeriod: string }, opts?: pulumi.CustomResourceOptions) {
    super(
      scheduleProvider,
      name,
      {
        rotationPeriod: args.rotationPeriod,
        generationA: undefined,
        generationB: undefined,
        sinceA: undefined,
        sinceB: undefined,
        newer: undefined,
        rotatesAt: undefined,
      },
      opts,
      "agentmail",
      "RotationSchedule",
    );
  }
}

/**
 * Two pod API keys, staggered by one period, so that a consumer that re-reads the secret at least once per
 * `rotationPeriod` never holds a revoked key: `apiKey` is the newer key (at most one period old after an
 * `up`), `previousApiKey` the older one, still valid. Each `up` past a period boundary replaces only the older
 * key (new key first, then the old one is revoked).
 *
 * How: a {@link RotationSchedule} child, registered first, keeps the pair's order and ages in its state; once
 * the newer key is one period old, it gives the older key a new generation, and that key (its
 * `rotationTrigger`) is replaced. So an `up` replaces at most one key, always the older, even after weeks
 * without an `up`; the key handed out as `apiKey` stays valid at least until the `up` after the next period
 * boundary. Rotation happens when someone runs `pulumi up` (schedule it).
 *
 * @example
 * ```ts
 * const key = new RotatingPodApiKey("worker", { podId: pod.podId, rotationPeriod: "30d",
 *   permissions: { messageRead: true } });
 * export const workerKey = key.apiKey; // a secret; re-read it at least every 30 days
 * ```
 */
export class RotatingPodApiKey extends pulumi.ComponentResource {
  /** The newer key: a secret, at most one `rotationPeriod` old after each `up`. */
  declare public readonly apiKey: pulumi.Output<string>;
  /** The newer key's id. */
  declare public readonly apiKeyId: pulumi.Output<string>;
  /** The older key: a secret, still valid until the next rotation. */
  declare public readonly previousApiKey: pulumi.Output<string>;
  /** The older key's id. */
  declare public readonly previousApiKeyId: pulumi.Output<string>;
  /** When the next rotation is due (ISO-8601): the first `up` from then on replaces the older key. */
  declare public readonly rotatesAt: pulumi.Output<string>;
  /** The two keys, `a` and `b`: for dependencies, not for reading secrets (which one is newer changes). */
  declare public readonly keys: readonly [PodApiKey, PodApiKey];
  /** The schedule that decides which key the next rotation replaces. */
  declare public readonly schedule: RotationSchedule;

  /**
   * @param name The component's unique name; its children are `<name>-a` and `<name>-b`.
   * @param args The pod, permissions, period and optional key name.
   * @param opts Component options; the children are parented to the component.
   */
  constructor(name: string, args: RotatingPodApiKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    if (parseDuration(args.rotationPeriod) === undefined) {
      throw new Error(
        `RotatingPodApiKey "${name}": rotationPeriod is not a duration (got ${JSON.stringify(args.rotationPeriod)}): ` +
          `expected ${DURATION_WORDS}.`,
      );
    }
    super("agentmail:index:RotatingPodApiKey", name, {}, opts);
    const keyName = (suffix: string): pulumi.Input<string> | undefined =>
      args.name === undefined ? undefined : pulumi.interpolate`${args.name}-${suffix}`;
    const common = {
      podId: args.podId,
      ...(args.permissions === undefined ? {} : { permissions: args.permissions }),
      ...(args.connection === undefined ? {} : { connection: args.connection }),
    };
    const schedule = new RotationSchedule(
      `${name}-schedule`,
      { rotationPeriod: args.rotationPeriod },
      { parent: this },
    );
    const key = (member: "a" | "b", generation: pulumi.Output<number>): PodApiKey =>
      new PodApiKey(
        `${name}-${member}`,
        { ...common, ...named(keyName(member)), rotationTrigger: generation.apply((g) => `generation ${g}`) },
        { parent: this },
      );
    const a = key("a", schedule.generationA);
    const b = key("b", schedule.generationB);
    // The order is the schedule's, not the keys' createdAt: the key handed out is never the next one replaced.
    const view = pulumi
      .all([schedule.newer, schedule.rotatesAt, a.apiKey, a.apiKeyId, b.apiKey, b.apiKeyId])
      .apply(([newer, rotatesAt, aKey, aId, bKey, bId]) => {
        const ka = { apiKey: aKey, apiKeyId: aId };
        const kb = { apiKey: bKey, apiKeyId: bId };
        return newer === "b" ? { newer: kb, older: ka, rotatesAt } : { newer: ka, older: kb, rotatesAt };
      });
    this.keys = [a, b];
    Object.assign(this, {
      schedule,
      apiKey: pulumi.secret(view.apply((v) => v.newer.apiKey)),
      apiKeyId: view.apply((v) => v.newer.apiKeyId),
      previousApiKey: pulumi.secret(view.apply((v) => v.older.apiKey)),
      previousApiKeyId: view.apply((v) => v.older.apiKeyId),
      rotatesAt: view.apply((v) => v.rotatesAt),
    });
    this.registerOutputs({
      apiKey: this.apiKey,
      apiKeyId: this.apiKeyId,
      previousApiKey: this.previousApiKey,
      previousApiKeyId: this.previousApiKeyId,
      rotatesAt: this.rotatesAt,
    });
  }
}

function named(name: pulumi.Input<string> | undefined): { name?: pulumi.Input<string> } {
  return name === undefined ? {} : { name };
}
