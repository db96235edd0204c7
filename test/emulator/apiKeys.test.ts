import assert from "node:assert/strict";
import { startEmulator } from "../../emulator";
import { assertError, assertValidation, Client, defaultPodId, ISO, sleep, useEmulator } from "./helpers";

describe("emulator: pod API keys", () => {
  const ctx = useEmulator();
  let podId: string;
  const keysPath = (): string => `/v0/pods/${podId}/api-keys`;
  beforeEach(() => {
    ctx.emu.store.reset();
    ctx.emu.faults.clear();
    ctx.emu.settings.limits = {};
    podId = ctx.emu.store.createPod({ name: "keys" }).pod_id;
  });

  describe("create", () => {
    it("answers 200 CreateApiKeyResponse with the secret, the default name and no permissions field", async () => {
      const res = await ctx.api.call("POST", keysPath(), { body: {} });
      assert.equal(res.status, 200);
      const k = res.json;
      assert.match(k.api_key, /^am_us_[0-9a-f]{48}$/);
      assert.equal(k.prefix, k.api_key.slice(0, 12));
      assert.match(k.api_key_id, /^ak_[0-9a-f]{24}$/);
      assert.equal(k.name, "API Key");
      assert.equal(k.pod_id, podId);
      assert.match(k.created_at, ISO);
      assert.deepEqual(Object.keys(k).sort(), ["api_key", "api_key_id", "created_at", "name", "pod_id", "prefix"]);
      const stored = ctx.emu.store.apiKeys(podId);
      assert.equal(stored.length, 1);
      assert.equal(stored[0]?.api_key_id, k.api_key_id);
    });

    it("creates a second key on a retried POST (no idempotency for keys)", async () => {
      const a = await ctx.api.call("POST", keysPath(), { body: { name: "bot" } });
      const b = await ctx.api.call("POST", keysPath(), { body: { name: "bot" } });
      assert.notEqual(a.json.api_key_id, b.json.api_key_id);
      assert.notEqual(a.json.api_key, b.json.api_key);
      assert.equal(ctx.emu.store.apiKeys(podId).length, 2);
    });

    it("keeps known permissions as sent (false included) and silently drops unknown names and thread_*", async () => {
      const res = await ctx.api.call("POST", keysPath(), {
        body: {
          name: "bot",
          permissions: {
            message_read: true,
            message_send: false,
            mesage_send: true,
            thread_read: true,
            thread_delete: true,
            bogus: "not even a boolean",
          },
        },
      });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json.permissions, { message_read: true, message_send: false });
      assert.deepEqual(ctx.emu.store.apiKeys(podId)[0]?.permissions, { message_read: true, message_send: false });
      const empty = await ctx.api.call("POST", keysPath(), { body: { permissions: { typo_only: true } } });
      assert.deepEqual(empty.json.permissions, {}, "a typo grants nothing");
    });

    it("answers 400 validation_error for the removed provider_* names, on create and on update, creating nothing", async () => {
      for (const [name, renamed] of [
        ["provider_connect", "app_connect"],
        ["provider_share_owner", "app_share_owner"],
      ] as const) {
        for (const value of [true, false]) {
          const res = await ctx.api.call("POST", keysPath(), {
            body: { name: "bot", permissions: { message_read: true, [name]: value } },
          });
          assertValidation(res, ["permissions", name]);
          assert.match(res.json.errors[0].message, new RegExp(`use ${renamed}`));
        }
      }
      assert.equal(ctx.emu.store.apiKeys(podId).length, 0, "nothing was created");
      const k = ctx.emu.store.createApiKey(podId, { permissions: { message_read: true } });
      const patch = await ctx.api.call("PATCH", `${keysPath()}/${k.api_key_id}`, {
        body: { name: "renamed", permissions: { provider_share_owner: true } },
      });
      assertValidation(patch, ["permissions", "provider_share_owner"]);
      assert.deepEqual(ctx.emu.store.apiKeys(podId)[0]?.permissions, { message_read: true }, "nothing was changed");
      assert.equal(ctx.emu.store.apiKeys(podId)[0]?.name, "API Key");
    });

    it("accepts a future expires_at, normalized to an ISO instant", async () => {
      const res = await ctx.api.call("POST", keysPath(), { body: { expires_at: "2099-06-01T12:00:00+02:00" } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.expires_at, "2099-06-01T10:00:00.000Z");
      assert.equal(ctx.emu.store.apiKeys(podId)[0]?.expires_at, "2099-06-01T10:00:00.000Z");
    });

    it("rejects bad bodies with 400 naming the field", async () => {
      const post = (body: unknown): ReturnType<Client["call"]> => ctx.api.call("POST", keysPath(), { body });
      assertValidation(await post({ name: 1 }), ["name"]);
      assertValidation(await post({ permissions: "all" }), ["permissions"]);
      assertValidation(await post({ permissions: null }), ["permissions"]);
      assertValidation(await post({ permissions: [] }), ["permissions"]);
      assertValidation(await post({ permissions: { message_send: "yes" } }), ["permissions", "message_send"]);
      assertValidation(await post({ expires_at: "2000-01-01T00:00:00Z" }), ["expires_at"]);
      assertValidation(await post({ expires_at: new Date(Date.now() - 1000).toISOString() }), ["expires_at"]);
      assertValidation(await post({ expires_at: "tomorrow" }), ["expires_at"]);
      assertValidation(await post({ expires_at: "2099-01-01" }), ["expires_at"]);
      assertValidation(await post({ expires_at: 4102444800000 }), ["expires_at"]);
      assertValidation(await ctx.api.call("POST", keysPath(), { rawBody: "{" }), []);
      assertValidation(await ctx.api.call("POST", keysPath(), { rawBody: '"text"' }), []);
      assert.equal(ctx.emu.store.apiKeys(podId).length, 0, "nothing was created");
    });

    it("answers 404 for an unknown pod", async () => {
      assertError(await ctx.api.call("POST", "/v0/pods/nope/api-keys", { body: {} }), 404, "not_found");
    });

    it("answers 403 limit_exceeded beyond a per-pod quota", async () => {
      ctx.emu.settings.limits = { apiKeysPerPod: 1 };
      assert.equal((await ctx.api.call("POST", keysPath(), { body: {} })).status, 200);
      assertError(await ctx.api.call("POST", keysPath(), { body: {} }), 403, "limit_exceeded");
    });
  });

  describe("list", () => {
    it("lists bearer keys newest first with type, never a secret, and public_key entries too", async () => {
      const a = ctx.emu.store.createApiKey(podId, { name: "a", permissions: { message_read: true } });
      const pub = ctx.emu.store.addPublicKey(podId, "signing");
      const b = ctx.emu.store.createApiKey(podId, { name: "b", expires_at: "2099-01-01T00:00:00Z" });
      const res = await ctx.api.call("GET", keysPath());
      assert.equal(res.status, 200);
      assert.equal(res.json.count, 3);
      assert.equal(res.json.next_page_token, undefined);
      assert.deepEqual(
        res.json.api_keys.map((k: { api_key_id: string }) => k.api_key_id),
        [b.api_key_id, pub.api_key_id, a.api_key_id],
      );
      const [kb, kp, ka] = res.json.api_keys;
      assert.equal(kb.type, "bearer");
      assert.equal(kb.expires_at, "2099-01-01T00:00:00.000Z");
      assert.equal(kb.permissions, undefined, "full access: no permissions field");
      assert.equal(kp.type, "public_key");
      assert.deepEqual(ka.permissions, { message_read: true });
      assert.equal(ka.prefix, a.prefix);
      assert.match(ka.updated_at, ISO);
      for (const k of res.json.api_keys) assert.equal(k.api_key, undefined);
      assert.ok(!res.text.includes(a.api_key) && !res.text.includes(b.api_key), "no secret in the list");
      assert.deepEqual(ctx.emu.store.publicKeys(podId), [pub]);
      assert.equal(ctx.emu.store.apiKeys(podId).length, 2, "store.apiKeys() holds bearer keys only");
    });

    it("shows used_at once a key has been used", async () => {
      const k = ctx.emu.store.createApiKey(podId);
      assert.equal(ctx.emu.store.apiKeys(podId)[0]?.used_at, undefined);
      await ctx.api.call("GET", "/v0/auth/me", { key: k.api_key });
      assert.match(ctx.emu.store.apiKeys(podId)[0]?.used_at ?? "", ISO);
    });

    it("pages across several pages with limit and an opaque token", async () => {
      const created: string[] = [];
      for (let i = 0; i < 25; i++) created.push(ctx.emu.store.createApiKey(podId, { name: `k${i}` }).api_key_id);
      const seen: string[] = [];
      const sizes: number[] = [];
      let token: string | undefined;
      do {
        const res = await ctx.api.call("GET", keysPath(), {
          query: { limit: 10, ...(token ? { page_token: token } : {}) },
        });
        assert.equal(res.status, 200);
        assert.equal(res.json.limit, undefined, "the key list has no limit field");
        sizes.push(res.json.count);
        seen.push(...res.json.api_keys.map((k: { api_key_id: string }) => k.api_key_id));
        token = res.json.next_page_token;
      } while (token !== undefined);
      assert.deepEqual(sizes, [10, 10, 5]);
      assert.deepEqual(seen, created.reverse());
      assert.equal((await ctx.api.call("GET", keysPath())).json.count, 20, "default page size 20");
    });

    it("rejects an invalid token, another pod's token and a bad limit with 400", async () => {
      for (let i = 0; i < 3; i++) ctx.emu.store.createApiKey(podId);
      const other = ctx.emu.store.createPod({ name: "other" }).pod_id;
      for (let i = 0; i < 3; i++) ctx.emu.store.createApiKey(other);
      const first = await ctx.api.call("GET", `/v0/pods/${other}/api-keys`, { query: { limit: 1 } });
      assertValidation(await ctx.api.call("GET", keysPath(), { query: { page_token: first.json.next_page_token } }), [
        "page_token",
      ]);
      assertValidation(await ctx.api.call("GET", keysPath(), { query: { page_token: "bm90IGEgdG9rZW4" } }), [
        "page_token",
      ]);
      assertValidation(await ctx.api.call("GET", keysPath(), { query: { limit: 0 } }), ["limit"]);
      assertValidation(await ctx.api.call("GET", keysPath(), { query: { limit: 1000 } }), ["limit"]);
    });

    it("answers 404 for an unknown pod", async () => {
      assertError(await ctx.api.call("GET", "/v0/pods/nope/api-keys"), 404, "not_found");
    });
  });

  describe("update", () => {
    it("renames and replaces permissions, answering 200 ApiKey with a newer updated_at", async () => {
      const k = ctx.emu.store.createApiKey(podId, { name: "old", permissions: { message_read: true } });
      const before = ctx.emu.store.apiKeys(podId)[0];
      await sleep(5);
      const res = await ctx.api.call("PATCH", `${keysPath()}/${k.api_key_id}`, {
        body: { name: "new", permissions: { message_send: true, bogus: true } },
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.type, "bearer");
      assert.equal(res.json.name, "new");
      assert.deepEqual(res.json.permissions, { message_send: true });
      assert.equal(res.json.api_key, undefined);
      assert.equal(res.json.created_at, before?.created_at);
      assert.ok(res.json.updated_at > (before?.updated_at ?? ""));
      assert.deepEqual(ctx.emu.store.apiKeys(podId)[0], res.json);
      const same = await ctx.api.call("PATCH", `${keysPath()}/${k.api_key_id}`, { body: {} });
      assert.equal(same.json.updated_at, res.json.updated_at, "an empty patch changes nothing");
    });

    it("validates the body (400), refuses expires_at (422 unprocessable, inferred) and answers 404", async () => {
      const k = ctx.emu.store.createApiKey(podId);
      const path = `${keysPath()}/${k.api_key_id}`;
      assertValidation(await ctx.api.call("PATCH", path, { body: { name: false } }), ["name"]);
      assertValidation(await ctx.api.call("PATCH", path, { body: { permissions: { pod_read: 1 } } }), [
        "permissions",
        "pod_read",
      ]);
      assertError(
        await ctx.api.call("PATCH", path, { body: { expires_at: "2099-01-01T00:00:00Z" } }),
        422,
        "unprocessable",
      );
      assertError(await ctx.api.call("PATCH", `${keysPath()}/ak_missing`, { body: { name: "x" } }), 404, "not_found");
      assertError(
        await ctx.api.call("PATCH", `/v0/pods/nope/api-keys/${k.api_key_id}`, { body: {} }),
        404,
        "not_found",
      );
    });
  });

  describe("delete", () => {
    it("answers 204, removes the key from the list, and its secret stops working", async () => {
      const k = ctx.emu.store.createApiKey(podId);
      assert.equal((await ctx.api.call("GET", "/v0/auth/me", { key: k.api_key })).status, 200);
      const res = await ctx.api.call("DELETE", `${keysPath()}/${k.api_key_id}`);
      assert.equal(res.status, 204);
      assert.equal(res.text, "");
      assert.equal((await ctx.api.call("GET", keysPath())).json.count, 0);
      assertError(await ctx.api.call("GET", "/v0/auth/me", { key: k.api_key }), 401, "unknown_api_key");
      assertError(await ctx.api.call("DELETE", `${keysPath()}/${k.api_key_id}`), 404, "not_found");
    });

    it("deletes a public_key entry too", async () => {
      const pub = ctx.emu.store.addPublicKey(podId);
      assert.equal((await ctx.api.call("DELETE", `${keysPath()}/${pub.api_key_id}`)).status, 204);
      assert.deepEqual(ctx.emu.store.publicKeys(podId), []);
    });

    it("answers 404 for a key of another pod", async () => {
      const other = ctx.emu.store.createPod().pod_id;
      const k = ctx.emu.store.createApiKey(other);
      assertError(await ctx.api.call("DELETE", `${keysPath()}/${k.api_key_id}`), 404, "not_found");
      assert.equal(ctx.emu.store.apiKeys(other).length, 1);
    });
  });

  describe("expiry", () => {
    it("rejects an expired key as a credential with 401 api_key_expired (documented)", async () => {
      // The emulator's own clock, moved by hand: the key expires between two calls without any waiting.
      let now = Date.parse("2030-01-01T00:00:00.000Z");
      const emu = await startEmulator({ clock: () => now });
      try {
        const api = new Client(emu, ctx.agent);
        const pod = defaultPodId(emu);
        const expired = emu.store.createApiKey(pod, { expires_at: new Date(now - 1000) });
        assertError(await api.call("GET", "/v0/auth/me", { key: expired.api_key }), 401, "api_key_expired");
        const soon = emu.store.createApiKey(pod, { expires_at: new Date(now + 60_000) });
        assert.equal((await api.call("GET", "/v0/auth/me", { key: soon.api_key })).status, 200);
        now += 59_999;
        assert.equal((await api.call("GET", "/v0/auth/me", { key: soon.api_key })).status, 200, "1 ms before");
        now += 1;
        assertError(await api.call("GET", "/v0/auth/me", { key: soon.api_key }), 401, "api_key_expired");
        assert.equal(emu.store.apiKeys(pod).length, 2, "expired keys are still listed");
      } finally {
        await emu.stop();
      }
    });

    it("takes creation times and the future-expiry check from its clock", async () => {
      const now = Date.parse("2031-06-01T12:00:00.000Z");
      const emu = await startEmulator({ clock: () => now });
      try {
        const api = new Client(emu, ctx.agent);
        const pod = defaultPodId(emu);
        const res = await api.call("POST", `/v0/pods/${pod}/api-keys`, {
          body: { name: "clocked", expires_at: "2031-06-01T12:00:01.000Z" },
        });
        assert.equal(res.status, 200, res.text);
        assert.equal(res.json.created_at, "2031-06-01T12:00:00.000Z");
        const past = await api.call("POST", `/v0/pods/${pod}/api-keys`, {
          body: { name: "late", expires_at: "2031-06-01T12:00:00.000Z" },
        });
        assert.equal(past.status, 400, "an expires_at equal to the emulator's now is not in the future");
      } finally {
        await emu.stop();
      }
    });
  });
});
