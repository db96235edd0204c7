/**
 * The schedule of a `RotatingPodApiKey`: which of its two keys to replace, and when. A resource of its own,
 * with no API call, whose state is the pair's bookkeeping:
 *
 * - `generationA` / `generationB`: each key's generation. The keys take them as `rotationTrigger`, so a new
 *   generation replaces that key (new key first), and nothing else does.
 * - `sinceA` / `sinceB`: when each generation began (in whole minutes, the smallest unit of a period);
 *   `newer`: the key whose generation began last.
 *
 * The rule, at every `up`: once the newer key's generation is one `rotationPeriod` old, the OLDER key gets a new
 * generation (and becomes the newer). So one `up` replaces at most one key, always the older, whatever the gap
 * since the last `up`; the key a consumer last read as `apiKey` stays valid until the `up` after the next period
 * boundary. Both keys start together; the first replacement (`b`) comes one period later, then one every period.
 *
 * Why a resource of its own: the decision needs both keys' ages, and neither key can take the other's as an input
 * (a dependency cycle); the schedule is registered before both, and keeps the ages in its own state. The decision
 * is made in `check`, from the old inputs (Pulumi passes them), so that `pulumi preview` shows it exactly: the
 * engine hands a provider without preview support its checked inputs back as the outputs of a previewed update
 * (pulumi/pulumi `sdk/go/common/resource/plugin/provider_plugin.go`, `Update`: `if !protocol.supportsPreview
 * ... return UpdateResponse{Properties: req.NewInputs}`), so a key's new generation is known, and its
 * replacement shown, before anything runs. A schedule is never replaced: every change is an update of its state.
 *
 * The schedule trusts its own bookkeeping, not the keys' `createdAt`: a key replaced by other means
 * (`pulumi up --replace`) keeps its place in the order, and the pair's outputs follow the same order, so the key
 * handed out as `apiKey` is never the next one replaced.
 */
import { randomBytes } from "node:crypto";
import type { Failure } from "./inputs";
import { DURATION_WORDS, parseDuration } from "./rotation";
import { isUnknown } from "./unknown";

type Props = Record<string, unknown>;

/** The two keys of a pair. @internal */
export type Member = "a" | "b";

/** The schedule's bookkeeping, as stored. @internal */
export interface Plan {
  readonly generationA: number;
  readonly generationB: number;
  readonly sinceA: string;
  readonly sinceB: string;
  readonly newer: Member;
}

const PLAN_FIELDS = ["generationA", "generationB", "sinceA", "sinceB", "newer"] as const;
const MINUTE = 60_000;
/** What the program may register; the plan fields come from check itself (or are the outputs' placeholders). */
const INPUTS = new Set<string>(["rotationPeriod", "rotatesAt", "__provider", ...PLAN_FIELDS]);

/** `ms` as an ISO instant, down to the whole minute. */
function minute(ms: number): string {
  return new Date(Math.floor(ms / MINUTE) * MINUTE).toISOString();
}

/** The plan a new pair starts with: both keys made now, `a` counted as the newer (so `b` is replaced first). */
export function initialPlan(now: number): Plan {
  const at = minute(now);
  return { generationA: 1, generationB: 1, sinceA: at, sinceB: at, newer: "a" };
}

/** The stored plan in `props`, undefined when there is none, or the reason it cannot be read. @internal */
export function storedPlan(props: Props): Plan | undefined | { damaged: string } {
  if (PLAN_FIELDS.every((f) => props[f] === undefined)) return undefined;
  const { generationA, generationB, sinceA, sinceB, newer } = props;
  const generation = (g: unknown) => typeof g === "number" && Number.isSafeInteger(g) && g >= 1;
  const instant = (s: unknown) => typeof s === "string" && Number.isFinite(Date.parse(s));
  if (!generation(generationA) || !generation(generationB)) return { damaged: "a generation is not a whole number" };
  if (!instant(sinceA) || !instant(sinceB)) return { damaged: "a `since` is not an instant" };
  if (newer !== "a" && newer !== "b") return { damaged: '`newer` is neither "a" nor "b"' };
  return { generationA, generationB, sinceA, sinceB, newer } as Plan;
}

