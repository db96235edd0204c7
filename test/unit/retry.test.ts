import assert from "node:assert/strict";
import { DEFAULT_RETRY_POLICY, decideRetry, parseRetryAfter, type Outcome } from "../../provider/agentmail/retry";
import { nextCreateDelay } from "../../provider/lifecycle/backoff";

const policy = {
  ...DEFAULT_RETRY_POLICY,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  maxRetryAfterMs: 5000,
  deadlineMs: 60_000,
};
const half = () => 0.5;
const decide = (method: string, outcome: Outcome, attempt = 1, elapsed = 0) =>
  decideRetry(method, attempt, outcome, policy, elapsed, half);

describe("retry policy (unit)", () => {
  it("shared budget (default): a 429 or 408 is retried for every method and uses up no attempt, until the deadline", () => {
    for (const method of ["POST", "PATCH", "GET", "DELETE"]) {
      // At once after a 429: the budget holds every request until Retry-After.
      assert.deepEqual(decide(method, { kind: "status", status: 429, retryAfterMs: 2000 }, policy.maxAttempts), {
        retry: true,
        delayMs: 0,
        counts: false,
      });
      assert.deepEqual(decide(method, { kind: "status", status: 408 }, policy.maxAttempts), {
        retry: true,
        delayMs: 50,
        counts: false,
      });
    }
    assert.equal(decide("POST", { kind: "status", status: 429 }, 1, policy.deadlineMs).retry, false, "deadline");
    // Other failures still count.
    assert.deepEqual(decide("GET", { kind: "status", status: 503 }), { retry: true, delayMs: 50, counts: true });
  });

  it("without the shared budget (today's rules): 429 for every method, honouring Retry-After up to the cap, counted", () => {
    const old = { ...policy, sharedBudget: false };
    const decideOld = (method: string, outcome: Outcome, attempt = 1, elapsed = 0) =>
      decideRetry(method, attempt, outcome, old, elapsed, half);
    assert.deepEqual(decideOld("POST", { kind: "status", status: 429, retryAfterMs: 2000 }), {
      retry: true,
      delayMs: 2000,
      counts: true,
    });
    assert.deepEqual(decideOld("GET", { kind: "status", status: 429, retryAfterMs: 999_000 }), {
      retry: true,
      delayMs: 5000,
      counts: true,
    });
    assert.deepEqual(decideOld("DELETE", { kind: "status", status: 429 }), { retry: true, delayMs: 50, counts: true });
    assert.equal(decideOld("POST", { kind: "status", status: 429 }, old.maxAttempts).retry, false);
    assert.equal(decideOld("GET", { kind: "status", status: 429, retryAfterMs: 2000 }, 1, 59_000).retry, false);
  });

  it("retries 5xx and lost answers only for idempotent methods", () => {
    assert.equal(decide("GET", { kind: "status", status: 503 }).retry, true);
    assert.equal(decide("DELETE", { kind: "status", status: 500 }).retry, true);
    assert.equal(decide("POST", { kind: "status", status: 500 }).retry, false);
    assert.equal(decide("PATCH", { kind: "status", status: 502 }).retry, false);
    assert.equal(decide("GET", { kind: "network", maybeReceived: true }).retry, true);
    assert.equal(decide("POST", { kind: "network", maybeReceived: true }).retry, false);
  });

  it("retries race_condition for every method, resource_deleting for idempotent ones, by code, whatever the status", () => {
    for (const status of [403, 409]) {
      for (const method of ["POST", "PATCH", "GET", "DELETE"]) {
        assert.equal(decide(method, { kind: "status", status, apiCode: "race_condition" }).retry, true, method);
      }
      assert.equal(decide("DELETE", { kind: "status", status, apiCode: "resource_deleting" }).retry, true);
      assert.equal(decide("GET", { kind: "status", status, apiCode: "resource_deleting" }).retry, true);
      assert.equal(decide("POST", { kind: "status", status, apiCode: "resource_deleting" }).retry, false);
      assert.equal(decide("DELETE", { kind: "status", status, apiCode: "resource_taken" }).retry, false);
      assert.equal(decide("DELETE", { kind: "status", status }).retry, false, "no code: not a conflict to wait out");
    }
  });

  it("retries a request that never reached the server for every method", () => {
    assert.equal(decide("POST", { kind: "network", maybeReceived: false }).retry, true);
  });

  it("never retries other 4xx", () => {
    for (const status of [400, 401, 403, 404, 409, 422]) {
      assert.equal(decide("GET", { kind: "status", status }).retry, false, String(status));
    }
    assert.equal(decide("POST", { kind: "status", status: 408 }).retry, true);
  });

  it("backs off exponentially with jitter, bounded by maxDelayMs", () => {
    const delays = [1, 2, 3].map((a) =>
      decideRetry("GET", a, { kind: "status", status: 503 }, { ...policy, maxAttempts: 10 }, 0, () => 0.999),
    );
    assert.deepEqual(
      delays.map((d) => (d.retry ? d.delayMs : -1)),
      [99, 199, 399],
    );
    const capped = decideRetry(
      "GET",
      9,
      { kind: "status", status: 503 },
      { ...policy, maxAttempts: 10 },
      0,
      () => 0.999,
    );
    assert.ok(capped.retry && capped.delayMs <= 1000);
  });

  it("stops at maxAttempts and at the deadline", () => {
    assert.equal(decide("GET", { kind: "status", status: 503 }, policy.maxAttempts).retry, false);
    assert.equal(decide("GET", { kind: "status", status: 503 }, 1, 59_990).retry, false);
  });

  it("parses Retry-After as seconds or an HTTP date", () => {
    assert.equal(parseRetryAfter("1"), 1000);
    assert.equal(parseRetryAfter("0.5"), 500);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 7_000), 3000);
    assert.equal(parseRetryAfter("soon"), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });

  it("bounds a create's own reconcile-and-retry loop by maxAttempts and by the overall deadline", () => {
    const p = { ...policy, maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 4000, deadlineMs: 10_000 };
    assert.deepEqual(
      [1, 2, 3, 4].map((a) => nextCreateDelay(p, a, 0)),
      [1000, 2000, 4000, 4000],
    );
    assert.equal(nextCreateDelay(p, 5, 0), undefined, "maxAttempts used up");
    assert.equal(nextCreateDelay(p, 2, 7_999), 2000);
    assert.equal(nextCreateDelay(p, 2, 8_000), undefined, "the wait would end at the deadline");
  });
});
