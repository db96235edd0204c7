import * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs } from "./connection";
import { PodApiKey, type PodApiKeyPermissions } from "./podApiKey";
import { DURATION_WORDS, parseDuration } from "./lifecycle/rotation";

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

/** One of the pair's keys, as the outputs need it. @internal */
export interface PairMember {
  readonly createdAt: string;
  readonly apiKey: string;
  readonly apiKeyId: string;
  readonly rotatesAt?: string | undefined;
}

/**
 * The pair's view of its two keys: the older is the one due first (`b`, made in the same `up` as `a`, is due
 * after one period, `a` after two; a key with no due time yet, `b` made after `a`'s first period, is the newer),
 * then the one created first; the newer is the other. `rotatesAt` is the earlier due time.
 * @internal
 */
export function pairView(a: PairMember, b: PairMember): { newer: PairMember; older: PairMember; rotatesAt?: string } {
  const due = (k: PairMember): number => (typeof k.rotatesAt === "string" ? Date.parse(k.rotatesAt) : Infinity);
  const aOlder = due(a) !== due(b) ? due(a) < due(b) : Date.parse(a.createdAt) <= Date.parse(b.createdAt);
  const [older, newer] = aOlder ? [a, b] : [b, a];
  const first = Math.min(due(a), due(b));
  return Number.isFinite(first) ? { newer, older, rotatesAt: new Date(first).toISOString() } : { newer, older };
}

/** `duration` times two, in the same unit (`"30d"` gives `"60d"`). @internal */
export function twice(duration: string): string {
  return `${Number(duration.slice(0, -1)) * 2}${duration.slice(-1)}`;
}

/**
 * Two pod API keys, staggered by one period, so that a consumer that re-reads the secret at least once per
 * `rotationPeriod` never holds a revoked key: `apiKey` is the newer key (at most one period old after an
 * `up`), `previousApiKey` the older one, still valid. Each `up` past a period boundary replaces only the older
 * key (new key first, then the old one is revoked).
 *
 * How: child `a` rotates on its own age (`rotateAfter` = two periods). Child `b` takes `a`'s `createdAt` as an
 * input and is due once `a` is one period old, if `b` was made before that; so `b` is replaced halfway through
 * each `a`'s life and never together with it. Rotation happens when someone runs `pulumi up` (schedule it).
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
  declare public readonly rotatesAt: pulumi.Output<string | undefined>;
  /** The two keys, `a` (rotates on its own age) and `b` (follows `a`): for dependencies, not for reading secrets. */
  declare public readonly keys: readonly [PodApiKey, PodApiKey];

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
    const a = new PodApiKey(
      `${name}-a`,
      { ...common, ...named(keyName("a")), rotateAfter: twice(args.rotationPeriod) },
      { parent: this },
    );
    const b = new PodApiKey(
      `${name}-b`,
      { ...common, ...named(keyName("b")), rotateBehind: a.createdAt, rotationPeriod: args.rotationPeriod },
      { parent: this },
    );
    const view = pulumi
      .all([a.createdAt, a.apiKey, a.apiKeyId, a.rotatesAt, b.createdAt, b.apiKey, b.apiKeyId, b.rotatesAt])
      .apply(([ac, ak, aid, ar, bc, bk, bid, br]) =>
        pairView(
          { createdAt: ac, apiKey: ak, apiKeyId: aid, rotatesAt: ar },
          { createdAt: bc, apiKey: bk, apiKeyId: bid, rotatesAt: br },
        ),
      );
    this.keys = [a, b];
    Object.assign(this, {
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
