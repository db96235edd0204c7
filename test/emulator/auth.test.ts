import assert from "node:assert/strict";
import { PERMISSION_NAMES } from "../../emulator";
import { assertError, defaultPodId, useEmulator } from "./helpers";

describe("emulator: credentials, scope and permissions", () => {
  const ctx = useEmulator({ organizationId: "org-test" });
  let podId: string;
  let otherPodId: string;
  beforeEach(() => {
    ctx.emu.store.reset();
    podId = ctx.emu.store.createPod({ name: "mine" }).pod_id;
    otherPodId = ctx.emu.store.createPod({ name: "theirs" }).pod_id;
  });

  /** A key created through the API by the org key. */
  async function podKey(pod: string, permissions?: Record<string, boolean>): Promise<string> {
    const res = await ctx.api.call("POST", `/v0/pods/${pod}/api-keys`, {
      body: permissions === undefined ? {} : { permissions },
    });
    assert.equal(res.status, 200, res.text);
    return res.json.api_key as string;
  }

  describe("401", () => {
    it("missing_authorization without a header or with an empty bearer", async () => {
      assertError(await ctx.api.call("GET", "/v0/pods", { key: null }), 401, "missing_authorization");
      assertError(await ctx.api.call("GET", "/v0/pods", { authorization: "Bearer " }), 401, "missing_authorization");
    });
    it("unauthorized for a scheme other than Bearer (inferred)", async () => {
      assertError(
        await ctx.api.call("GET", "/v0/pods", { authorization: `Basic ${ctx.emu.orgApiKey}` }),
        401,
        "unauthorized",
      );
    });
    it("invalid_token_type for a bearer token that is not an AgentMail key (inferred)", async () => {
      assertError(
        await ctx.api.call("GET", "/v0/pods", { key: "eyJhbGciOiJIUzI1NiJ9.e30.x" }),
        401,
        "invalid_token_type",
      );
    });
    it("unknown_api_key for an unknown key", async () => {
      assertError(await ctx.api.call("GET", "/v0/pods", { key: `am_us_${"0".repeat(48)}` }), 401, "unknown_api_key");
      assertError(
        await ctx.api.call("POST", `/v0/pods/${podId}/api-keys`, { key: "am_us_x", body: {} }),
        401,
        "unknown_api_key",
      );
    });
    it("unknown_api_key once a key is revoked out of band", async () => {
      const seeded = ctx.emu.store.createApiKey(podId);
      assert.equal((await ctx.api.call("GET", "/v0/auth/me", { key: seeded.api_key })).status, 200);
      assert.equal(ctx.emu.store.revokeApiKey(podId, seeded.api_key_id), true);
      assert.equal(ctx.emu.store.revokeApiKey(podId, seeded.api_key_id), false);
      assertError(await ctx.api.call("GET", "/v0/auth/me", { key: seeded.api_key }), 401, "unknown_api_key");
    });
    it("accepts the scheme case-insensitively", async () => {
      assert.equal(
        (await ctx.api.call("GET", "/v0/auth/me", { authorization: `bearer ${ctx.emu.orgApiKey}` })).status,
        200,
      );
    });
  });

  describe("GET /v0/auth/me", () => {
    it("describes the organization key", async () => {
      const res = await ctx.api.call("GET", "/v0/auth/me");
      assert.equal(res.status, 200);
      assert.equal(res.json.scope_type, "organization");
      assert.equal(res.json.scope_id, "org-test");
      assert.equal(res.json.organization_id, "org-test");
      assert.equal(res.json.pod_id, undefined);
      assert.equal(typeof res.json.api_key_id, "string");
    });
    it("describes a pod key created through the API, even one with no permission at all", async () => {
      const created = await ctx.api.call("POST", `/v0/pods/${podId}/api-keys`, { body: { permissions: {} } });
      const res = await ctx.api.call("GET", "/v0/auth/me", { key: created.json.api_key });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json, {
        scope_type: "pod",
        scope_id: podId,
        organization_id: "org-test",
        pod_id: podId,
        api_key_id: created.json.api_key_id,
      });
    });
  });

  describe("a pod key's scope", () => {
    it("lists only its own pod and gets its own pod", async () => {
      const key = await podKey(podId);
      const list = await ctx.api.call("GET", "/v0/pods", { key });
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.json.pods.map((p: { pod_id: string }) => p.pod_id),
        [podId],
      );
      assert.equal((await ctx.api.call("GET", `/v0/pods/${podId}`, { key })).status, 200);
    });
    it("sees another pod as missing: 404 on every route", async () => {
      const key = await podKey(podId);
      const theirs = ctx.emu.store.createApiKey(otherPodId);
      assertError(await ctx.api.call("GET", `/v0/pods/${otherPodId}`, { key }), 404, "not_found");
      assertError(await ctx.api.call("DELETE", `/v0/pods/${otherPodId}`, { key }), 404, "not_found");
      assertError(await ctx.api.call("GET", `/v0/pods/${otherPodId}/api-keys`, { key }), 404, "not_found");
      assertError(await ctx.api.call("POST", `/v0/pods/${otherPodId}/api-keys`, { key, body: {} }), 404, "not_found");
      assertError(
        await ctx.api.call("PATCH", `/v0/pods/${otherPodId}/api-keys/${theirs.api_key_id}`, {
          key,
          body: { name: "x" },
        }),
        404,
        "not_found",
      );
      assertError(
        await ctx.api.call("DELETE", `/v0/pods/${otherPodId}/api-keys/${theirs.api_key_id}`, { key }),
        404,
        "not_found",
      );
      assert.ok(ctx.emu.store.pod(otherPodId));
      assert.equal(ctx.emu.store.apiKeys(otherPodId).length, 1);
    });
    it("manages the keys of its own pod", async () => {
      const key = await podKey(podId);
      const made = await ctx.api.call("POST", `/v0/pods/${podId}/api-keys`, { key, body: { name: "child" } });
      assert.equal(made.status, 200);
      assert.equal((await ctx.api.call("GET", `/v0/pods/${podId}/api-keys`, { key })).json.count, 2);
      const patched = await ctx.api.call("PATCH", `/v0/pods/${podId}/api-keys/${made.json.api_key_id}`, {
        key,
        body: { name: "renamed" },
      });
      assert.equal(patched.json.name, "renamed");
      assert.equal(
        (await ctx.api.call("DELETE", `/v0/pods/${podId}/api-keys/${made.json.api_key_id}`, { key })).status,
        204,
      );
    });
    it("cannot create a pod: 403 unrestricted_key_required", async () => {
      const key = await podKey(podId);
      assertError(
        await ctx.api.call("POST", "/v0/pods", { key, body: { name: "new" } }),
        403,
        "unrestricted_key_required",
      );
      assert.equal(ctx.emu.store.pods().length, 3);
    });
    it("can delete its own pod with pod_delete, after which it is unknown", async () => {
      const key = await podKey(podId, { pod_delete: true });
      assert.equal((await ctx.api.call("DELETE", `/v0/pods/${podId}`, { key })).status, 204);
      assertError(await ctx.api.call("GET", "/v0/auth/me", { key }), 401, "unknown_api_key");
    });
  });

  describe("403 missing_permission", () => {
    it("for each pod and key operation the key was not granted", async () => {
      const none = await podKey(podId, {});
      const k = ctx.emu.store.createApiKey(podId);
      const calls: Array<[string, string, unknown?]> = [
        ["GET", "/v0/pods"],
        ["GET", `/v0/pods/${podId}`],
        ["DELETE", `/v0/pods/${podId}`],
        ["GET", `/v0/pods/${podId}/api-keys`],
        ["POST", `/v0/pods/${podId}/api-keys`, {}],
        ["PATCH", `/v0/pods/${podId}/api-keys/${k.api_key_id}`, { name: "x" }],
        ["DELETE", `/v0/pods/${podId}/api-keys/${k.api_key_id}`],
      ];
      for (const [method, path, body] of calls) {
        const res = await ctx.api.call(method, path, { key: none, ...(body === undefined ? {} : { body }) });
        assertError(res, 403, "missing_permission");
        assert.equal(res.json.name, "ForbiddenError");
        assert.equal(res.json.message, "Forbidden");
      }
      assert.ok(ctx.emu.store.pod(podId));
      assert.equal(ctx.emu.store.apiKeys(podId).length, 2);
    });
    it("names the missing permission in fix, and false grants nothing", async () => {
      const key = await podKey(podId, { pod_read: true, api_key_read: false });
      assert.equal((await ctx.api.call("GET", `/v0/pods/${podId}`, { key })).status, 200);
      const res = await ctx.api.call("GET", `/v0/pods/${podId}/api-keys`, { key });
      assertError(res, 403, "missing_permission");
      assert.match(res.json.fix, /api_key_read/);
    });
    it("a typo in a permission name grants nothing (dropped silently)", async () => {
      const key = await podKey(podId, { podread: true } as Record<string, boolean>);
      assertError(await ctx.api.call("GET", `/v0/pods/${podId}`, { key }), 403, "missing_permission");
    });
  });

  describe("403 permission_escalation", () => {
    it("a key cannot create a key with a permission it lacks", async () => {
      const key = await podKey(podId, { api_key_create: true, message_read: true });
      const ok = await ctx.api.call("POST", `/v0/pods/${podId}/api-keys`, {
        key,
        body: { permissions: { message_read: true } },
      });
      assert.equal(ok.status, 200, ok.text);
      const sub = await ctx.api.call("POST", `/v0/pods/${podId}/api-keys`, {
        key,
        body: { permissions: { message_read: true, message_send: false, unknown_one: true } },
      });
      assert.equal(sub.status, 200, "false and unknown names are not escalation");
      const res = await ctx.api.call("POST", `/v0/pods/${podId}/api-keys`, {
        key,
        body: { permissions: { message_send: true } },
      });
      assertError(res, 403, "permission_escalation");
      assert.match(res.json.fix, /message_send/);
      assertError(
        await ctx.api.call("POST", `/v0/pods/${podId}/api-keys`, { key, body: {} }),
        403,
        "permission_escalation",
      );
      assert.equal(ctx.emu.store.apiKeys(podId).length, 3);
    });
    it("a key cannot raise another key's permissions above its own", async () => {
      const key = await podKey(podId, { api_key_update: true, message_read: true });
      const target = ctx.emu.store.createApiKey(podId, { permissions: {} });
      const path = `/v0/pods/${podId}/api-keys/${target.api_key_id}`;
      assert.equal(
        (await ctx.api.call("PATCH", path, { key, body: { permissions: { message_read: true } } })).status,
        200,
      );
      assertError(
        await ctx.api.call("PATCH", path, { key, body: { permissions: { inbox_delete: true } } }),
        403,
        "permission_escalation",
      );
      assert.deepEqual(ctx.emu.store.apiKeys(podId).find((k) => k.api_key_id === target.api_key_id)?.permissions, {
        message_read: true,
      });
    });
    it("a full-access pod key (permissions omitted) may grant anything, the org key too", async () => {
      const full = await podKey(podId);
      const all = Object.fromEntries(PERMISSION_NAMES.map((n) => [n, true]));
      assert.equal((await ctx.api.call("POST", `/v0/pods/${podId}/api-keys`, { key: full, body: {} })).status, 200);
      const res = await ctx.api.call("POST", `/v0/pods/${podId}/api-keys`, { key: full, body: { permissions: all } });
      assert.equal(res.status, 200);
      assert.equal(Object.keys(res.json.permissions).length, 47);
      const held = await podKey(podId, all);
      assert.equal(
        (await ctx.api.call("POST", `/v0/pods/${podId}/api-keys`, { key: held, body: {} })).status,
        200,
        "holding all 47 explicitly equals full access",
      );
    });
  });

  it("the Default Pod exists and a pod key of it works like any other", async () => {
    const key = await podKey(defaultPodId(ctx.emu), { pod_read: true });
    assert.equal((await ctx.api.call("GET", "/v0/pods", { key })).json.pods[0].name, "Default Pod");
  });
});
