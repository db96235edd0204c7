import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { secretConnection, type ConnectionArgs } from "./connection";
import { PodApiKey, type PodApiKeyPermissions } from "./podApiKey";
import { DURATION_WORDS, parseDuration } from "./lifecycle/rotation";
import { minute, newerOf, pairKeyName } from "./lifecycle/rotationSchedule";
import scheduleProvider = require("./shim/rotationSchedule");

/** The arguments of a {@link RotatingPodApiKey}. */
export interface RotatingPodApiKeyArgs {
  /** The pod both keys are scoped to, e.g. `pod.podId`. Required. A change replaces both keys. */
  readonly podId: pulumi.Input<string>;
  /** What both keys may do. Default (omitted): everything the pod's scope allows. A change replaces both keys. */
  readonly permissions?: pulumi.Input<PodApiKeyPermissions>;
  /**
   * How often a new key appears: a duration written `<number><unit>` with unit `d`, `h` or `m` (`"30d"`).
   * After an `up` that completes, `apiKey` is younger than this; each key lives about two periods. A shorter
   * value takes effect at the next `up`. Required; a plain string, so that a bad value is refused before
   * anything is registered.
   */
  readonly rotationPeriod: string;
  /**
   * The start of the keys' names: `<name>-a-<token>-g<generation>` and `<name>-b-...`, where the token (8 hex
   * digits of the component's URN and 8 random ones chosen when the pair is created) tells this pair's keys
   * from any other's and the generation counts its rotations. Default: the component's resource name (kept when
   * the component is renamed through an alias). A change replaces both keys.
   */
  readonly name?: pulumi.Input<string>;
  /**
   * Both keys' own credential (and the schedule's, which lists their pod), in place of the stack's (see
   * {@link ConnectionArgs}): a pair in a second organization or region. Stored as a secret. Default: the
   * stack's credential.
   */
  readonly connection?: pulumi.Input<ConnectionArgs>;
}

/**
 * The schedule of a {@link RotatingPodApiKey}: which of its two keys a `pulumi up` replaces, and when. Registered
 * before both keys; its state is each key's generation. At each `up` (and preview) it lists the pod, finds the
 * pair's keys by name, and, once both hold their generation and the newer one is a `rotationPeriod` old, gives
 * the older key its next generation, which replaces it (its name and `rotationTrigger` change). A key still
 * waiting for its replacement (an `up` that failed), or whose predecessor is still listed (an `up` cut off after
 * making it), is completed first; nothing new is decided meanwhile. A replaced key still listed a period after
 * its successor was made (left by a cut-off `up`) fails the check, naming the keys, until it is revoked. A
 * schedule created again (`--replace`, taint) starts a new pair: both keys are replaced. Created by
 * `RotatingPodApiKey`; of no use alone.
 */
export class RotationSchedule extends pulumi.dynamic.Resource {
  /** The pair's period, as given. */
  declare public readonly rotationPeriod: pulumi.Output<string>;
  /** The start of the keys' names (the given `name`, or the component's name). */
  declare public readonly keyName: pulumi.Output<string>;
  /** 16 hex digits in both keys' names (the URN's 8, then 8 random) that tell this pair's keys from any other's. */
  declare public readonly pairToken: pulumi.Output<string>;
  /** Key `a`'s generation: a new one replaces it. */
  declare public readonly generationA: pulumi.Output<number>;
  /** Key `b`'s generation: a new one replaces it. */
  declare public readonly generationB: pulumi.Output<number>;

  /**
   * @param name The resource's unique name.
   * @param args The pair's period, pod, connection and names.
   * @param opts Resource options. `additionalSecretOutputs: ["connection"]` is always added.
   */
  constructor(
    name: string,
    args: {
      readonly rotationPeriod: string;
      readonly podId: pulumi.Input<string>;
      readonly connection?: pulumi.Input<ConnectionArgs> | undefined;
      readonly name?: pulumi.Input<string> | undefined;
      readonly autoNamePrefix: string;
      readonly pairToken: pulumi.Input<string>;
    },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      scheduleProvider,
      name,
      {
        rotationPeriod: args.rotationPeriod,
        podId: args.podId,
        connection: secretConnection(args.connection),
        name: args.name,
        autoNamePrefix: args.autoNamePrefix,
        pairToken: args.pairToken,
        keyName: undefined,
        generationA: undefined,
        generationB: undefined,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["connection"] }),
      "agentmail",
      "RotationSchedule",
    );
  }
}

/** One key of the pair, as the outputs need it. @internal */
export interface PairMember {
  readonly apiKey: string;
  readonly apiKeyId: string;
  readonly createdAt: string;
  /** The key's `rotationTrigger` in state: the generation it holds. */
  readonly rotationTrigger: string | undefined;
}

/**
 * The pair's newer and older key. A key that does not hold the generation the schedule gave it (its replacement
 * has not happened yet) is never the newer: the next `up` replaces it. Otherwise the later `createdAt` (in whole
 * minutes) is the newer, `a` on a tie, as the schedule counts. `rotatesAt` is the newer's creation, rounded down
 * to the minute, plus a period.
 * @internal
 */
