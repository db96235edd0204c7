/**
 * Level 2, issue 14: a resource's own `connection` against TWO emulators. The stack's credential reaches
 * emulator "us"; each resource's connection reaches emulator "eu" (another organization, another address).
 * Every operation of a resource with a connection must reach "eu" only (counted in both request logs):
 * create, read, delete, the clean-up after an ambiguous create, the Pod diff's inbox check, and the
 * "is it gone?" checks of gone.ts, which compare the stored endpoint with the connection's address.
 */
import assert from "node:assert/strict";
import * as keys from "../../provider/lifecycle/podApiKey";
import * as pods from "../../provider/lifecycle/pod";
import { CLAIM_PREFIX } from "../../provider/lifecycle/createKey";
import { startBench, rejection, type Bench } from "./setup";

const KEYS = "/v0/pods/*/api-keys";

describe("connection: one resource's own credential, against two emulators (level 2)", () => {
  let us: Bench;
  let eu: Bench;
  let usPod: string;
  let euPod: string;
  /** The connection to "eu", as check passes it on (plaintext: the engine sends secrets unwrapped). */
  const connection = () => ({ apiKey: eu.emu.orgApiKey, baseUrl: eu.emu.url });
  /** The stack's context: its own credential reaches "us" only. */
  const ctx = () => us.ctx();

  before(async () => {
    us = await startBench();
    eu = await startBench({ orgApiKey: "am_eu_connectiontestorgkey0123456789" });
  });
  after(async () => {
    await us.close();
    await eu.close();
  });
  beforeEach(() => {
    usPod = us.emu.store.createPod({ name: "us" }).pod_id;
    euPod = eu.emu.store.createPod({ name: "eu" }).pod_id;
    for (const b of [us, eu]) {
      b.emu.log.clear();
      b.emu.faults.clear();
    }
  });

  it("creates, reads and revokes a key through its connection only; the stack's key stays in its own organization", async () => {
    const mine = await keys.create(ctx(), { podId: euPod, name: "eu-bot", connection: connection() });
    const stacks = await keys.create(ctx(), { podId: usPod, name: "us-bot" });
    assert.deepEqual(
      eu.emu.store.apiKeys(euPod).map((k) => k.api_key_id),
      [mine.id],
    );
    assert.deepEqual(
      us.emu.store.apiKeys(usPod).map((k) => k.api_key_id),
      [stacks.id],
    );
    assert.equal(eu.emu.log.count({ method: "POST", path: KEYS }), 1, "one POST per create, in eu");
    assert.equal(us.emu.log.count({ method: "POST", path: KEYS }), 1, "one POST per create, in us");
    assert.equal(mine.outs["endpoint"], eu.emu.url, "endpoint records where the key was made");
    assert.equal(stacks.outs["endpoint"], us.emu.url);

    const read = await keys.read(ctx(), mine.id, mine.outs);
    assert.equal(read.id, mine.id);
    assert.equal(read.props["apiKey"], mine.outs["apiKey"], "read keeps every output");
    assert.deepEqual(read.props["connection"], connection(), "read keeps the connection for later operations");
    assert.equal(eu.emu.log.count({ method: "GET", path: KEYS }), 1);

    await keys.remove(ctx(), mine.id, mine.outs);
    assert.equal(eu.emu.store.apiKeys(euPod).length, 0, "revoked in eu");
    assert.equal(eu.emu.log.count({ method: "DELETE" }), 1);
    assert.equal(us.emu.store.apiKeys(usPod).length, 1, "the stack's key is untouched");
    assert.deepEqual(
      us.emu.log.entries().filter((e) => !e.path.includes(usPod)),
      [],
      "us saw the stack's own key's requests only",
    );
    assert.ok(eu.emu.log.entries().every((e) => e.path.includes(euPod)));
  });

  it("cleans up an ambiguous create through the connection: the leftover in eu is found and revoked", async () => {
    eu.emu.faults.add({ method: "POST", path: KEYS, status: 500, afterCommit: true, times: 1 });
    const made = await keys.create(ctx(), { podId: euPod, name: "eu-retry", connection: connection() });
    assert.deepEqual(
      eu.emu.store.apiKeys(euPod).map((k) => k.api_key_id),
      [made.id],
      "one live key, the one the state holds",
    );
    assert.equal(eu.emu.log.count({ method: "POST", path: KEYS }), 2);
    assert.equal(eu.emu.log.count({ method: "DELETE" }), 1, "the first attempt's leftover, revoked in eu");
    assert.ok(!eu.emu.store.apiKeys(euPod).some((k) => k.name.startsWith(CLAIM_PREFIX)));
    assert.equal(us.emu.log.count(), 0, "nothing reached the stack's organization");
  });

  it("reads a key revoked in eu as gone, proving it with eu's answers (endpoint compared with the connection's address)", async () => {
    const made = await keys.create(ctx(), { podId: euPod, name: "eu-gone", connection: connection() });
    eu.emu.store.revokeApiKey(euPod, made.id);
    eu.emu.log.clear();
    const read = await keys.read(ctx(), made.id, made.outs);
    assert.equal(read.id, "", "gone");
    assert.equal(us.emu.log.count(), 0);
    // And a pod deleted in eu: the 404 is confirmed by eu's /v0/auth/me, with the connection's key.
    const pod = await pods.create(ctx(), { name: "eu-pod", connection: connection() });
    eu.emu.store.deletePod(pod.id);
    assert.equal((await pods.read(ctx(), pod.id, pod.outs)).id, "");
    assert.equal(us.emu.log.count(), 0);
  });

  it("a state whose connection was removed is not read as gone through the stack's address: it names the address", async () => {
    const made = await keys.create(ctx(), { podId: euPod, name: "eu-moved", connection: connection() });
    const { connection: _dropped, ...withoutConnection } = made.outs;
    const e = await rejection(keys.read(ctx(), made.id, withoutConnection));
    assert.match(e.message, new RegExp(`which was created through ${eu.emu.url.replace(/[.]/g, "\\.")}`));
    assert.match(e.message, /Set agentmail:baseUrl \/ AGENTMAIL_BASE_URL/);
    assert.equal(eu.emu.store.apiKeys(euPod).length, 1, "the key lives on");
  });

  it("creates, reads and deletes a Pod through its connection, and its diff's inbox check asks eu", async () => {
    const pod = await pods.create(ctx(), { name: "eu-tenant", connection: connection() });
    assert.ok(eu.emu.store.pod(pod.id), "made in eu");
    assert.equal(us.emu.store.pods().filter((p) => p.name === "eu-tenant").length, 0);
    assert.equal(pod.outs["endpoint"], eu.emu.url);
    assert.equal(pod.outs["organizationId"], eu.emu.store.organizationId());
    assert.equal((await pods.read(ctx(), pod.id, pod.outs)).id, pod.id);

    eu.emu.store.addInbox(pod.id);
    const refused = await rejection(
      pods.diffChecked(ctx(), pod.id, pod.outs, { ...pod.outs, name: "eu-renamed", connection: connection() }),
    );
    assert.match(refused.message, /still holds inboxes/);
    eu.emu.store.removeInboxes(pod.id);

    await pods.remove(ctx(), pod.id, pod.outs);
    assert.equal(eu.emu.store.pod(pod.id), undefined, "deleted in eu");
    assert.equal(us.emu.log.count(), 0, "nothing reached the stack's organization");
  });

  it("a change of connection alone replaces nothing, and the update stores it and keeps every output", async () => {
    const made = await keys.create(ctx(), { podId: euPod, name: "eu-rotate", connection: connection() });
    const checked = { podId: euPod, name: "eu-rotate" };
    const rotated = { apiKey: "am_eu_anotherorgkeyofthesameorg0123", baseUrl: eu.emu.url };
    const d = await keys.diff(made.id, made.outs, { ...checked, connection: rotated });
    assert.deepEqual(d, { changes: true, replaces: [], deleteBeforeReplace: false });
    const same = await keys.diff(made.id, made.outs, { ...checked, connection: connection() });
    assert.equal(same.changes, false, "the same connection is no change");
    const { outs } = await keys.update(made.id, made.outs, { ...checked, connection: rotated });
    assert.deepEqual(outs["connection"], rotated);
    for (const field of ["apiKey", "apiKeyId", "prefix", "createdAt", "endpoint", "podId", "name"]) {
      assert.equal(outs[field], made.outs[field], field);
    }
    const dropped = await keys.update(made.id, made.outs, checked);
    assert.equal(dropped.outs["connection"], undefined, "a connection removed from the inputs leaves the state");
    const pd = await pods.diff("p", { name: "a", clientId: "c" }, { name: "a", connection: rotated });
    assert.deepEqual(pd, { changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("an error through a connection names it, never shows its key", async () => {
    const bad = { apiKey: "am_eu_notaknownkey0123456789abcdef", baseUrl: eu.emu.url };
    const e = await rejection(keys.create(ctx(), { podId: euPod, name: "eu-denied", connection: bad }));
    assert.match(e.message, /connection\.apiKey \(am_eu_not/);
    assert.ok(!e.message.includes(bad.apiKey), e.message);
    assert.ok(!e.message.includes(eu.emu.orgApiKey));
    assert.equal(eu.emu.store.apiKeys(euPod).length, 0);
  });
});
