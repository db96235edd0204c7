/**
 * The emulator's rate limit: a token bucket over every authorized request (admin routes excepted), as
 * AgentMail limits per organization (one organization per emulator). A request finding the bucket empty is
 * answered `429 rate_limit_exceeded` with `Retry-After` (whole seconds until a token is back, at least 1, as
 * the live service sends "usually 1") and the documented error body, and is counted.
 *
 * The bucket runs on real time (`performance.now()`), not the emulator's settable clock: it limits how fast
 * requests may arrive, which a test cannot fake without slowing down for real.
 */
import { performance } from "node:perf_hooks";
import type { EmulatorSettings } from "./context";

/** The `rateLimit` setting: `perSecond` tokens a second, up to `burst` (default: one second's worth). */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst?: number | undefined;
}

/** What `settingProblem` says of a `rateLimit` value, or undefined when it is allowed (null: no limit). */
export function rateLimitProblem(value: unknown): string | undefined {
  const allowed = "rateLimit must be null or { perSecond: a number > 0, burst?: an integer >= 1 }";
  if (value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) return allowed;
  const { perSecond, burst, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return allowed;
  if (typeof perSecond !== "number" || !Number.isFinite(perSecond) || perSecond <= 0) return allowed;
  if (burst !== undefined && !(Number.isInteger(burst) && (burst as number) >= 1)) return allowed;
  return undefined;
}

/** The bucket. It reads the setting on every request, so a change (in process or over admin) applies at once. */
export class RateLimiter {
  /** Requests answered 429 by the limit since the start (or the last `reset`). */
  limited = 0;
  private tokens = 0;
  private last = 0;
  private applied: RateLimit | null = null;

  constructor(
    private readonly settings: EmulatorSettings,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes a token; returns undefined when allowed, else the `Retry-After` to answer, in whole seconds. */
  take(): number | undefined {
    const limit = this.settings.rateLimit;
    if (limit === null) return undefined;
    const burst = limit.burst ?? Math.max(1, Math.round(limit.perSecond));
    const now = this.now();
    if (limit !== this.applied) {
      // A new setting starts with a full bucket.
      this.applied = limit;
      this.tokens = burst;
      this.last = now;
    }
    this.tokens = Math.min(burst, this.tokens + ((now - this.last) / 1000) * limit.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    this.limited++;
    return Math.max(1, Math.ceil((1 - this.tokens) / limit.perSecond));
  }

  /** Forgets the count (admin reset). */
  reset(): void {
    this.limited = 0;
    this.applied = null;
  }
}
