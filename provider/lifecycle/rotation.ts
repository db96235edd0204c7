/**
 * Rotation rules of a PodApiKey, as pure functions over plain values with the clock passed in: durations
 * (`rotateAfter`, `expireAfter`), when a key is due, and which inputs conflict. `check`, `diff`, `create` and
 * `update` call them; nothing here talks HTTP or reads the time itself.
 *
 * A key is due once `rotateAfter` has passed since its `createdAt` (the API's answer, kept in state). The pair
 * (`RotatingPodApiKey`) decides in its own schedule instead (rotationSchedule.ts) and replaces a key through its
 * `rotationTrigger`.
 */
import type { Failure } from "./inputs";
import { isUnknown } from "./unknown";

/** The policy inputs: changing them alone replaces nothing (an in-place update of the state). @internal */
export const POLICY_INPUTS = ["rotateAfter", "expireAfter"] as const;

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
 * When the key becomes due for rotation (`createdAt + rotateAfter`), or undefined without `rotateAfter`. `policy`
 * holds the inputs in force (the new ones in `diff`), `createdAt` the key's creation time from state.
 * @internal
 */
export function rotatesAt(createdAt: unknown, policy: Record<string, unknown>): string | undefined {
  return after(createdAt, policy["rotateAfter"]);
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
  for (const input of ["rotateAfter", "expireAfter"] as const) {
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