function isDamaged(stored: Plan | undefined | { damaged: string }): stored is { damaged: string } {
  return stored !== undefined && "damaged" in stored;
}

/** When the newer key's generation turns one period old: the first `up` from then on replaces the older key. */
export function dueAt(plan: Plan, periodMs: number): string {
  const since = plan.newer === "a" ? plan.sinceA : plan.sinceB;
  return new Date(Date.parse(since) + periodMs).toISOString();
}

/** `plan` at `now`: unchanged, or the older key given a new generation once the newer one is a period old. */
export function advance(plan: Plan, periodMs: number, now: number): Plan {
  if (now < Date.parse(dueAt(plan, periodMs))) return plan;
  const older: Member = plan.newer === "a" ? "b" : "a";
  return older === "a"
    ? { ...plan, generationA: plan.generationA + 1, sinceA: minute(now), newer: "a" }
    : { ...plan, generationB: plan.generationB + 1, sinceB: minute(now), newer: "b" };
}

/**
 * The checked inputs: the period, and the plan carried from the old inputs and advanced to now (a first
 * create starts one). An unknown period (a preview) keeps the plan as it is.
 * @internal
 */
export async function check(
  olds: Props,
  news: Props,
  now: () => number = Date.now,
): Promise<{ inputs: Props; failures: Failure[] }> {
  const failures: Failure[] = [];
  for (const key of Object.keys(news)) {
    if (!INPUTS.has(key)) failures.push({ property: key, reason: `${key} is not an input of a rotation schedule.` });
  }
  const period = news["rotationPeriod"];
  const periodMs = parseDuration(period);
  if (!isUnknown(period) && periodMs === undefined) {
    failures.push({
      property: "rotationPeriod",
      reason: `rotationPeriod is not a duration (got ${JSON.stringify(period)}): expected ${DURATION_WORDS}.`,
    });
  }
  const stored = storedPlan(olds);
  if (isDamaged(stored)) {
    failures.push({
      property: "",
      reason:
        `The rotation schedule's state cannot be read (${stored.damaged}). Remove the pair's schedule from the ` +
        "state (`pulumi state delete <its URN>`) to start a new one; the next `up` then replaces both keys.",
    });
  }
  if (failures.length > 0 || isDamaged(stored)) return { inputs: news, failures };
  const plan = stored ?? initialPlan(now());
  const next = periodMs === undefined ? plan : advance(plan, periodMs, now());
  return { inputs: inputsOf(news, next, periodMs), failures: [] };
}

function inputsOf(news: Props, plan: Plan, periodMs: number | undefined): Props {
  const out: Props = { rotationPeriod: news["rotationPeriod"], ...plan };
  if (periodMs !== undefined) out["rotatesAt"] = dueAt(plan, periodMs);
  if (news["__provider"] !== undefined) out["__provider"] = news["__provider"];
  return out;
}

/** A change of plan or period is an update of the state; nothing ever replaces a schedule. @internal */
export async function diff(
  _id: string,
  olds: Props,
  news: Props,
): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
  const fields = ["rotationPeriod", "rotatesAt", ...PLAN_FIELDS];
  return { changes: fields.some((f) => olds[f] !== news[f]), replaces: [], deleteBeforeReplace: false };
}

/** The checked inputs are the state; the id is random (a schedule has no existence outside it). @internal */
export async function create(inputs: Props): Promise<{ id: string; outs: Props }> {
  return { id: `schedule-${randomBytes(8).toString("hex")}`, outs: { ...inputs } };
}

/** @internal */
export async function update(_id: string, _olds: Props, news: Props): Promise<{ outs: Props }> {
  return { outs: { ...news } };
}

/** Nothing outside the state to compare with: a refresh keeps it. @internal */
export async function read(id: string, props: Props): Promise<{ id: string; props: Props }> {
  return { id, props };
}

/** Nothing outside the state to remove. @internal */
export async function remove(): Promise<void> {}
