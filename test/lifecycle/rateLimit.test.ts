/**
 * Level 2, issue 11: hundreds of creates and deletes started at once against the emulator's rate limit, as
 * one `pulumi up` runs them in one provider host. Every operation shares the organization's budget in this
 * process: none fails, none leaves a key behind or makes two, and the pod ends with exactly the state's keys.
 * The limit is fast (hundreds a second) and `FAST_POLICY` caps each hold at 50 ms, so this takes about a
 * second; the benchmark (`npm run bench ratelimit`) measures the real rates.
 */
import assert from "node:assert/strict";
import * as lifecycle from "../../provider/lifecycle/podApiKey";
import { CLAIM_PREFIX } from "../../provider/lifecycle/createKey";
import { FAST_POLICY, startBench, type Bench } from "./setup";

const N = 200;
const LIMIT = { perSecond: 200, burst: 100 };
const KEYS = "/v0/pods/*/api-keys";
const KEY = "/v0/pods/*/api-keys/*";

/** Settles every promise and returns the failures. */
async function failures(ops: Promise<unknown>[]): Promise<Error[]> {
  const settled = await Promise.allSettled(ops);
  return settled.flatMap((s) => (s.status === "rejected" ? [s.reason as Error] : []));
}

describe("hundreds of operations at once against a rate limit (level 2, issue 11)", () => {
  let bench: Bench;
  let podId: string;

  beforeEach(async () => {
    // A fresh emulator (so a fresh budget) per test: the budget is per base URL and credential.
    bench = await startBench({ rateLimit: LIMIT });
    podId = bench.emu.store.createPod({ name: "tenants" }).pod_id;
    bench.emu.log.clear();
  });
  afterEach(() => bench.close());

  const inputs = (i: number) => ({ podId, name: `tenant-${i}`, permissions: { messageSend: true }, __provider: "s" });

  it(`${N} creates then ${N} deletes at once: no failure, no orphan, no duplicate, one POST and one PATCH each`, async () => {
    const ctx = bench.ctx();
    const created = await Promise.allSettled(Array.from({ length: N }, (_, i) => lifecycle.create(ctx, inputs(i))));
    const createFailures = created.flatMap((s) => (s.status === "rejected" ? [(s.reason as Error).message] : []));
    assert.deepEqual(createFailures, [], "no create failed");
    const ids = created.map((s) => (s as PromiseFulfilledResult<{ id: string }>).value.id);
    const live = bench.emu.store.apiKeys(podId);
    assert.deepEqual(live.map((k) => k.api_key_id).sort(), [...ids].sort(), "the pod holds exactly the state's keys");
    assert.equal(live.filter((k) => k.name.startsWith(CLAIM_PREFIX)).length, 0, "no key left under a claim name");
    const log = bench.emu.log;
    assert.equal(log.count({ method: "POST", path: KEYS, status: 200 }), N, "one processed POST per create");
    assert.equal(log.count({ method: "PATCH", path: KEY, status: 200 }), N, "one processed rename per create");
    assert.equal(log.count({ method: "GET" }), 0, "no listing: no create was ambiguous");
    const limitedCreates = bench.emu.rateLimited();
    assert.ok(limitedCreates > 0, "the limit was reached (else this test proves nothing)");
    assert.ok(
      limitedCreates <= 0.25 * log.count(),
      `the budget held the burst back: ${limitedCreates} of ${log.count()} requests answered 429`,
    );

    const deleted = await failures(ids.map((id) => lifecycle.remove(ctx, id, { podId })));
    assert.deepEqual(
      deleted.map((e) => e.message),
      [],
      "no delete failed",
    );
    assert.equal(bench.emu.store.apiKeys(podId).length, 0, "every key was revoked");
    assert.equal(log.count({ method: "DELETE", path: KEY, status: 204 }), N, "one processed DELETE per key");
    assert.equal(log.count({ status: 429 }), bench.emu.rateLimited(), "every 429 came from the limit");
  });

  it("with today's policy (sharedBudget: false) the same burst fails: each request waits on its own", async () => {
    const ctx = bench.ctx(undefined, { ...FAST_POLICY, sharedBudget: false });
    const created = await Promise.allSettled(Array.from({ length: N }, (_, i) => lifecycle.create(ctx, inputs(i))));
    const failed = created.filter((s) => s.status === "rejected");
    assert.ok(failed.length > 0, "some creates ran out of attempts");
  });
});
