import assert from "node:assert/strict";
import { startEmulator } from "../../emulator";
import { Client, resetEmulator, useEmulator, waitFor } from "./helpers";

describe("emulator: request log", () => {
  const ctx = useEmulator();
  beforeEach(() => resetEmulator(ctx.emu));

  it("records method, path, query, status, timing and a redacted credential", async () => {
    const t0 = Date.now();
    await ctx.api.call("GET", "/v0/pods", { query: { limit: 2, ascending: true } });
    await ctx.api.call("GET", "/v0/pods", { key: null });
    const [a, b] = ctx.emu.log.entries();
    assert.ok(a && b);
    assert.equal(a.method, "GET");
    assert.equal(a.path, "/v0/pods");
    assert.equal(a.query, "limit=2&ascending=true");
    assert.equal(a.status, 200);
    assert.ok(a.durationMs >= 0 && a.durationMs < 5000);
    assert.ok(a.startedAt >= t0 - 5 && a.startedAt <= Date.now());
    assert.equal(a.credential, `${ctx.emu.orgApiKey.slice(0, 12)}…`);
    assert.equal(a.fault, undefined);
    assert.equal(b.status, 401);
    assert.equal(b.credential, "none");
  });

  it("never holds a full bearer key nor a created api_key", async () => {
    const pod = ctx.emu.store.pods()[0]?.pod_id ?? "";
    const created = await ctx.api.call("POST", `/v0/pods/${pod}/api-keys`, { body: { name: "secret-bearer" } });
    const secret: string = created.json.api_key;
    await ctx.api.call("GET", "/v0/auth/me", { key: secret });
    await ctx.api.call("GET", "/v0/auth/me", { key: `${secret}x` });
    await ctx.api.call("GET", "/v0/auth/me", { key: "short" });
    await ctx.api.call("GET", "/v0/auth/me", { authorization: `Basic ${ctx.emu.orgApiKey}` });
    await ctx.api.call("GET", `/v0/pods/${secret}`);
    await ctx.api.call("GET", "/v0/pods", { query: { page_token: secret, key: ctx.emu.orgApiKey } });
    ctx.emu.faults.add({ destroy: true, times: 1 });
    await ctx.api.call("GET", "/v0/auth/me", { key: secret }).catch(() => undefined);
    const text = JSON.stringify(ctx.emu.log.entries());
    assert.ok(!text.includes(secret), text);
    assert.ok(!text.includes(ctx.emu.orgApiKey), text);
    assert.ok(!text.includes("short"), "at most half of an unknown token is shown");
    const creds = ctx.emu.log.entries().map((e) => e.credential);
    assert.equal(creds[1], `${created.json.prefix}…`);
    for (const c of creds) assert.ok(c === "none" || c.endsWith("…"), c);
  });

  it("counts and filters by method, exact path, pattern, RegExp and status; clear() empties it", async () => {
    const pod = ctx.emu.store.pods()[0]?.pod_id ?? "";
    await ctx.api.call("GET", "/v0/pods");
    await ctx.api.call("GET", `/v0/pods/${pod}`);
    await ctx.api.call("POST", `/v0/pods/${pod}/api-keys`, { body: {} });
    await ctx.api.call("GET", `/v0/pods/${pod}/api-keys`);
    await ctx.api.call("GET", "/v0/pods/missing");
    assert.equal(ctx.emu.log.count(), 5);
    assert.equal(ctx.emu.log.count({ method: "get" }), 4);
    assert.equal(ctx.emu.log.count({ path: "/v0/pods" }), 1);
    assert.equal(ctx.emu.log.count({ path: "/v0/pods/*" }), 2);
    assert.equal(ctx.emu.log.count({ method: "POST", path: "/v0/pods/*/api-keys" }), 1);
    assert.equal(ctx.emu.log.count({ path: /api-keys$/ }), 2);
    assert.equal(ctx.emu.log.count({ status: 404 }), 1);
    assert.equal(ctx.emu.log.entries({ status: 404 })[0]?.path, "/v0/pods/missing");
    ctx.emu.log.clear();
    assert.equal(ctx.emu.log.count(), 0);
  });

  it("logs a request on arrival and completes it when answered; clear() forgets one still in flight for good", async () => {
    ctx.emu.faults.add({ method: "GET", path: "/v0/pods", delayMs: 300, times: 2 });
    const first = ctx.api.call("GET", "/v0/pods", { query: { n: 1 } });
    await waitFor(() => ctx.emu.log.count() === 1);
    assert.equal(ctx.emu.log.entries()[0]?.status, null, "in flight: no status yet");
    await first;
    assert.equal(ctx.emu.log.entries()[0]?.status, 200, "completed in place");

    const slow = ctx.api.call("GET", "/v0/pods", { query: { n: 2 } });
    await waitFor(() => ctx.emu.log.count() === 2);
    ctx.emu.log.clear();
    await ctx.api.call("GET", "/v0/auth/me");
    await slow;
    assert.deepEqual(
      ctx.emu.log.entries().map((e) => e.path),
      ["/v0/auth/me"],
      "the slow answer to a request made before clear() does not reappear",
    );
  });

  it("returns copies", async () => {
    await ctx.api.call("GET", "/v0/pods");
    const [entry] = ctx.emu.log.entries();
    if (entry) entry.status = 999;
    assert.equal(ctx.emu.log.entries()[0]?.status, 200);
  });

  it("keeps at most logLimit entries, dropping the oldest", async () => {
    const small = await startEmulator({ logLimit: 10 });
    try {
      const c = new Client(small, ctx.agent);
      for (let i = 0; i < 25; i++) await c.call("GET", "/v0/pods", { query: { i } });
      const entries = small.log.entries();
      assert.ok(entries.length <= 10);
      assert.equal(entries[entries.length - 1]?.query, "i=24");
    } finally {
      await small.stop();
    }
  });
});
