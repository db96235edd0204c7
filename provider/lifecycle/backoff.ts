/** The retry budget of a create's own loop (its requests have the transport's retries besides). */
import type { RetryPolicy } from "../agentmail/retry";

/**
 * The wait before trying a create again after attempt `attempt` (1-based) failed ambiguously, or
 * undefined when `maxAttempts` is used up or the wait would end past `deadlineMs` since the create began.
 * @internal
 */
export function nextCreateDelay(policy: RetryPolicy, attempt: number, elapsedMs: number): number | undefined {
  const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return attempt >= policy.maxAttempts || elapsedMs + delay >= policy.deadlineMs ? undefined : delay;
}
