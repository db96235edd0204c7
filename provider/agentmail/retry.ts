/**
 * The one place that decides whether a failed request is tried again, and when.
 *
 * undici's retry interceptor knows idempotent methods only; AgentMail's POST /api-keys has no
 * idempotency key, yet a 429 or a connection that never opened is safe to retry for it too, and an
 * ambiguous POST failure must NOT be retried blindly (a second key would be created). So the rules are
 * written here, as a pure function that the transport consults after every attempt.
 */

/** Retry and timeout settings. Every field has a default (`DEFAULT_RETRY_POLICY`) and can be overridden. */
export interface RetryPolicy {
  /** Attempts per request, the first included. Default 4. */
  readonly maxAttempts: number;
  /** First backoff delay; doubled each retry, with full jitter. Default 250 ms. */
  readonly baseDelayMs: number;
  /** Largest backoff delay. Default 8,000 ms. */
  readonly maxDelayMs: number;
  /** Largest wait honoured from a `Retry-After` header. Default 30,000 ms. */
  readonly maxRetryAfterMs: number;
  /** Overall deadline for one operation, retries included. Default 120,000 ms. */
  readonly deadlineMs: number;
  /** Time to open a connection. Default 10,000 ms. */
  readonly connectTimeoutMs: number;
  /** Time to receive the response headers once the request is sent. Default 30,000 ms. */
  readonly headersTimeoutMs: number;
  /** Time allowed between two chunks of the response body. Default 30,000 ms. */
  readonly bodyTimeoutMs: number;
  /**
   * Whether requests share the process's per-organization budget (`budget.ts`): a 429 holds every request
   * until `Retry-After` and lowers the pace, and a 429 or 408 is not counted as a failed attempt (it is
   * retried until `deadlineMs`). `false`: the rules before 0.2 (each request waits `Retry-After` on its own,
   * and a 429 uses up one of `maxAttempts`). Default true.
   */
  readonly sharedBudget: boolean;
  /** Requests per second the shared budget starts pacing at; 0: unpaced until the first 429. Default 0. */
  readonly startRate: number;
  /** Most requests of one organization on the wire at once (shared budget). Default 32. */
  readonly maxInFlight: number;
}

/** The defaults: a few quick retries, bounded waits, no operation longer than two minutes. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
  deadlineMs: 120_000,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  sharedBudget: true,
  startRate: 0,
  maxInFlight: 32,
});

/** What happened on one attempt. @internal */
export type Outcome =
  | {
      readonly kind: "status";
      readonly status: number;
      /** The API's error code (`race_condition`, ...), when it sent one. */
      readonly apiCode?: string | undefined;
      readonly retryAfterMs?: number | undefined;
    }
  /** No answer. `maybeReceived` is false only when the request surely never reached the server. */
  | { readonly kind: "network"; readonly maybeReceived: boolean };

/**
 * `counts`: whether the attempt used up one of `maxAttempts` (a 429 or 408 under the shared budget does not:
 * the server did not process the request).
 * @internal
 */
export type Decision =
  { readonly retry: false } | { readonly retry: true; readonly delayMs: number; readonly counts: boolean };

const IDEMPOTENT = new Set(["GET", "HEAD", "DELETE", "PUT", "OPTIONS"]);

/**
 * Whether to retry after `attempt` (1-based; attempts that did not count excluded) ended with `outcome`.
 * - 429 and 408: every method (the request was not processed). Under the shared budget, not a failed attempt:
 *   retried until the deadline, at once after a 429 (the budget holds every request until `Retry-After`), after
 *   a jittered `baseDelayMs` after a 408. Without it: one of `maxAttempts`, honouring `Retry-After` up to the
 *   cap.
 * - `race_condition` (403 or 409): every method: AgentMail refused the request because of a concurrent change.
 * - `resource_deleting`: idempotent methods only (a GET or DELETE of what is being deleted settles soon).
 * - A connection that never reached the server: every method.
 * - 5xx and failures after the request may have arrived: idempotent methods only.
 * - Any other 4xx: never.
 * @internal
 */
export function decideRetry(
  method: string,
  attempt: number,
  outcome: Outcome,
  policy: RetryPolicy,
  elapsedMs: number,
  random: () => number = Math.random,
): Decision {
  if (policy.sharedBudget && outcome.kind === "status" && (outcome.status === 429 || outcome.status === 408)) {
    const delayMs = outcome.status === 429 ? 0 : Math.floor(random() * policy.baseDelayMs);
    return elapsedMs + delayMs >= policy.deadlineMs ? { retry: false } : { retry: true, delayMs, counts: false };
  }
  if (attempt >= policy.maxAttempts) return { retry: false };
  const idempotent = IDEMPOTENT.has(method.toUpperCase());
  let retryable: boolean;
  let floorMs = 0;
  if (outcome.kind === "network") {
    retryable = idempotent || !outcome.maybeReceived;
  } else if (outcome.status === 429 || outcome.status === 408) {
    retryable = true;
    floorMs = Math.min(outcome.retryAfterMs ?? 0, policy.maxRetryAfterMs);
  } else if (outcome.apiCode === "race_condition") {
    retryable = true;
  } else if (outcome.apiCode === "resource_deleting") {
    retryable = idempotent;
  } else {
    retryable = outcome.status >= 500 && idempotent;
  }
  if (!retryable) return { retry: false };
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const delayMs = Math.max(floorMs, Math.floor(random() * ceiling));
  if (elapsedMs + delayMs >= policy.deadlineMs) return { retry: false };
  return { retry: true, delayMs, counts: true };
}

/** `Retry-After` in milliseconds: seconds or an HTTP date; undefined when absent or unreadable. @internal */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
