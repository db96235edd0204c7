/**
 * A key created without `expires_at` inherits the expiry of the key that created it, and an `expires_at` later
 * than that is refused with 403 (API reference). The organization key may expire (`orgApiKeyExpiresAt`), and the
 * emulator's settable clock moves time, so that nothing waits.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { startEmulator, type Emulator } from "../../emulator";
import { assertError, Client, defaultPodId, newAgent } from "./helpers";

describe("emulator: inherited expiry", () => {
  const start = Date.parse("2030-01-01T00:00:00.000Z");
  const orgExpiry = "2030-01-01T01:00:00.000Z";
  let now = start;
  let emu: Emulator;
  let api: Client;
  let podId: string;
  const agent = newAgent();
  const keysPath = (): string => `/v0/pods/${podId}/api-keys`;

  before(async () => {
    emu = await startEmulator({ clock: () => now, orgApiKeyExpiresAt: orgExpiry });
    api = new Client(emu, agent);
  });
  after(async () => {
    await agent.close();
    await emu.stop();
  });
  beforeEach(() => {
    now = start;
    emu.store.reset();
    emu.log.clear();
    podId = defaultPodId(emu);
  });

  it("gives a key created without expires_at the creator's expiry, which the listing shows and which ends it", async () => {
    const res = await api.call("POST", keysPath(), { body: { name: "bot" } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.expires_at, orgExpiry);
    const listed = (await api.call("GET", keysPath())).json.api_keys;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].expires_at, orgExpiry);
    assert.equal(emu.store.apiKeys(podId)[0]?.expires_at, orgExpiry);
    now = Date.parse(orgExpiry) - 1;
    assert.equal((await api.call("GET", "/v0/auth/me", { key: res.json.api_key })).status, 200, "1 ms before");
    now += 1;
    assertError(await api.call("GET", "/v0/auth/me", { key: res.json.api_key }), 401, "api_key_expired");
  });

  it("refuses an expires_at later than the creator's own with 403 forbidden naming both, creating nothing", async () => {
    const later = "2030-01-01T01:00:00.001Z";
    const res = await api.call("POST", keysPath(), { body: { name: "bot", expires_at: later } });
    assertError(res, 403, "forbidden");
    assert.match(res.json.message, new RegExp(`expires_at ${later} is later than the calling key's own expiry`));
    assert.ok(res.json.message.includes(orgExpiry), "names the creator's expiry");
    assert.equal(emu.store.apiKeys(podId).length, 0, "no key");
    assert.equal(emu.log.count({ method: "POST" }), 1);
  });

  it("keeps an expires_at at or before the creator's own", async () => {
    for (const asked of [orgExpiry, "2030-01-01T00:30:00.000Z"]) {
      const res = await api.call("POST", keysPath(), { body: { expires_at: asked } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.expires_at, asked);
    }
    assert.deepEqual(
      emu.store.apiKeys(podId).map((k) => k.expires_at),
      ["2030-01-01T00:30:00.000Z", orgExpiry],
    );
  });

  it("applies the same rules to a pod key that creates keys, with its own expiry", async () => {
    const creator = emu.store.createApiKey(podId, {
      name: "creator",
      permissions: { api_key_create: true, message_read: true },
      expires_at: "2030-01-01T00:10:00Z",
    });
    const inherited = await api.call("POST", keysPath(), {
      key: creator.api_key,
      body: { permissions: { message_read: true } },
    });
    assert.equal(inherited.status, 200, inherited.text);
    assert.equal(inherited.json.expires_at, "2030-01-01T00:10:00.000Z", "the pod key's expiry, not the org key's");
    const refused = await api.call("POST", keysPath(), {
      key: creator.api_key,
      body: { permissions: { message_read: true }, expires_at: "2030-01-01T00:20:00Z" },
    });
    assertError(refused, 403, "forbidden");
    assert.equal(emu.store.apiKeys(podId).length, 2, "the creator and the one inherited key");
  });

  it("gives a public-key registration the creator's expiry too, and refuses a later one", async () => {
    const { x, y } = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" });
    const jwk = { kty: "EC", crv: "P-256", x, y };
    const res = await api.call("POST", keysPath(), { body: { public_key: jwk } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.expires_at, orgExpiry);
    const later = await api.call("POST", keysPath(), { body: { public_key: jwk, expires_at: "2031-01-01T00:00:00Z" } });
    assertError(later, 403, "forbidden");
    assert.equal(emu.store.publicKeys(podId).length, 1);
  });

  it("answers 401 api_key_expired to an expired organization key", async () => {
    now = Date.parse(orgExpiry);
    assertError(await api.call("GET", "/v0/pods"), 401, "api_key_expired");
  });

  it("gives no expiry when the creator has none, and refuses an invalid orgApiKeyExpiresAt", async () => {
    const plain = await startEmulator({ clock: () => now });
    try {
      const res = await new Client(plain, agent).call("POST", `/v0/pods/${defaultPodId(plain)}/api-keys`, { body: {} });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.expires_at, undefined);
    } finally {
      await plain.stop();
    }
    await assert.rejects(startEmulator({ orgApiKeyExpiresAt: "soon" }), /orgApiKeyExpiresAt is not a valid time/);
  });
});
