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
    it("makes one POST with the name and a client_id generated for it, and returns the pod as outputs", async () => {
      const inputs = await checked();
      assert.equal(inputs["clientId"], undefined, "check generates none");
      const { id, outs } = await lifecycle.create(bench.ctx(), inputs);
      assert.equal(bench.emu.log.count({ method: "POST" }), 1);
      const live = bench.emu.store.pod(id);
      assert.ok(live, "the pod exists");
      assert.match(live.name, /^tenant-[0-9a-f]{7}$/);
      assert.match(live.client_id ?? "", /^pulumi-[0-9a-f]{32}$/);
      assert.deepEqual(outs, {
        autoNamePrefix: "tenant",
        __defaults: ["name"],
        __provider: "shim",
        name: live.name,
        clientId: live.client_id,
        podId: id,
        createdAt: live.created_at,
        updatedAt: live.updated_at,
        endpoint: bench.emu.url,
        organizationId: bench.emu.organizationId,
      });
    });

    it("a second create from the same inputs (a forced replacement) makes a second pod, with another client_id", async () => {
      // `pulumi up --replace` creates the replacement from the same inputs, then deletes the old pod: the
      // replacement must not be the old pod handed back for a client_id it reused.
      const inputs = await checked({ name: "replaced" });
      const first = await lifecycle.create(bench.ctx(), inputs);
      const second = await lifecycle.create(bench.ctx(), inputs);
      assert.notEqual(second.id, first.id);
      assert.notEqual(second.outs["clientId"], first.outs["clientId"]);
      await lifecycle.remove(bench.ctx(), first.id, first.outs);
      assert.deepEqual(
        podsNamed("replaced").map((p) => p.pod_id),
        [second.id],
        "the replacement survives the old pod's deletion",
      );
    });

    it("is idempotent by a given clientId: the same inputs twice give the same pod, created once", async () => {
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

    it("gives up after maxAttempts; when the pod may exist, the clientId the message names makes a rerun safe", async () => {
      const inputs = await checked({ name: "persistent" });
      bench.emu.faults.add({ method: "POST", path: "/v0/pods", status: 503, afterCommit: true });
      // The listing that looks for a pod left behind fails too, so the pod stays (see the tests below for
      // the clean-up) and the message tells how to make a rerun safe: give this Pod that clientId.
      bench.emu.faults.add({ method: "GET", path: "/v0/pods", status: 503 });
      const e = await rejection(lifecycle.create(bench.ctx(), inputs));
      assert.ok(AgentMailError.isInstance(e));
      assert.equal(e.code, "AGENTMAIL_CREATE_FAILED");
      assert.match(e.message, /Creating pod "persistent" failed 4 times; the last time: .*answered 503/);
      const clientId = /set clientId: "(pulumi-[0-9a-f]{32})" on this Pod: then running again is safe/.exec(
        e.message,
      )?.[1];
      assert.ok(clientId, e.message);
      assert.equal(podsNamed("persistent").length, 1);
      bench.emu.faults.clear();
      const again = await lifecycle.create(bench.ctx(), { ...inputs, clientId });
      assert.deepEqual(
        podsNamed("persistent").map((p) => p.pod_id),
        [again.id],
      );
    });

    it("after every attempt failed ambiguously, deletes the pod one of them created: no pod left behind", async () => {
      const inputs = await checked({ name: "left-behind" });
      bench.emu.faults.add({ method: "POST", path: "/v0/pods", status: 503, afterCommit: true });
      const e = await rejection(lifecycle.create(bench.ctx(), inputs));
      const clientId = /client_id "(pulumi-[0-9a-f]{32})"/.exec(e.message)?.[1];
      assert.ok(clientId, e.message);
      assert.ok(AgentMailError.isInstance(e));
      assert.equal(e.code, "AGENTMAIL_CREATE_FAILED");
      assert.match(e.message, /Creating pod "left-behind" failed 4 times; the last time: .*answered 503/);
      assert.match(
        e.message,
        new RegExp(`did create pod \\S+ \\("left-behind", client_id "${clientId}"\\); it was deleted`),
      );
      assert.match(e.message, /no pod left behind; running again is safe/);
      assert.deepEqual(
        bench.emu.store.pods().filter((p) => p.client_id === clientId),
        [],
      );
      assert.equal(bench.emu.log.count({ method: "POST" }), 4);
      assert.equal(bench.emu.log.count({ method: "DELETE" }), 1);
    });

    it("after every attempt failed ambiguously before the commit, finds no pod and says so", async () => {
      const inputs = await checked({ name: "never-made" });
      bench.emu.faults.add({ method: "POST", path: "/v0/pods", status: 503 });
      const e = await rejection(lifecycle.create(bench.ctx(), inputs));
      assert.ok(AgentMailError.isInstance(e));
      assert.equal(e.code, "AGENTMAIL_CREATE_FAILED");
      assert.match(e.message, /AgentMail holds no pod with client_id "pulumi-[0-9a-f]{32}": no pod left behind/);
      assert.equal(podsNamed("never-made").length, 0);
      assert.equal(bench.emu.log.count({ method: "DELETE" }), 0);
    });

    it("looks for the pod left behind past an empty first page of the pod list (it carries a token)", async () => {
      for (let i = 0; i < 45; i++) bench.emu.store.createPod({ name: `filler-${i}-${Math.random()}` });
      bench.emu.settings.emptyPages = true;
      try {
        const inputs = await checked({ name: "paged-left-behind" });
        bench.emu.faults.add({ method: "POST", path: "/v0/pods", status: 503, afterCommit: true });
        const e = await rejection(lifecycle.create(bench.ctx(), inputs));
        assert.match(e.message, /it was deleted: no pod left behind/);
        assert.equal(podsNamed("paged-left-behind").length, 0);
        assert.ok(bench.emu.log.count({ method: "GET" }) >= 2, "followed the empty page's token");
      } finally {
        bench.emu.settings.emptyPages = false;
      }
    });

    it("when the listing fails too, names the pod that may exist (name and client_id) and how to remove it", async () => {
      const inputs = await checked({ name: "unknown-fate" });
      bench.emu.faults.add({ method: "POST", path: "/v0/pods", status: 503, afterCommit: true });
      bench.emu.faults.add({ method: "GET", path: "/v0/pods", status: 503 });
      const e = await rejection(lifecycle.create(bench.ctx(), inputs));
      const [left] = podsNamed("unknown-fate");
      assert.ok(left, "the pod one attempt made is still there");
      const clientId = left.client_id;
      assert.ok(AgentMailError.isInstance(e));
      assert.equal(e.code, "AGENTMAIL_CREATE_FAILED");
      assert.match(e.message, new RegExp(`so pod "unknown-fate" \\(client_id "${clientId}"\\) may exist`));
      assert.match(e.message, /Running again would generate a new clientId and so create a second pod/);
      assert.match(e.message, /DELETE \/v0\/pods\/\{pod_id\}/);
      assert.match(e.message, new RegExp(`set clientId: "${clientId}" on this Pod`));
      assert.equal(podsNamed("unknown-fate").length, 1, "nothing was deleted blindly");
    });

    it("a pod listing that repeats its page token cannot clear the pod: it is named, never assumed absent", async () => {
      const inputs = await checked({ name: "looping-list" });
      bench.emu.faults.add({ method: "POST", path: "/v0/pods", status: 503, afterCommit: true });
      bench.emu.faults.add({
        method: "GET",
        path: "/v0/pods",
        status: 200,
        body: { count: 0, pods: [], next_page_token: "again" },
      });
      const e = await rejection(lifecycle.create(bench.ctx(), inputs));
      assert.match(e.message, /GET \/v0\/pods repeated a page token/);
      assert.match(e.message, /pod "looping-list" \(client_id "pulumi-[0-9a-f]{32}"\) may exist/);
      assert.equal(podsNamed("looping-list").length, 1);
      assert.equal(bench.emu.log.count({ method: "GET" }), 2);
    });

    it("when deleting the pod left behind fails, names it by id and says how to remove it", async () => {
      const inputs = await checked({ name: "undeletable" });
      bench.emu.faults.add({ method: "POST", path: "/v0/pods", status: 503, afterCommit: true });
      bench.emu.faults.add({ method: "DELETE", path: "/v0/pods/*", status: 503 });
      const e = await rejection(lifecycle.create(bench.ctx(), inputs));
      const [pod] = podsNamed("undeletable");
      assert.ok(pod, "still there");
      assert.ok(AgentMailError.isInstance(e));
      assert.equal(e.code, "AGENTMAIL_CREATE_FAILED");
      assert.ok(e.message.includes(`did create pod ${pod.pod_id} ("undeletable", client_id "${pod.client_id}")`));
      assert.ok(e.message.includes(`DELETE /v0/pods/${pod.pod_id}) before running again`));
    });

    it("leaves alone a pod with a clientId the user gave (it may be one to adopt): a rerun returns it", async () => {
      const inputs = await checked({ name: "adoptable", clientId: "tenant-adopt.1" });
      bench.emu.faults.add({ method: "POST", path: "/v0/pods", status: 503, afterCommit: true });
      const e = await rejection(lifecycle.create(bench.ctx(), inputs));
      assert.match(
        e.message,
        /running again is safe, since its clientId "tenant-adopt\.1" makes AgentMail return that pod/,
      );
      assert.equal(podsNamed("adoptable").length, 1);
      assert.equal(bench.emu.log.count({ method: "DELETE" }), 0);
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

    it("does not take a 404 for a deleted pod when the credential belongs to another organization", async () => {
      const { id, outs } = await lifecycle.create(bench.ctx(), await checked());
      // As if the pod had been created in another organization and this run used this organization's key.
      const elsewhere = { ...outs, organizationId: "org-of-another-company" };
      const e = await rejection(lifecycle.read(bench.ctx(), "pod-not-here", elsewhere));
      assert.match(e.message, /created in organization org-of-another-company, but the credential in use/);
      assert.match(e.message, /Nothing was dropped from the state/);
      assert.equal((await lifecycle.read(bench.ctx(), id, outs)).id, id);
    });

    it("does not take a 404 from another address (region) for a deleted pod", async () => {
      const { id, outs } = await lifecycle.create(bench.ctx(), await checked());
      assert.equal(outs["endpoint"], bench.emu.url);
      const other = await startBench();
      try {
        const e = await rejection(lifecycle.read(other.ctx(), id, outs));
        assert.match(e.message, /which was created through http:\/\/127\.0\.0\.1:\d+\. Nothing was dropped/);
        await rejection(lifecycle.remove(other.ctx(), id, outs));
      } finally {
        await other.close();
      }
      assert.ok(bench.emu.store.pod(id), "the pod is still there, and still in state");
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
