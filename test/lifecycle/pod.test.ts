/**
 * Level 2: the Pod lifecycle functions against the emulator over real HTTP.
 */
import assert from "node:assert/strict";
import * as lifecycle from "../../provider/lifecycle/pod";
import { AgentMailError } from "../../provider/agentmail/errors";
import { startBench, rejection, type Bench } from "./setup";

type Props = Record<string, unknown>;

describe("Pod lifecycle against the emulator (level 2)", () => {
  let bench: Bench;
  const secrets: string[] = [];

  before(async () => {
    bench = await startBench();
    secrets.push(bench.emu.orgApiKey);
  });
  after(() => bench.close());
  beforeEach(() => {
    bench.emu.log.clear();
    bench.emu.faults.clear();
  });

  async function checked(inputs: Props = {}): Promise<Props> {
    const r = await lifecycle.check({}, { autoNamePrefix: "tenant", __provider: "shim", ...inputs });
    assert.deepEqual(r.failures, []);
    return r.inputs;
  }

  function podsNamed(name: unknown) {
    return bench.emu.store.pods().filter((p) => p.name === name);
  }

  /** A credential scoped to another pod: it sees no other pod, so a 404 from it proves nothing. */
  function foreignKey(): string {
    const otherPod = bench.emu.store.createPod({ name: `elsewhere-${Math.random()}` }).pod_id;
    const foreign = bench.emu.store.createApiKey(otherPod, { name: "foreign" }).api_key;
    secrets.push(foreign);
    return foreign;
  }

  describe("create", () => {
    it("makes one POST with the name and a client_id, and returns the pod as outputs", async () => {
      const inputs = await checked();
      const { id, outs } = await lifecycle.create(bench.ctx(), inputs);
      assert.equal(bench.emu.log.count({ method: "POST" }), 1);
      const live = bench.emu.store.pod(id);
      assert.ok(live, "the pod exists");
      assert.match(live.name, /^tenant-[0-9a-f]{7}$/);
      assert.equal(live.client_id, inputs["clientId"]);
      assert.deepEqual(outs, {
        autoNamePrefix: "tenant",
        __provider: "shim",
        name: live.name,
        clientId: live.client_id,
        podId: id,
        createdAt: live.created_at,
        updatedAt: live.updated_at,
      });
    });

    it("is idempotent by clientId: the same inputs twice give the same pod, created once", async () => {
      const inputs = await checked({ name: "idem", clientId: "tenant-idem.1" });
      const first = await lifecycle.create(bench.ctx(), inputs);
      const second = await lifecycle.create(bench.ctx(), inputs);
      assert.equal(second.id, first.id);
      assert.deepEqual(second.outs, first.outs);
      assert.equal(podsNamed("idem").length, 1);
    });

    it("retries an ambiguous failure (500 after the pod was created): exactly one pod, its id in the outputs", async () => {
      const inputs = await checked({ name: "ambiguous-500" });
      bench.emu.faults.add({ method: "POST", path: "/v0/pods", status: 500, afterCommit: true, times: 2 });
      const { id, outs } = await lifecycle.create(bench.ctx(), inputs);
      assert.equal(bench.emu.log.count({ method: "POST" }), 3, "two failed attempts, then the answer");
      const live = podsNamed("ambiguous-500");
      assert.equal(live.length, 1);
      assert.equal(live[0]!.pod_id, id);
      assert.equal(outs["podId"], id);
    });

    it("retries a reset connection and a timeout after the commit, the same way", async () => {
      const reset = await checked({ name: "ambiguous-reset" });
      bench.emu.faults.add({ method: "POST", path: "/v0/pods", destroy: true, afterCommit: true, times: 1 });
      const a = await lifecycle.create(bench.ctx(), reset);
      assert.deepEqual(
        podsNamed("ambiguous-reset").map((p) => p.pod_id),
        [a.id],
      );

      const slow = await checked({ name: "ambiguous-timeout" });
      bench.emu.faults.add({ method: "POST", path: "/v0/pods", delayMs: 600, afterCommit: true, times: 1 });
      const b = await lifecycle.create(bench.ctx(), slow);
      assert.deepEqual(
        podsNamed("ambiguous-timeout").map((p) => p.pod_id),
        [b.id],
      );
    });

    it("gives up after maxAttempts with a message saying a rerun is safe; the rerun finds the same pod", async () => {
      const inputs = await checked({ name: "persistent" });
      bench.emu.faults.add({ method: "POST", path: "/v0/pods", status: 503, afterCommit: true });
      const e = await rejection(lifecycle.create(bench.ctx(), inputs));
      assert.ok(AgentMailError.isInstance(e));
      assert.equal(e.code, "AGENTMAIL_CREATE_FAILED");
      assert.match(e.message, /Creating pod "persistent" failed 4 times; the last time: .*answered 503/);
      assert.match(e.message, /running again is safe/);
      assert.equal(podsNamed("persistent").length, 1);
      bench.emu.faults.clear();
      const again = await lifecycle.create(bench.ctx(), inputs);
      assert.deepEqual(
        podsNamed("persistent").map((p) => p.pod_id),
        [again.id],
      );
    });

    it("does not retry a clear refusal (403 for a pod-scoped credential)", async () => {
      const e = await rejection(lifecycle.create(bench.ctx(foreignKey()), await checked({ name: "refused" })));
      assert.match(e.message, /POST \/v0\/pods answered 403 unrestricted_key_required/);
      assert.equal(bench.emu.log.count({ method: "POST" }), 1);
      assert.equal(podsNamed("refused").length, 0);
    });

    it("refuses a clientId that already belongs to another pod", async () => {
      await lifecycle.create(bench.ctx(), await checked({ name: "owner", clientId: "shared-id" }));
      const e = await rejection(
        lifecycle.create(bench.ctx(), await checked({ name: "newcomer", clientId: "shared-id" })),
      );
      assert.ok(AgentMailError.isInstance(e));
      assert.equal(e.code, "AGENTMAIL_CLIENT_ID_TAKEN");
      assert.match(e.message, /clientId "shared-id" already belongs to pod \S+ \("owner"\)/);
      assert.equal(podsNamed("newcomer").length, 0);
    });
  });

  describe("read (refresh)", () => {
    it("round-trips an unchanged pod without a change", async () => {
      const { id, outs } = await lifecycle.create(bench.ctx(), await checked());
      const read = await lifecycle.read(bench.ctx(), id, outs);
      assert.equal(read.id, id);
      assert.deepEqual(read.props, outs);
    });

    it("returns an empty id for a pod deleted elsewhere", async () => {
      const { id, outs } = await lifecycle.create(bench.ctx(), await checked());
      bench.emu.store.deletePod(id);
      assert.deepEqual(await lifecycle.read(bench.ctx(), id, outs), { id: "", props: {} });
    });

    it("does not mistake a credential of another pod for a deleted pod", async () => {
      const { id, outs } = await lifecycle.create(bench.ctx(), await checked());
      const foreign = foreignKey();
      const e = await rejection(lifecycle.read(bench.ctx(foreign), id, outs));
      assert.match(e.message, /answered 404 for pod .* cannot see that pod, so this may not mean it is gone/);
      assert.ok(!e.message.includes(foreign));
    });
  });

  describe("update and delete", () => {
    it("update keeps every output", async () => {
      const { id, outs } = await lifecycle.create(bench.ctx(), await checked());
      const { outs: after } = await lifecycle.update(id, outs, {
        name: outs["name"],
        clientId: outs["clientId"],
        __provider: "new",
      });
      for (const k of ["podId", "name", "clientId", "createdAt", "updatedAt"]) assert.equal(after[k], outs[k], k);
    });

    it("delete removes the pod; a second delete (404) is success", async () => {
      const { id, outs } = await lifecycle.create(bench.ctx(), await checked());
      await lifecycle.remove(bench.ctx(), id, outs);
      assert.equal(bench.emu.store.pod(id), undefined);
      await lifecycle.remove(bench.ctx(), id, outs);
    });

    it("a pod that still holds inboxes fails with what to do, and is kept", async () => {
      const { id, outs } = await lifecycle.create(bench.ctx(), await checked({ name: "busy" }));
      bench.emu.store.addInbox(id);
      const e = await rejection(lifecycle.remove(bench.ctx(), id, outs));
      assert.ok(AgentMailError.isInstance(e));
      assert.equal(e.code, "AGENTMAIL_POD_NOT_EMPTY");
      assert.match(e.message, /Pod \S+ \("busy"\) cannot be deleted: it still holds inboxes or domains/);
      assert.match(e.message, /answered 409 cannot_delete/);
      assert.match(e.message, /delete its inboxes and domains first/);
      assert.match(e.message, /retainOnDelete: true/);
      assert.ok(bench.emu.store.pod(id), "still there");
      bench.emu.store.removeInboxes(id);
      await lifecycle.remove(bench.ctx(), id, outs);
      assert.equal(bench.emu.store.pod(id), undefined);
    });

    it("delete with a credential that cannot see the pod fails instead of forgetting it", async () => {
      const { id, outs } = await lifecycle.create(bench.ctx(), await checked());
      const e = await rejection(lifecycle.remove(bench.ctx(foreignKey()), id, outs));
      assert.match(e.message, /cannot see that pod/);
      assert.ok(bench.emu.store.pod(id), "the pod is still live and still in state");
    });
  });

  after(() => {
    const log = JSON.stringify(bench.emu.log.entries());
    for (const s of secrets) assert.ok(!log.includes(s), "the emulator's log holds no key");
  });
});
