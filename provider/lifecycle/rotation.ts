/**
 * Rotation rules of a PodApiKey, as pure functions over plain values with the clock passed in: durations
 * (`rotateAfter`, `expireAfter`), when a key is due, and which inputs conflict. `check`, `diff`, `create` and
 * `update` call them; nothing here talks HTTP or reads the time itself.
 *
 * Two rules can make a key due:
 * - its own age: `rotateAfter` has passed since the key's `createdAt` (the API's answer, kept in state);
 * - a partner's age (`rotateBehind`, set only by `RotatingPodApiKey`): the partner key was created at that
 *   instant, and this key, made before the partner's first period ended, is due once that period has ended.
 *   So the second key of a pair is replaced halfway through the first one's life, never together with it.
 */
import type { Failure } from "./inputs";
import { isUnknown } from "./unknown";

/** The policy inputs: changing them alone replaces nothing (an in-place update of the state). @internal */
export const POLICY_INPUTS = ["rotateAfter", "expireAfter", "rotateBehind", "rotationPeriod"] as const;

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;
const DURATION = /^([1-9]\d{0,5})([dhm])$/;

/** What a duration input accepts, in words. @internal */
export const DURATION_WORDS =
  'a whole number of days, hours or minutes written as <number><unit>, unit d, h or m (e.g. "90d", "36h", "45m")';

/** The length of a duration such as `"90d"`, `"36h"` or `"45m"` in ms, or undefined when it is not one. @internal */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const m = DURATION.exec(value);
  return m === null ? undefined : Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** The instant (ISO-8601) `duration` after `from` (an ISO string or ms), or undefined when either is missing. @internal */
export function after(from: unknown, duration: unknown): string | undefined {
  const start = typeof from === "number" ? from : typeof from === "string" ? Date.parse(from) : NaN;
  const ms = parseDuration(duration);
  return Number.isFinite(start) && ms !== undefined ? new Date(start + ms).toISOString() : undefined;
}

/**
 * When the key becomes due for rotation, by the rules above, or undefined when no rule applies. `policy` holds
 * the inputs in force (the new ones in `diff`), `createdAt` the key's creation time from state.
 * @internal
 */
export function rotatesAt(createdAt: unknown, policy: Record<string, unknown>): string | undefined {
  const candidates = [after(createdAt, policy["rotateAfter"]), partnerDue(createdAt, policy)];
  const instants = candidates.filter((c): c is string => c !== undefined).map(Date.parse);
  return instants.length === 0 ? undefined : new Date(Math.min(...instants)).toISOString();
}

/** The end of the partner's first period, if this key was made before it; later keys wait for the partner's next one. */
function partnerDue(createdAt: unknown, policy: Record<string, unknown>): string | undefined {
  const due = after(policy["rotateBehind"], policy["rotationPeriod"]);
  if (due === undefined || typeof createdAt !== "string") return undefined;
  return Date.parse(createdAt) < Date.parse(due) ? due : undefined;
}

/** True when the key in state is due for rotation at `now` under `policy`. Unknown policy values decide nothing. @internal */
export function isDue(createdAt: unknown, policy: Record<string, unknown>, now: number): boolean {
  if (POLICY_INPUTS.some((p) => isUnknown(policy[p]))) return false;
  const at = rotatesAt(createdAt, policy);
  return at !== undefined && Date.parse(at) <= now;
}

/** True when a policy input differs between the state and the new inputs (an in-place update). @internal */
export function policyChanged(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  return POLICY_INPUTS.some((p) => olds[p] !== news[p]);
}

/**
 * The check failures of the rotation inputs: a value that is not a duration, `expireAfter` together with
 * `expiresAt`, and a `rotateAfter` that is not shorter than `expireAfter`. Unknown values pass.
 * @internal
 */
export function rotationFailures(news: Record<string, unknown>): Failure[] {
  const failures: Failure[] = [];
  for (const input of ["rotateAfter", "expireAfter", "rotationPeriod"] as const) {
    const v = news[input];
    if (v === undefined || v === null || isUnknown(v) || parseDuration(v) !== undefined) continue;
    failures.push({
      property: input,
      reason: `${input} is not a duration (got ${JSON.stringify(v)}): expected ${DURATION_WORDS}.`,
    });
  }
  if (failures.length > 0) return failures;
  if (news["expireAfter"] !== undefined && news["expiresAt"] !== undefined) {
    failures.push({
      property: "expireAfter",
      reason:
        "expireAfter and expiresAt cannot both be set: expiresAt is one fixed instant, expireAfter gives each new " +
        "key an expiry that long after its creation. Keep one of them.",
    });
  }
  const rotate = parseDuration(news["rotateAfter"]);
  const expire = parseDuration(news["expireAfter"]);
  if (rotate !== undefined && expire !== undefined && rotate >= expire) {
    failures.push({
      property: "rotateAfter",
      reason:
        `rotateAfter (${String(news["rotateAfter"])}) must be shorter than expireAfter (${String(news["expireAfter"])}): ` +
        "otherwise the key stops working before it is rotated.",
    });
  }
  return failures;
}
