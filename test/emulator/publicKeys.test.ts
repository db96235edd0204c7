/**
 * Public-key credentials and AgentID sign-in keys on the pod key route (API reference): a create body carrying
 * `public_key` registers one (idempotent by `client_id`; a conflicting alias is 409), and such entries (sign-in
 * keys with `status`) appear in the pod's listing as `type: "public_key"` beside bearer keys.
 */
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync } from "node:crypto";
import { assertError, assertValidation, ISO, useEmulator } from "./helpers";

/** A real public P-256 JWK, as a client registering a credential sends it. */
function newJwk(): { kty: string; crv: string; x: string; y: string } {
  const { x, y } = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" });
  return { kty: "EC", crv: "P-256", x: x as string, y: y as string };
}

/** RFC 7638 thumbprint, written out here rather than imported, so that the emulator's is checked against it. */
function rfc7638(jwk: { x: string; y: string }): string {
  const canonical = `{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`;
  return createHash("sha256").update(canonical).digest("base64url");
}

describe("emulator: public-key credentials and sign-in keys in pod key listings", () => {
  const ctx = useEmulator();
  let podId: string;
  const keysPath = (): string => `/v0/pods/${podId}/api-keys`;
  beforeEach(() => {
    ctx.emu.store.reset();
    ctx.emu.log.clear();
    podId = ctx.emu.store.createPod({ name: "pk" }).pod_id;
  });

  it("registers a credential from a body carrying public_key: no secret, no prefix, listed as type public_key", async () => {
    const jwk = newJwk();
    const res = await ctx.api.call("POST", keysPath(), {
      body: { public_key: jwk, permissions: { message_send: true } },
    });
    assert.equal(res.status, 200, res.text);
    const fingerprint = rfc7638(jwk);
    assert.equal(res.json.type, "public_key");
    assert.match(res.json.api_key_id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual(res.json.public_key, { jwk, fingerprint });
    assert.equal(res.json.name, `AgentID key ${fingerprint.slice(0, 8)}`);
    assert.deepEqual(res.json.scope, { type: "pod", id: podId });
    assert.match(res.json.created_at, ISO);
    for (const absent of ["api_key", "prefix", "permissions", "expires_at", "status", "client_id"]) {
      assert.equal(res.json[absent], undefined, absent);
    }
    const bearer = ctx.emu.store.createApiKey(podId, { name: "bearer" });
    const list = await ctx.api.call("GET", keysPath());
    assert.deepEqual(
      list.json.api_keys.map((k: { type: string; api_key_id: string }) => [k.type, k.api_key_id]),
      [
        ["bearer", bearer.api_key_id],
        ["public_key", res.json.api_key_id],
      ],
    );
    assert.deepEqual(list.json.api_keys[1], res.json, "listed as registered");
    assert.deepEqual(ctx.emu.store.publicKeys(podId), [res.json]);
    assert.equal(ctx.emu.store.apiKeys(podId).length, 1, "store.apiKeys() holds the bearer key only");
  });

  it("is idempotent by client_id: the same key answers the original and creates nothing; another key is 409", async () => {
    const jwk = newJwk();
    const post = (body: object): ReturnType<typeof ctx.api.call> => ctx.api.call("POST", keysPath(), { body });
    const first = await post({ public_key: jwk, client_id: "signer-1", name: "signer" });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.client_id, "signer-1");
    const again = await post({ public_key: jwk, client_id: "signer-1", name: "another name" });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.json, first.json, "the original entry");
    const conflict = await post({ public_key: newJwk(), client_id: "signer-1" });
    assertError(conflict, 409, "already_exists");
    assert.match(conflict.json.message, /client_id signer-1 already names another public key/);
    assert.equal(ctx.emu.store.publicKeys(podId).length, 1, "one entry after three POSTs");
    assert.equal(ctx.emu.log.count({ method: "POST" }), 3);
    const other = await post({ public_key: jwk, client_id: "signer-2" });
    assert.notEqual(other.json.api_key_id, first.json.api_key_id, "another alias registers another entry");
    assert.equal(ctx.emu.store.publicKeys(podId).length, 2);
  });

  it("rejects a public_key that is not a public P-256 JWK, and bad fields, with 400 naming each, creating nothing", async () => {
    const jwk = newJwk();
    const post = (body: object): ReturnType<typeof ctx.api.call> => ctx.api.call("POST", keysPath(), { body });
    assertValidation(await post({ public_key: "-----BEGIN PUBLIC KEY-----" }), ["public_key"]);
    assertValidation(await post({ public_key: { ...jwk, d: "private" } }), ["public_key", "d"]);
    assertValidation(await post({ public_key: { ...jwk, kty: "RSA" } }), ["public_key", "kty"]);
    assertValidation(await post({ public_key: { ...jwk, crv: "P-384" } }), ["public_key", "crv"]);
    assertValidation(await post({ public_key: { ...jwk, x: jwk.x.slice(1) } }), ["public_key", "x"]);
    assertValidation(await post({ public_key: { kty: "EC", crv: "P-256", x: jwk.x } }), ["public_key", "y"]);
    assertValidation(await post({ public_key: jwk, client_id: "no spaces" }), ["client_id"]);
    assertValidation(await post({ public_key: jwk, name: "" }), ["name"]);
    assertValidation(await post({ public_key: jwk, expires_at: "2000-01-01T00:00:00Z" }), ["expires_at"]);
    assert.equal(ctx.emu.store.publicKeys(podId).length, 0);
    assert.equal(ctx.emu.store.apiKeys(podId).length, 0, "and no bearer key either");
  });

  it("lists seeded sign-in keys with their status, and lets a public-key entry be renamed but given no permissions", async () => {
    const pending = ctx.emu.store.addPublicKey(podId, { name: "sign-in", status: "pending", client_id: "agent-7" });
    const active = ctx.emu.store.addPublicKey(podId, { status: "active", expires_at: "2099-01-01T00:00:00Z" });
    const listed = (await ctx.api.call("GET", keysPath())).json.api_keys;
    assert.deepEqual(
      listed.map((k: { api_key_id: string; type: string; status: string }) => [k.api_key_id, k.type, k.status]),
      [
        [active.api_key_id, "public_key", "active"],
        [pending.api_key_id, "public_key", "pending"],
      ],
    );
    assert.equal(listed[0].expires_at, "2099-01-01T00:00:00.000Z");
    assert.equal(listed[1].client_id, "agent-7");
    assert.equal(listed[0].public_key.fingerprint, rfc7638(listed[0].public_key.jwk));
    const path = `${keysPath()}/${pending.api_key_id}`;
    assertError(
      await ctx.api.call("PATCH", path, { body: { permissions: { message_read: true } } }),
      422,
      "unprocessable",
    );
    const renamed = await ctx.api.call("PATCH", path, { body: { name: "renamed" } });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.json.name, "renamed");
    assert.equal(renamed.json.permissions, undefined);
  });

  it("needs api_key_create to register, like a bearer key", async () => {
    const reader = ctx.emu.store.createApiKey(podId, { permissions: { api_key_read: true } });
    const res = await ctx.api.call("POST", keysPath(), { key: reader.api_key, body: { public_key: newJwk() } });
    assertError(res, 403, "missing_permission");
    assert.equal(ctx.emu.store.publicKeys(podId).length, 0);
  });
});