export function pairView(
  a: PairMember,
  b: PairMember,
  generations: { readonly a: number; readonly b: number },
  periodMs: number,
): { newer: PairMember; older: PairMember; rotatesAt: string | undefined } {
  const holds = (k: PairMember, g: number) => k.rotationTrigger === generationTrigger(g);
  const [heldA, heldB] = [holds(a, generations.a), holds(b, generations.b)];
  const bNewer = heldB && (!heldA || newerOf(a.createdAt, b.createdAt) === "b");
  const [newer, older] = bNewer ? [b, a] : [a, b];
  const due = minute(newer.createdAt) + periodMs;
  const rotatesAt = heldA && heldB && Number.isFinite(due) ? new Date(due).toISOString() : undefined;
  return { newer, older, rotatesAt };
}

/** The `rotationTrigger` of a key in generation `g`. @internal */
export function generationTrigger(g: number): string {
  return `generation ${g}`;
}

/**
 * 8 hex digits of a SHA-256 of the component's URN, as an output that depends on no resource: an input that
 * depended on the component itself would make the child wait for the component's children, itself included
 * (the SDK expands a dependency on a component to its children).
 */
function tokenOf(component: pulumi.ComponentResource): pulumi.Output<string> {
  const urn = new Promise<string>((resolve) => component.urn.apply(resolve));
  return pulumi.output(urn.then((u) => createHash("sha256").update(u).digest("hex").slice(0, 8)));
}

/**
 * Two pod API keys, staggered by one period, so that a consumer that re-reads the secret at least once per
 * `rotationPeriod` (less the length of an `up` and a minute) never holds a revoked key: `apiKey` is the newer key (at most one period old after an
 * `up`), `previousApiKey` the older one, still valid. An `up` replaces at most one key, always the older
 * (new key first, then the old one is revoked).
 *
 * How: a {@link RotationSchedule} child, registered first, reads the pair's keys in the pod's listing at each
 * `up`; once the newer key is one period old, it gives the older key its next generation, and that key is
 * replaced. A replacement that has not happened yet (an `up` that failed, or was cut off before recording its
 * new key) is completed before anything new is decided. So even after weeks without an `up`, or after a failed one, the key handed out as `apiKey` is not the
 * one replaced. Rotation happens when someone runs `pulumi up` (schedule it).
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
  /**
   * When the next rotation is due (ISO-8601): the first `up` from then on replaces the older key. Undefined
   * while a replacement is still to be made (the next `up` makes it).
   */
  declare public readonly rotatesAt: pulumi.Output<string | undefined>;
  /** The two keys, `a` and `b`: for dependencies, not for reading secrets (which one is newer changes). */
  declare public readonly keys: readonly [PodApiKey, PodApiKey];
  /** The schedule that decides which key the next rotation replaces. */
  declare public readonly schedule: RotationSchedule;

  /**
   * @param name The component's unique name; its children are `<name>-schedule`, `<name>-a` and `<name>-b`.
   * @param args The pod, permissions, period and optional key name.
   * @param opts Component options; the children are parented to the component.
   */
  constructor(name: string, args: RotatingPodApiKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    const periodMs = parseDuration(args.rotationPeriod);
    if (periodMs === undefined) {
      throw new Error(
        `RotatingPodApiKey "${name}": rotationPeriod is not a duration (got ${JSON.stringify(args.rotationPeriod)}): ` +
          `expected ${DURATION_WORDS}.`,
      );
    }
    super("agentmail:index:RotatingPodApiKey", name, {}, opts);
    const schedule = new RotationSchedule(
      `${name}-schedule`,
      {
        rotationPeriod: args.rotationPeriod,
        podId: args.podId,
        connection: args.connection,
        name: args.name,
        autoNamePrefix: name,
        pairToken: tokenOf(this),
      },
      { parent: this },
    );
    const common = {
      podId: args.podId,
      ...(args.permissions === undefined ? {} : { permissions: args.permissions }),
      ...(args.connection === undefined ? {} : { connection: args.connection }),
    };
    const key = (member: "a" | "b", generation: pulumi.Output<number>): PodApiKey =>
      new PodApiKey(
        `${name}-${member}`,
        {
          ...common,
          name: pulumi
            .all([schedule.keyName, schedule.pairToken, generation])
            .apply(([keyName, token, g]) => pairKeyName(keyName, token, member, g)),
          rotationTrigger: generation.apply(generationTrigger),
        },
        { parent: this },
      );
    const a = key("a", schedule.generationA);
    const b = key("b", schedule.generationB);
    const member = (k: PodApiKey) =>
      pulumi
        .all([k.apiKey, k.apiKeyId, k.createdAt, k.rotationTrigger])
        .apply(([apiKey, apiKeyId, createdAt, rotationTrigger]): PairMember => ({
          apiKey,
          apiKeyId,
          createdAt,
          rotationTrigger,
        }));
    const view = pulumi
      .all([member(a), member(b), schedule.generationA, schedule.generationB])
      .apply(([ma, mb, ga, gb]) => pairView(ma, mb, { a: ga, b: gb }, periodMs));
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
