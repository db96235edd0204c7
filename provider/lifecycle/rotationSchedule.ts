/**
 * The schedule of a `RotatingPodApiKey`: which of its two keys an `up` replaces, and when. A resource of its
 * own, registered before both keys, whose state holds each key's generation. A key's generation is in its name
 * (`<keyName>-<a|b>-<pairToken>-g<generation>`) and in its `rotationTrigger`, so a new generation replaces that
 * key (new key first), and nothing else does.
 *
 * The schedule decides in `check` from what AgentMail lists, not from its own memory alone: the pair's keys are
 * found in the pod's listing by their names, and their generations and `created_at` read there.
 * - If a key does not yet hold the generation the schedule gave it (the `up` that was to replace it failed, or
 *   was `--target`ed at the schedule alone), or a key it replaced is still listed (the engine has not deleted it
 *   yet, or an `up` was cut off after making its successor), nothing new is decided: the pending replacement is
 *   completed first, and the key consumers were last given is not touched. A replaced key still listed a period
 *   after its successor was made is a leftover no state holds: the check fails, naming the member's keys
 *   (`leftoverFailure`), rather than the pair stopping silently.
 * - Otherwise, once the newer key is one `rotationPeriod` old (counted in whole minutes), the OLDER key gets a new
 *   generation. So one `up` replaces at most one key, always the older, whatever the gap since the last `up`.
 * - A schedule that starts again (`pulumi up --replace` or `state taint` of it, or its state deleted: Check then
 *   runs without old inputs, pulumi/pulumi `pkg/resource/deploy/step_generator.go`) starts a new pair with a new
 *   token: both keys are renamed, so replaced (see `check`).
 *
 * Why a resource of its own: the decision needs both keys' ages, and neither key can take the other's as an
 * input (a dependency cycle). Why in `check`: the engine hands a provider without preview support its checked
 * inputs back as the outputs of a previewed update (pulumi/pulumi `sdk/go/common/resource/plugin/
 * provider_plugin.go`, `Update`: `if !protocol.supportsPreview ... return UpdateResponse{Properties:
 * req.NewInputs}`), so a key's new generation is known, and its replacement shown, before anything runs. Its
 * cost: one listing of the pod per `up` and per preview (through the host's shared listing cache); a new pair
 * lists nothing.
 * A schedule is never replaced by a diff: every change is an update of its state.
 */
import { z } from "zod";
import type { BearerKey } from "../agentmail/schemas";
import { AgentMailError } from "../agentmail/errors";
import type { ConnectionSettings } from "../agentmail/credentials";
import { ID_SHAPE, isSafeId } from "../agentmail/ids";
import { randomBytes } from "node:crypto";
import {
  CONNECTION_ALLOWED,
  connectionChanged,
  connectionFailures,
  connectionOf,
  ConnectionSchema,
} from "./connection";
import { failuresOf, orUnknown, unpadded, type Failure, type InputsVocabulary } from "./inputs";
import { DURATION_WORDS, parseDuration } from "./rotation";
import { isKnown } from "./unknown";
import { listPodKeys, type LifecycleContext } from "./context";

type Props = Record<string, unknown>;

/** The two keys of a pair. @internal */
export type Member = "a" | "b";

/** Each key's generation, as the schedule gives them. @internal */
export interface Generations {
  readonly generationA: number;
  readonly generationB: number;
}

/** A pair's key as the pod's listing shows it: the generation its name says, and when it was created. @internal */
export interface Seen {
  readonly generation: number;
  readonly createdAt: string;
  /**
   * A key of a lower generation of the same member is listed too: the replacement is not over (the engine has
   * not deleted the old key yet, or an interrupted `up` made the new key without recording it, or the listing
   * lags a delete).
   */
  readonly superseded: boolean;
  /** Every listed key of this member, oldest first: what a failure names. */
  readonly listed: readonly ListedKey[];
}

