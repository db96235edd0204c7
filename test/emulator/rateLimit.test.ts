import assert from "node:assert/strict";
import { assertError, resetEmulator, useEmulator } from "./helpers";

describe("emulator: rate limit (settings.rateLimit)", () => {
  const ctx = useEmulator();
  beforeEach(() => resetEmulator(ctx.emu));
  afterEach(() => {
    ctx.emu.settings.rateLimit = null;
  });

  it("answers 429 rate_limit_exceeded with Retry-After beyond the burst, counts it, and logs it as limited", async () => {
    // A rate so slow that no token comes back during the test: exactly `burst` requests pass.
    ctx.emu.settings.rateLimit = { perSecond: 0.001, burst: 3 };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await ctx.api.call("GET", "/v0/pods")).status);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const limited = await ctx.api.call("GET", "/v0/auth/me");
    assertError(limited, 429, "rate_limit_exceeded");
    assert.match(String(limited.headers["retry-after"]), /^[1-9]\d*$/, "whole seconds, at least 1");
    assert.equal(ctx.emu.rateLimited(), 3);
    assert.equal(ctx.emu.log.count({ status: 429 }), 3);
    assert.equal(ctx.emu.log.entries().filter((e) => e.rateLimited).length, 3);
    // Unauthorized requests are not counted against the bucket; admin routes bypass it.
    assertError(await ctx.api.call("GET", "/v0/pods", { key: null }), 401, "missing_authorization");
    assert.equal((await ctx.api.call("GET", "/__emulator/rate-limit")).json.limited, 3);
  });

  it("is settable over the admin routes, validated, and off again with null", async () => {
    const bad = await ctx.api.call("PATCH", "/__emulator/settings", { body: { rateLimit: { perSecond: 0 } } });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /rateLimit must be null or/);
    const set = await ctx.api.call("PATCH", "/__emulator/settings", {
      body: { rateLimit: { perSecond: 0.001, burst: 1 } },
    });
    assert.equal(set.status, 200);
    assert.equal((await ctx.api.call("GET", "/v0/pods")).status, 200);
    assert.equal((await ctx.api.call("GET", "/v0/pods")).status, 429);
    await ctx.api.call("PATCH", "/__emulator/settings", { body: { rateLimit: null } });
    assert.equal((await ctx.api.call("GET", "/v0/pods")).status, 200);
    assert.equal((await ctx.api.call("POST", "/__emulator/reset")).status, 204);
    assert.equal((await ctx.api.call("GET", "/__emulator/rate-limit")).json.limited, 0);
  });
});
