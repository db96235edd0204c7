import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../../emulator";

describe("emulator: store view", () => {
  let emu: Emulator;

  before(async () => {
    emu = await startEmulator({ orgApiKey: "am_eu_org-key-for-tests" });
  });
  after(() => emu.stop());
  beforeEach(() => emu.store.reset());

  it("starts with a Default Pod, and reset() brings back a fresh one", () => {
    const [pod] = emu.store.pods();
    assert.equal(pod?.name, "Default Pod");
    emu.store.createPod({ name: "x" });
    emu.store.reset();
    const pods = emu.store.pods();
    assert.equal(pods.length, 1);
    assert.equal(pods[0]?.name, "Default Pod");
    assert.notEqual(pods[0]?.pod_id, pod?.pod_id);
  });

  it("returns copies in wire shape", () => {
    const pod = emu.store.createPod({ name: "orig" });
    pod.name = "changed";
    const again = emu.store.pod(pod.pod_id);
    assert.equal(again?.name, "orig");
    const key = emu.store.createApiKey(pod.pod_id, { permissions: { pod_read: true } });
    const [listed] = emu.store.apiKeys(pod.pod_id);
    if (listed?.permissions) listed.permissions.pod_delete = true;
    assert.deepEqual(emu.store.apiKeys(pod.pod_id)[0]?.permissions, { pod_read: true });
    assert.equal(key.permissions?.pod_read, true);
  });

  it("lists newest first; createPod honours client_id like the API", () => {
    const a = emu.store.createPod({ name: "a", client_id: "same" });
    const b = emu.store.createPod({ name: "b", client_id: "same" });
    assert.equal(b.pod_id, a.pod_id);
    const c = emu.store.createPod({ name: "c" });
    assert.deepEqual(
      emu.store.pods().map((p) => p.name),
      ["c", "a", "Default Pod"],
    );
    assert.equal(emu.store.deletePod(c.pod_id), true);
    assert.equal(emu.store.deletePod(c.pod_id), false);
  });

  it("creates keys with secrets of the organization key's region", () => {
    const pod = emu.store.pods()[0]?.pod_id ?? "";
    const key = emu.store.createApiKey(pod, { name: "n", permissions: { message_send: true, nope: true } });
    assert.match(key.api_key, /^am_eu_[0-9a-f]{48}$/);
    assert.equal(key.prefix, key.api_key.slice(0, 12));
    assert.deepEqual(key.permissions, { message_send: true });
    const stored = emu.store.apiKeys(pod)[0];
    assert.equal(stored?.type, "bearer");
    assert.ok(!JSON.stringify(emu.store.apiKeys()).includes(key.api_key));
  });

  it("apiKeys() without a pod lists every pod's keys", () => {
    const p1 = emu.store.createPod().pod_id;
    const p2 = emu.store.createPod().pod_id;
    emu.store.createApiKey(p1);
    emu.store.createApiKey(p2);
    emu.store.addPublicKey(p2);
    assert.equal(emu.store.apiKeys().length, 2);
    assert.equal(emu.store.publicKeys().length, 1);
    assert.equal(emu.store.apiKeys(p1).length, 1);
    assert.deepEqual(emu.store.apiKeys("nope"), []);
  });

  it("addPublicKey seeds public-key credentials and sign-in keys that apiKeys() leaves out", () => {
    const pod = emu.store.pods()[0]?.pod_id ?? "";
    const jwk = { kty: "EC" as const, crv: "P-256" as const, x: "x".repeat(43), y: "y".repeat(43) };
    const named = emu.store.addPublicKey(pod, "by name");
    const seeded = emu.store.addPublicKey(pod, { jwk, client_id: "c", status: "pending", expires_at: new Date(0) });
    assert.equal(named.name, "by name");
    assert.equal(named.status, undefined, "a plain credential has no status");
    assert.deepEqual(seeded.public_key.jwk, jwk);
    assert.match(seeded.public_key.fingerprint, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(seeded.name, `AgentID key ${seeded.public_key.fingerprint.slice(0, 8)}`);
    assert.equal(seeded.status, "pending");
    assert.equal(seeded.client_id, "c");
    assert.equal(seeded.expires_at, "1970-01-01T00:00:00.000Z", "a past expiry may be seeded");
    assert.deepEqual(
      emu.store.publicKeys(pod).map((k) => k.api_key_id),
      [seeded.api_key_id, named.api_key_id],
    );
    assert.deepEqual(emu.store.apiKeys(pod), []);
    assert.throws(() => emu.store.addPublicKey(pod, { expires_at: "never" }), TypeError);
  });

  it("throws for a missing pod or an invalid expires_at", () => {
    assert.throws(() => emu.store.createApiKey("nope"));
    assert.throws(() => emu.store.addPublicKey("nope"));
    assert.throws(() => emu.store.addInbox("nope"));
    const pod = emu.store.pods()[0]?.pod_id ?? "";
    assert.throws(() => emu.store.createApiKey(pod, { expires_at: "not a date" }), TypeError);
    assert.equal(emu.store.revokeApiKey("nope", "nope"), false);
  });

  it("state() shows everything but secrets", () => {
    const pod = emu.store.pods()[0]?.pod_id ?? "";
    const key = emu.store.createApiKey(pod);
    const state = emu.store.state();
    assert.equal(state.organization_id, emu.organizationId);
    assert.equal(state.pods[0]?.api_keys.length, 1);
    assert.ok(!JSON.stringify(state).includes(key.api_key));
  });
});