/** A listed key of the pair, as a failure names it. @internal */
export interface ListedKey {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

/** The pair's keys in a listing, by member; a member absent when no key of its name is listed. @internal */
export type Reality = Partial<Record<Member, Seen>>;

/** What `check` needs from outside: the clock, and a listing of a pod's keys (absent under mocks). @internal */
export interface ScheduleEnv {
  readonly now: () => number;
  readonly listKeys?: (podId: string, connection: ConnectionSettings | undefined) => Promise<readonly BearerKey[]>;
}

/** The environment of a schedule's check in the provider host: the host's clock and its shared listings. @internal */
export function scheduleEnv(ctx: LifecycleContext): ScheduleEnv {
  return {
    now: ctx.now,
    listKeys: async (podId, connection) => (await listPodKeys(ctx, ctx.client(connection), podId)).keys,
  };
}

const MINUTE = 60_000;
const GENERATION_FIELDS = ["generationA", "generationB"] as const;

/** The name of member `m`'s key at generation `g`. @internal */
export function pairKeyName(keyName: string, token: string, m: Member, g: number): string {
  return `${keyName}-${m}-${token}-g${g}`;
}

/** `text` as a regular expression that matches it literally. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `instant` down to its whole minute, in ms: the schedule's (and the pair's outputs') unit of time. @internal */
export function minute(instant: string): number {
  return Math.floor(Date.parse(instant) / MINUTE) * MINUTE;
}

/**
 * The pair's keys among `keys`: by member, the one of the highest generation (the newest, if a replacement
 * left two of it), and whether a key of a lower generation is listed too. Only names of exactly this pair's
 * shape count. @internal
 */
export function observe(keys: readonly BearerKey[], keyName: string, token: string): Reality {
  const shape = new RegExp(`^${literal(keyName)}-(a|b)-${token}-g([1-9][0-9]{0,8})$`);
  const found: Record<Member, (ListedKey & { generation: number })[]> = { a: [], b: [] };
  for (const k of keys) {
    const m = shape.exec(k.name);
    if (m !== null) {
      found[m[1] as Member].push({ id: k.api_key_id, name: k.name, createdAt: k.created_at, generation: Number(m[2]) });
    }
  }
  const seen: Reality = {};
  for (const m of ["a", "b"] as const) {
    const all = found[m].sort((x, y) => Date.parse(x.createdAt) - Date.parse(y.createdAt));
    if (all.length === 0) continue;
    // Oldest first, so the last of the highest generation is the newest of it.
    const top = Math.max(...all.map((k) => k.generation));
    const best = all.filter((k) => k.generation === top).pop()!;
    seen[m] = {
      generation: top,
      createdAt: best.createdAt,
      superseded: all.some((k) => k.generation < top),
      listed: all.map(({ id, name, createdAt }) => ({ id, name, createdAt })),
    };
  }
  return seen;
}

/**
 * Which key is the newer by creation, in whole minutes. Equal minutes (both keys made by the first `up`): `a`,
 * so that `b` is replaced first. The schedule and the pair's outputs decide by this one rule. @internal
 */
export function newerOf(aCreatedAt: string, bCreatedAt: string): Member {
  return minute(bCreatedAt) > minute(aCreatedAt) ? "b" : "a";
}

/**
 * The generations at `now`: the keys' own where they are ahead (a state restored from an older copy); then, if
 * both keys hold their generation and the newer is a period old, the older one's next. Unchanged when a key is
 * missing from the listing, still waits for its replacement, or still has its predecessor listed. @internal
 */
export function decide(gens: Generations, reality: Reality, periodMs: number, now: number): Generations {
  const { a, b } = reality;
  const current = {
    generationA: Math.max(gens.generationA, a?.generation ?? 0),
    generationB: Math.max(gens.generationB, b?.generation ?? 0),
  };
  if (a === undefined || b === undefined || a.superseded || b.superseded) return current;
  if (a.generation !== current.generationA || b.generation !== current.generationB) return current;
  const newer = newerOf(a.createdAt, b.createdAt);
  if (now < minute(newer === "a" ? a.createdAt : b.createdAt) + periodMs) return current;
  return newer === "a"
    ? { ...current, generationB: current.generationB + 1 }
    : { ...current, generationA: current.generationA + 1 };
}

const ScheduleInputsSchema = z.strictObject({
  rotationPeriod: orUnknown(z.string().refine((v) => parseDuration(v) !== undefined)),
  podId: orUnknown(z.string().refine(isSafeId)),
  connection: ConnectionSchema,
  name: orUnknown(unpadded()).optional(),
  // Set by RotatingPodApiKey, not by users: its resource name, and a hash of its URN.
  autoNamePrefix: z.string().min(1),
  // 8 hex digits of the component's URN (the state's token adds 8 random ones; 16 are accepted too).
  pairToken: orUnknown(z.string().regex(/^[0-9a-f]{8}([0-9a-f]{8})?$/)),
  // Set by check itself, never by the program; accepted so that checked inputs pass a check again.
  keyName: z.string().optional(),
  keyNameGiven: z.boolean().optional(),
  generationA: z.number().optional(),
  generationB: z.number().optional(),
  __provider: z.string().optional(),
});

const WORDS: InputsVocabulary = {
  resource: "RotatingPodApiKey's schedule",
  allowed: {
    rotationPeriod: DURATION_WORDS,
    podId: `a pod id: ${ID_SHAPE}`,
    name: "a non-empty string without leading or trailing spaces, or omit it",
    connection: CONNECTION_ALLOWED,
  },
};

/** A stored generation: a whole number from 1, else undefined. */
function generationOf(v: unknown): number | undefined {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 1 ? v : undefined;
}

/** A pair token as the state keeps it: the 8 hex digits from the URN, then 8 random ones. */
const FULL_TOKEN = /^[0-9a-f]{16}$/;

/**
 * The checked inputs: the key name and token (kept from the old inputs, so that renaming the component through
 * an alias renames no key), and the generations decided at `env.now()` from the listing of the pod.
 *
 * The token is the component's URN hash (given) plus 8 random hex digits chosen at the first create, so that two
 * deployments of the same stack (two backends, one pod) never share one. A schedule without old inputs (a first
 * create, or one started again by `--replace`, taint or a deleted state) starts a new pair: nothing in the pod
 * can tell its own former keys from a twin deployment's, and taking another pair's keys as its own would be
 * silent; a new token renames, so replaces, both keys, which `pulumi preview` shows.
 * @internal
 */
export async function check(
  env: ScheduleEnv,
  olds: Props,
  news: Props,
): Promise<{ inputs: Props; failures: Failure[] }> {
  const parsed = ScheduleInputsSchema.safeParse(news);
  if (!parsed.success) return { inputs: news, failures: failuresOf(parsed.error, news, WORDS) };
  const failures = connectionFailures(news);
  if (failures.length > 0) return { inputs: news, failures };

  const given = news["name"];
  const keepAuto = typeof olds["keyName"] === "string" && olds["keyNameGiven"] !== true;
  const keyName = given !== undefined ? given : keepAuto ? olds["keyName"] : news["autoNamePrefix"];
  const stored = olds["pairToken"];
  const urnHash = news["pairToken"];
  if (typeof stored !== "string" || !FULL_TOKEN.test(stored)) {
    // A first create (or a schedule started again): a new pair, nothing to list yet.
    const pairToken = isKnown(urnHash) ? `${String(urnHash).slice(0, 8)}${randomBytes(4).toString("hex")}` : urnHash;
    const first = { generationA: 1, generationB: 1 };
    return { inputs: { ...news, keyName, keyNameGiven: given !== undefined, pairToken, ...first }, failures: [] };
  }
  const pairToken = stored;
  let gens: Generations = {
    generationA: generationOf(olds["generationA"]) ?? 1,
    generationB: generationOf(olds["generationB"]) ?? 1,
  };
  const podId = news["podId"];
  const periodMs = parseDuration(news["rotationPeriod"]);
  const canList =
    env.listKeys !== undefined &&
    [podId, keyName].every((v) => typeof v === "string" && isKnown(v)) &&
    isKnown(news["connection"]);
  if (canList && periodMs !== undefined) {
    const keys = await listOrExplain(env, podId as string, connectionOf(news));
    const reality = observe(keys, keyName as string, pairToken);
    const now = env.now();
    const stuck = leftoverFailure(reality, periodMs, now, podId as string);
    if (stuck !== undefined) return { inputs: news, failures: [stuck] };
    gens = decide(gens, reality, periodMs, now);
  }
  const inputs: Props = { ...news, keyName, keyNameGiven: given !== undefined, pairToken, ...gens };
  return { inputs, failures: [] };
}

/**
 * A check failure when a replaced key of the pair has stayed listed beside its successor for a period or more:
 * not a replacement in progress (the engine deletes the old key at the end of the `up` that made the new one),
 * but a key left by an `up` cut off after making its successor, or a revoke that keeps failing. Nothing can be
 * decided while it is listed (see `decide`), so rather than stop rotating silently, the check says which keys
 * are listed and how to find the one no state holds.
 */
function leftoverFailure(reality: Reality, periodMs: number, now: number, podId: string): Failure | undefined {
  for (const m of ["a", "b"] as const) {
    const seen = reality[m];
    if (seen === undefined || !seen.superseded || now < minute(seen.createdAt) + periodMs) continue;
    const keys = seen.listed.map((k) => `${k.name} (${k.id}, created ${k.createdAt})`).join(", ");
    return {
      property: "",
      reason:
        `RotatingPodApiKey's schedule finds more than one key of this pair's "${m}" in pod ${podId}: ${keys}. One of ` +
        "them belongs to no Pulumi state: an `up` was cut off after making it, or a revoke keeps failing. Until " +
        "it is gone the pair cannot rotate, so nothing was changed. Revoke the key whose id is neither this " +
        "pair's apiKeyId nor its previousApiKeyId (`pulumi stack output`), then run `pulumi up` again.",
    };
  }
  return undefined;
}

/** The pod's keys, or an error that says what the listing was for (the client's message names the request). */
async function listOrExplain(
  env: ScheduleEnv,
  podId: string,
  connection: ConnectionSettings | undefined,
): Promise<readonly BearerKey[]> {
  try {
    return await env.listKeys!(podId, connection);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new AgentMailError(
      AgentMailError.isInstance(e) ? e.code : "AGENTMAIL_SCHEDULE_LISTING",
      `RotatingPodApiKey's schedule lists pod ${podId}'s keys to decide which key to rotate, and could not: ` +
        `${reason} Nothing was changed.`,
    );
  }
}

/** Any change is an update of the state; nothing ever replaces a schedule. @internal */
export async function diff(
  _id: string,
  olds: Props,
  news: Props,
): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
  const fields = ["rotationPeriod", "podId", "keyName", "keyNameGiven", "pairToken", ...GENERATION_FIELDS];
  const changes = fields.some((f) => olds[f] !== news[f]) || connectionChanged(olds, news);
  return { changes, replaces: [], deleteBeforeReplace: false };
}

/** The checked inputs are the state; the id is random (a schedule has no existence outside it). @internal */
export async function create(inputs: Props): Promise<{ id: string; outs: Props }> {
  return { id: `schedule-${randomBytes(8).toString("hex")}`, outs: { ...inputs } };
}

/** @internal */
export async function update(_id: string, _olds: Props, news: Props): Promise<{ outs: Props }> {
  return { outs: { ...news } };
}

/** Nothing outside the state to compare with: a refresh keeps it (the next check reads the keys). @internal */
export async function read(id: string, props: Props): Promise<{ id: string; props: Props }> {
  return { id, props };
}

/** Nothing outside the state to remove. @internal */
export async function remove(): Promise<void> {}
