/**
 * Level 2, issue 16: the error codes the corrected API reference added, as a user meets them: an expired
 * credential, a full-access ask of a restricted one, and the state conflicts (retried or explained).
 * Requests are counted at the emulator.
 */
import assert from "node:assert/strict";
import * as lifecycle from "../../provider/lifecycle/podApiKey";
import { startBench, rejection, usePodBench } from "./setup";

const KEYS = "/v0/pods/*/api-keys";
const KEY = "/v0/pods/*/api-keys/*";

describe("PodApiKey against the documented error codes (level 2)", () => {
  const fx = usePodBench("codes");

  const inputs = () => ({
    podId: fx.podId,
    name: "codes-1234567",
    permissions: { messageSend: true },
    __provider: "shim",
  });
  const live = () => fx.bench.emu.store.apiKeys(fx.podId).map((k) => k.api_key_id);

  it("an expired credential: one request, and a message that says so and how to replace it", async () => {
    let now = Date.now();
    const clock = await startBench({ clock: () => now });
    try {
      const pod = clock.emu.store.createPod({ name: "expiring" }).pod_id;
      const credential = clock.emu.store.createApiKey(pod, { expires_at: new Date(now + 60_000) });
      now += 120_000;
      const e = await rejection(lifecycle.create(clock.ctx(credential.api_key), { ...inputs(), podId: pod }));
      assert.match(e.message, /answered 401 api_key_expired/);
      assert.match(e.message, /The credential has expired/);
      assert.match(e.message, /pulumi config set agentmail:apiKey --secret/);
      assert.ok(!e.message.includes(credential.api_key));
      assert.equal(clock.emu.log.count(), 1, "a 401 is not retried");
    } finally {
      await clock.close();
    }
  });

  it("a full-access key asked of a restricted credential: explains that omitted permissions mean full access", async () => {
    fx.bench.emu.faults.add({ method: "POST", path: KEYS, code: "unrestricted_key_required" });
    const { permissions: _omitted, ...fullAccess } = inputs();
    const e = await rejection(lifecycle.create(fx.bench.ctx(), fullAccess));
    assert.match(e.message, /a key without `permissions`, which means full access/);
    assert.doesNotMatch(e.message, /needs the api_key_create permission/);
    assert.equal(fx.bench.emu.log.count({ method: "POST" }), 1);
    assert.deepEqual(live(), []);
  });

  for (const status of [403, 409]) {
    it(`race_condition (${status}) on the create is retried: one key, two POSTs`, async () => {
      fx.bench.emu.faults.add({ method: "POST", path: KEYS, status, code: "race_condition", times: 1 });
      const { id } = await lifecycle.create(fx.bench.ctx(), inputs());
      assert.deepEqual(live(), [id]);
      assert.equal(fx.bench.emu.log.count({ method: "POST" }), 2);
      assert.equal(fx.bench.emu.log.count({ method: "DELETE" }), 0);
    });

    it(`resource_deleting (${status}) on a revoke is waited out: the key ends revoked`, async () => {
      const { id, outs } = await lifecycle.create(fx.bench.ctx(), inputs());
      fx.bench.emu.log.clear();
      fx.bench.emu.faults.add({ method: "DELETE", path: KEY, status, code: "resource_deleting", times: 2 });
      await lifecycle.remove(fx.bench.ctx(), id, outs);
      assert.deepEqual(live(), []);
      assert.equal(fx.bench.emu.log.count({ method: "DELETE" }), 3);
    });
  }

  it("resource_deleting on a create is not retried, and says the pod is being deleted", async () => {
    fx.bench.emu.faults.add({ method: "POST", path: KEYS, code: "resource_deleting" });
    const e = await rejection(lifecycle.create(fx.bench.ctx(), inputs()));
    assert.match(e.message, /answered 409 resource_deleting/);
    assert.match(e.message, /the pod it belongs to, is being deleted/);
    assert.equal(fx.bench.emu.log.count({ method: "POST" }), 1);
  });

  it("resource_taken is explained, not retried", async () => {
    fx.bench.emu.faults.add({ method: "POST", path: KEYS, code: "resource_taken" });
    const e = await rejection(lifecycle.create(fx.bench.ctx(), inputs()));
    assert.match(e.message, /already holds this name or id/);
    assert.equal(fx.bench.emu.log.count({ method: "POST" }), 1);
  });
});
