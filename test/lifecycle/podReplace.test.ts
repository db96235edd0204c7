/**
 * Level 2: the Pod provider's diff against the emulator, where it refuses a replacement that could not
 * finish because the old pod still holds inboxes (AgentMail will not delete it).
 */
import assert from "node:assert/strict";
import * as lifecycle from "../../provider/lifecycle/pod";
import { AgentMailError } from "../../provider/agentmail/errors";
import { UNKNOWN } from "../../provider/lifecycle/unknown";
import { startBench, rejection, type Bench } from "./setup";

type Props = Record<string, unknown>;

describe("Pod diff of a replacement against the emulator (level 2)", () => {
  let bench: Bench;

  before(async () => {
    bench = await startBench();
  });
  after(() => bench.close());
  beforeEach(() => {
    bench.emu.log.clear();
    bench.emu.faults.clear();
    bench.emu.settings.emptyPages = false;
  });

  /** A pod made through the lifecycle (as `pulumi up` would), with `inboxes` inboxes seeded in it. */
  async function livePod(name: string, inboxes: number, clientId?: string) {
    const { inputs } = await lifecycle.check({}, { name, ...(clientId ? { clientId } : {}) });
    const { id, outs } = await lifecycle.create(bench.ctx(), inputs);
    const seeded = Array.from({ length: inboxes }, () => bench.emu.store.addInbox(id).inbox_id);
    bench.emu.log.clear();
    return { id, outs, seeded };
  }

  /** What the emulator was asked, as `METHOD path?query` lines. */
  function requests(): string[] {
    return bench.emu.log.entries().map((e) => `${e.method} ${e.path}${e.query ? `?${e.query}` : ""}`);
  }

  it("refuses to replace a pod that still holds inboxes, after one GET of one inbox, and says what to do", async () => {
    const { id, outs, seeded } = await livePod("busy-rename", 2);
    const news: Props = { name: "busy-renamed" };
    const e = await rejection(lifecycle.diffChecked(bench.ctx(), id, outs, news));
    assert.deepEqual(requests(), [`GET /v0/pods/${id}/inboxes?limit=1`]);
    assert.ok(AgentMailError.isInstance(e));
    assert.equal(e.code, "AGENTMAIL_POD_REPLACE_REFUSED");
    assert.ok(e.message.startsWith(`Pod ${id} ("busy-rename") is to be replaced (name changed).`), e.message);
    assert.ok(e.message.includes(`(${seeded[1]} among them)`), "names the newest inbox");
    assert.match(e.message, /The new pod and its keys would be created, and the old keys revoked/);
    assert.match(e.message, /Nothing was changed/);
    assert.match(e.message, /delete the pod's inboxes and domains \(AgentMail console or API\) and run again/);
    assert.match(e.message, /set `retainOnDelete: true` on this Pod and run `pulumi up`/);
    assert.match(e.message, /redo the change and run `pulumi up --replace <this Pod's URN>`/);
    assert.deepEqual(
      bench.emu.store
        .pods()
        .filter((p) => p.name.startsWith("busy-rename"))
        .map((p) => p.pod_id),
      [id],
      "no pod made, none deleted",
    );
  });

  it("for a delete-first replacement (the same clientId) warns of the keys, and asks for another clientId", async () => {
    const { id, outs } = await livePod("kept-id", 1, "tenant-kept.1");
    const news: Props = { name: "kept-id-2", clientId: "tenant-kept.1" };
    const decided = await lifecycle.diff(id, outs, news);
    assert.equal(decided.deleteBeforeReplace, true, "the case under test");
    const e = await rejection(lifecycle.diffChecked(bench.ctx(), id, outs, news));
    assert.equal((e as AgentMailError).code, "AGENTMAIL_POD_REPLACE_REFUSED");
    assert.match(e.message, /Since its clientId "tenant-kept\.1" stays the same, the old pod would be deleted first/);
    assert.match(e.message, /after Pulumi had deleted the keys that depend on it/);
    assert.match(e.message, /redo the change with another clientId/);
    assert.equal(bench.emu.log.count(), 1);
    assert.equal(bench.emu.log.count({ method: "DELETE" }), 0);
  });

  it("lets an empty pod be replaced after that one request", async () => {
    const { id, outs } = await livePod("empty-rename", 0);
    const news: Props = { name: "empty-renamed" };
    assert.deepEqual(await lifecycle.diffChecked(bench.ctx(), id, outs, news), await lifecycle.diff(id, outs, news));
    assert.deepEqual(requests(), [`GET /v0/pods/${id}/inboxes?limit=1`]);
  });

  it("asks nothing when nothing is replaced, or when the id is not known yet (preview)", async () => {
    const { id, outs } = await livePod("quiet", 1);
    const same = await lifecycle.diffChecked(bench.ctx(), id, outs, { name: "quiet" });
    assert.equal(same.changes, false);
    const unknownId = await lifecycle.diffChecked(bench.ctx(), UNKNOWN, outs, { name: "quiet-2" });
    assert.deepEqual(unknownId.replaces, ["name"]);
    assert.equal(bench.emu.log.count(), 0);
  });

  it("follows an empty page that carries a token to the inbox behind it", async () => {
    const { id, outs } = await livePod("paged", 1);
    bench.emu.settings.emptyPages = true;
    const e = await rejection(lifecycle.diffChecked(bench.ctx(), id, outs, { name: "paged-2" }));
    assert.equal((e as AgentMailError).code, "AGENTMAIL_POD_REPLACE_REFUSED");
    assert.equal(bench.emu.log.count({ method: "GET", path: `/v0/pods/${id}/inboxes` }), 2);
  });

  it("a pod already gone (404) does not block its replacement", async () => {
    const { id, outs } = await livePod("vanished", 0);
    bench.emu.store.deletePod(id);
    assert.deepEqual((await lifecycle.diffChecked(bench.ctx(), id, outs, { name: "vanished-2" })).replaces, ["name"]);
    assert.equal(bench.emu.log.count(), 1);
  });

  it("a check that cannot be made (no inbox_read) refuses with the cause, changing nothing", async () => {
    const { id, outs } = await livePod("unreadable", 0);
    const blind = bench.emu.store.createApiKey(id, { permissions: { pod_read: true } }).api_key;
    bench.emu.log.clear();
    const e = await rejection(lifecycle.diffChecked(bench.ctx(blind), id, outs, { name: "unreadable-2" }));
    assert.equal((e as AgentMailError).code, "AGENTMAIL_POD_REPLACE_UNCHECKED");
    assert.match(e.message, /AgentMail refuses to delete a pod that still holds inboxes, and checking that failed/);
    assert.match(e.message, /answered 403 missing_permission.*This request needs the inbox_read permission\./);
    assert.ok(!e.message.includes(blind));
    assert.equal(bench.emu.log.count(), 1, "a 403 is not retried");
  });
});
