import assert from "node:assert/strict";
import { assertError, assertValidation, resetEmulator, useEmulator } from "./helpers";

describe("emulator: admin routes (/__emulator)", () => {
  const ctx = useEmulator();
  beforeEach(() => resetEmulator(ctx.emu));

  it("need the organization key: 401 without or with an unknown key, 403 forbidden for a pod key", async () => {
    assertError(await ctx.api.call("GET", "/__emulator/state", { key: null }), 401, "missing_authorization");
    assertError(await ctx.api.call("GET", "/__emulator/state", { key: "am_us_nope" }), 401, "unknown_api_key");
    const pod = ctx.emu.store.pods()[0]?.pod_id ?? "";
    const podKey = ctx.emu.store.createApiKey(pod).api_key;
    assertError(await ctx.api.call("GET", "/__emulator/state", { key: podKey }), 403, "forbidden");
    assertError(await ctx.api.call("POST", "/__emulator/reset", { key: podKey }), 403, "forbidden");
  });

  it("POST /__emulator/faults adds a rule (path string or pathRegex) that applies to the API", async () => {
    const a = await ctx.api.call("POST", "/__emulator/faults", {
      body: { method: "GET", path: "/v0/pods", status: 429, headers: { "Retry-After": "3" }, times: 1 },
    });
    assert.equal(a.status, 200);
    assert.equal(typeof a.json.id, "string");
    const b = await ctx.api.call("POST", "/__emulator/faults", { body: { pathRegex: "^/v0/auth/", status: 503 } });
    assert.equal(b.status, 200);
    const listed = await ctx.api.call("GET", "/__emulator/faults");
    assert.equal(listed.json.faults.length, 2);
    assert.equal(listed.json.faults[0].path, "/v0/pods");
    assert.ok(new RegExp(listed.json.faults[1].pathRegex).test("/v0/auth/me"), "pathRegex round-trips");
    assert.equal(listed.json.faults[1].path, undefined);

    const limited = await ctx.api.call("GET", "/v0/pods");
    assert.equal(limited.status, 429);
    assert.equal(limited.headers["retry-after"], "3");
    assert.equal((await ctx.api.call("GET", "/v0/pods")).status, 200);
    assertError(await ctx.api.call("GET", "/v0/auth/me"), 503, "service_unavailable");

    assert.equal((await ctx.api.call("DELETE", `/__emulator/faults/${b.json.id}`)).status, 204);
    assertError(await ctx.api.call("DELETE", `/__emulator/faults/${b.json.id}`), 404, "not_found");
    assert.equal((await ctx.api.call("GET", "/v0/auth/me")).status, 200);
  });

  it("kinds of faults work over the admin route too (destroy, afterCommit)", async () => {
    await ctx.api.call("POST", "/__emulator/faults", {
      body: { method: "POST", path: "/v0/pods", destroy: true, afterCommit: true, times: 1 },
    });
    await assert.rejects(ctx.api.call("POST", "/v0/pods", { body: { name: "remote" } }), { code: "UND_ERR_SOCKET" });
    assert.ok(ctx.emu.store.pods().some((p) => p.name === "remote"));
  });

  it("rejects an invalid rule with 400", async () => {
    assertValidation(await ctx.api.call("POST", "/__emulator/faults", { body: { status: "x" } }), []);
    assertValidation(await ctx.api.call("POST", "/__emulator/faults", { body: { pathRegex: "(" } }), ["pathRegex"]);
    assertValidation(await ctx.api.call("POST", "/__emulator/faults", { body: { path: "/a", pathRegex: "b" } }), [
      "path",
    ]);
    assertValidation(await ctx.api.call("POST", "/__emulator/faults", { rawBody: "nope" }), []);
    assert.deepEqual(ctx.emu.faults.list(), []);
  });

  it("DELETE /__emulator/faults removes every rule", async () => {
    ctx.emu.faults.add({ status: 500 });
    ctx.emu.faults.add({ status: 502 });
    assert.equal((await ctx.api.call("DELETE", "/__emulator/faults")).status, 204);
    assert.deepEqual(ctx.emu.faults.list(), []);
  });

  it("bypass faults and are not logged", async () => {
    ctx.emu.faults.add({ status: 500 });
    ctx.emu.faults.add({ destroy: true });
    const state = await ctx.api.call("GET", "/__emulator/state");
    assert.equal(state.status, 200);
    assert.equal((await ctx.api.call("GET", "/__emulator/log")).json.entries.length, 0);
    assert.equal(ctx.emu.log.count(), 0);
  });

  it("GET /__emulator/log returns the log; DELETE clears it", async () => {
    await ctx.api.call("GET", "/v0/pods", { query: { limit: 5 } });
    await ctx.api.call("GET", "/v0/nope");
    const res = await ctx.api.call("GET", "/__emulator/log");
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.json.entries.map((e: { method: string; path: string; query: string; status: number }) => [
        e.method,
        e.path,
        e.query,
        e.status,
      ]),
      [
        ["GET", "/v0/pods", "limit=5", 200],
        ["GET", "/v0/nope", "", 404],
      ],
    );
    assert.equal((await ctx.api.call("DELETE", "/__emulator/log")).status, 204);
    assert.equal(ctx.emu.log.count(), 0);
  });

  it("GET /__emulator/state shows pods and key metadata, never a secret", async () => {
    const pod = ctx.emu.store.createPod({ name: "s", client_id: "c1" });
    const key = ctx.emu.store.createApiKey(pod.pod_id, { name: "k", permissions: { pod_read: true } });
    const pub = ctx.emu.store.addPublicKey(pod.pod_id);
    assert.match(pub.name, /^AgentID key [A-Za-z0-9_-]{8}$/, "the API's default name");
    ctx.emu.store.addInbox(pod.pod_id);
    const res = await ctx.api.call("GET", "/__emulator/state");
    assert.equal(res.json.organization_id, ctx.emu.organizationId);
    assert.equal(res.json.pods.length, 2);
    const s = res.json.pods.find((p: { pod_id: string }) => p.pod_id === pod.pod_id);
    assert.equal(s.client_id, "c1");
    assert.equal(s.inboxes, 1);
    assert.deepEqual(
      s.api_keys.map((k: { type: string; name: string }) => [k.type, k.name]),
      [
        ["bearer", "k"],
        ["public_key", pub.name],
      ],
    );
    assert.ok(!res.text.includes(key.api_key), "no secret");
    assert.ok(!res.text.includes(ctx.emu.orgApiKey), "no org key");
  });

  it("POST /__emulator/reset restores a lone Default Pod, no faults and an empty log", async () => {
    ctx.emu.store.createPod();
    ctx.emu.faults.add({ path: "/nothing", status: 500 });
    await ctx.api.call("GET", "/v0/pods");
    assert.equal((await ctx.api.call("POST", "/__emulator/reset")).status, 204);
    assert.deepEqual(
      ctx.emu.store.pods().map((p) => p.name),
      ["Default Pod"],
    );
    assert.deepEqual(ctx.emu.faults.list(), []);
    assert.equal(ctx.emu.log.count(), 0);
  });

  it("unknown admin routes answer 404", async () => {
    assertError(await ctx.api.call("GET", "/__emulator/nope"), 404, "not_found");
  });
});
