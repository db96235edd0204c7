import assert from "node:assert/strict";
import { MALFORMED_BODY, type ErrorCode } from "../../emulator";
import { assertError, assertValidation, resetEmulator, useEmulator, waitFor } from "./helpers";

/** The error of a call that must fail at the transport level. */
async function transportError(call: Promise<unknown>): Promise<{ code?: string; name: string; message: string }> {
  try {
    await call;
  } catch (err) {
    return err as { code?: string; name: string; message: string };
  }
  throw new Error("the call succeeded");
}

describe("emulator: fault injection", () => {
  const ctx = useEmulator();
  let podId: string;
  const keysPath = (): string => `/v0/pods/${podId}/api-keys`;
  beforeEach(() => {
    resetEmulator(ctx.emu);
    podId = ctx.emu.store.createPod({ name: "f" }).pod_id;
  });

  describe("replies", () => {
    it("429 with Retry-After and the documented body, for the next N requests only", async () => {
      ctx.emu.faults.add({ method: "GET", path: "/v0/pods", status: 429, headers: { "Retry-After": "2" }, times: 2 });
      for (let i = 0; i < 2; i++) {
        const res = await ctx.api.call("GET", "/v0/pods");
        assertError(res, 429, "rate_limit_exceeded");
        assert.equal(res.headers["retry-after"], "2");
      }
      assert.equal((await ctx.api.call("GET", "/v0/pods")).status, 200);
      assert.deepEqual(ctx.emu.faults.list(), [], "a rule used up disappears");
    });

    it("a 429 without headers gets Retry-After: 1 like the service; headers: {} gets none", async () => {
      ctx.emu.faults.add({ status: 429, times: 1 });
      assert.equal((await ctx.api.call("GET", "/v0/pods")).headers["retry-after"], "1");
      ctx.emu.faults.add({ status: 429, headers: {}, times: 1 });
      assert.equal((await ctx.api.call("GET", "/v0/pods")).headers["retry-after"], undefined);
    });

    it("a bare status gets its documented body; code and body override it", async () => {
      ctx.emu.faults.add({ status: 503, times: 1 });
      assertError(await ctx.api.call("GET", "/v0/pods"), 503, "service_unavailable");
      ctx.emu.faults.add({ status: 500, times: 1 });
      assertError(await ctx.api.call("GET", "/v0/pods"), 500, "internal_error");
      ctx.emu.faults.add({ status: 409, code: "already_exists", times: 1 });
      assertError(await ctx.api.call("POST", "/v0/pods", { body: {} }), 409, "already_exists");
      ctx.emu.faults.add({ status: 403, body: { message: "Forbidden" }, times: 1 });
      const gateway = await ctx.api.call("GET", "/v0/pods");
      assert.equal(gateway.status, 403);
      assert.deepEqual(gateway.json, { message: "Forbidden" });
      ctx.emu.faults.add({
        status: 502,
        body: "<html>Bad Gateway</html>",
        headers: { "content-type": "text/html" },
        times: 1,
      });
      const html = await ctx.api.call("GET", "/v0/pods");
      assert.equal(html.status, 502);
      assert.equal(html.text, "<html>Bad Gateway</html>");
      assert.equal(html.headers["content-type"], "text/html");
      assert.equal(ctx.emu.store.pods().length, 2, "no operation was performed");
    });

    it("every documented error code, in its documented shape and status", async () => {
      const table: Array<[ErrorCode, number]> = [
        ["missing_authorization", 401],
        ["invalid_token_type", 401],
        ["unknown_api_key", 401],
        ["api_key_expired", 401],
        ["unauthorized", 401],
        ["missing_permission", 403],
        ["permission_escalation", 403],
        ["unrestricted_key_required", 403],
        ["forbidden", 403],
        ["not_found", 404],
        ["unprocessable", 422],
        ["already_exists", 409],
        ["limit_exceeded", 403],
        ["conflict", 409],
        ["cannot_delete", 409],
        ["resource_taken", 409],
        ["race_condition", 409],
        ["resource_deleting", 409],
        ["rate_limit_exceeded", 429],
        ["internal_error", 500],
        ["service_unavailable", 503],
      ];
      for (const [code, status] of table) {
        ctx.emu.faults.add({ code, times: 1 });
        assertError(await ctx.api.call("GET", "/v0/pods"), status, code);
      }
      ctx.emu.faults.add({ code: "validation_error", times: 1 });
      assertValidation(await ctx.api.call("GET", "/v0/pods"), []);
      ctx.emu.faults.add({ status: 409, times: 1 });
      assertError(await ctx.api.call("GET", "/v0/pods"), 409, "conflict");
      // The reference allows 403 for the state conflicts too: a status beside the code picks it.
      ctx.emu.faults.add({ status: 403, code: "resource_taken", times: 1 });
      assertError(await ctx.api.call("GET", "/v0/pods"), 403, "resource_taken");
    });

    it("malformed: 200 with an invalid body, or the given text; nothing performed", async () => {
      ctx.emu.faults.add({ malformed: true, times: 1 });
      const bad = await ctx.api.call("POST", "/v0/pods", { body: { name: "x" } });
      assert.equal(bad.status, 200);
      assert.equal(bad.text, MALFORMED_BODY);
      assert.match(String(bad.headers["content-type"]), /application\/json/);
      ctx.emu.faults.add({ malformed: '{"pods": 5}', times: 1 });
      const shape = await ctx.api.call("GET", "/v0/pods");
      assert.deepEqual(shape.json, { pods: 5 });
      assert.equal(ctx.emu.store.pods().length, 2);
    });

    it("headers only: added to the real answer", async () => {
      ctx.emu.faults.add({ path: "/v0/pods", headers: { "X-Extra": "1" }, times: 1 });
      const res = await ctx.api.call("GET", "/v0/pods");
      assert.equal(res.status, 200);
      assert.equal(res.headers["x-extra"], "1");
      assert.equal(res.json.count, 2);
    });
  });

  /** Starts `call`, waits until the emulator has it, and says whether it was still unanswered then. */
  async function unansweredOnArrival<T>(call: Promise<T>): Promise<{ pending: boolean; result: T }> {
    let settled = false;
    const watched = call.finally(() => (settled = true));
    await waitFor(() => ctx.emu.log.count() === 1, "the request's arrival");
    const pending = !settled && ctx.emu.log.entries()[0]?.status === null;
    return { pending, result: await watched };
  }

  it("delayMs: the real answer, late", async () => {
    ctx.emu.faults.add({ method: "GET", path: "/v0/pods", delayMs: 300, times: 1 });
    const { pending, result: res } = await unansweredOnArrival(ctx.api.call("GET", "/v0/pods"));
    assert.ok(pending, "held back after arriving");
    assert.equal(res.status, 200);
    assert.equal(res.json.count, 2);
    assert.equal(ctx.emu.log.entries()[0]?.status, 200);
    assert.match(ctx.emu.log.entries()[0]?.fault ?? "", /delay=300/);
  });

  it("delayMs with a status: the fault, late", async () => {
    ctx.emu.faults.add({ status: 500, delayMs: 300, times: 1 });
    const { pending, result } = await unansweredOnArrival(ctx.api.call("GET", "/v0/pods"));
    assert.ok(pending, "held back after arriving");
    assertError(result, 500, "internal_error");
  });

  it("destroy: the socket is destroyed without an answer, and nothing is performed", async () => {
    ctx.emu.faults.add({ method: "POST", path: "/v0/pods", destroy: true, times: 1 });
    const err = await transportError(ctx.api.call("POST", "/v0/pods", { body: { name: "lost" } }));
    assert.equal(err.code, "UND_ERR_SOCKET", err.message);
    assert.equal(ctx.emu.store.pods().length, 2);
    const [entry] = ctx.emu.log.entries();
    assert.equal(entry?.status, null);
    assert.match(entry?.fault ?? "", /^f\d+ destroy$/);
    assert.equal((await ctx.api.call("POST", "/v0/pods", { body: { name: "ok" } })).status, 200, "the next one works");
  });

  it("hang: no answer until the client gives up", async () => {
    ctx.emu.faults.add({ path: "/v0/auth/me", hang: true, times: 1 });
    const err = await transportError(ctx.api.call("GET", "/v0/auth/me", { timeoutMs: 200 }));
    assert.equal(err.name, "TimeoutError", err.message);
    const [entry] = ctx.emu.log.entries();
    assert.equal(entry?.status, null);
    assert.match(entry?.fault ?? "", /hang/);
    assert.equal((await ctx.api.call("GET", "/v0/auth/me")).status, 200);
  });

  describe("echoSecrets (a careless server, for redaction tests)", () => {
    it("a JSON error body repeats the credential in message, fix and errors[].message", async () => {
      ctx.emu.faults.add({ method: "GET", path: "/v0/pods", status: 403, echoSecrets: true, times: 1 });
      const res = await ctx.api.call("GET", "/v0/pods");
      assert.equal(res.status, 403);
      const body = res.json as { code: string; message: string; fix: string; errors: Array<{ message: string }> };
      assert.equal(body.code, "forbidden", "the documented body, plus the echoes");
      for (const text of [body.message, body.fix, body.errors.at(-1)?.message])
        assert.ok(text?.includes(ctx.emu.orgApiKey), `credential echoed in ${text}`);
      assert.match(ctx.emu.log.entries()[0]?.fault ?? "", /echoSecrets$/);
      assert.ok(!JSON.stringify(ctx.emu.log.entries()).includes(ctx.emu.orgApiKey), "never in the log");
    });

    it("a string body gets the credential in front of its text", async () => {
      ctx.emu.faults.add({ method: "GET", status: 502, body: "Bad gateway", echoSecrets: true, times: 1 });
      const res = await ctx.api.call("GET", "/v0/pods");
      assert.equal(res.text, `request credential and answer: ${ctx.emu.orgApiKey}; Bad gateway`);
    });

    it("after commit, a create's answer also repeats the created key's secret", async () => {
      ctx.emu.faults.add({
        method: "POST",
        path: "/v0/pods/*/api-keys",
        afterCommit: true,
        echoSecrets: true,
        times: 1,
      });
      const res = await ctx.api.call("POST", keysPath(), { body: { name: "leaky" } });
      assert.equal(res.status, 500);
      const created = /am_[a-z]{2}_[0-9a-f]{48}/g;
      const echoed = [...String(res.json.message).matchAll(created)]
        .map((m) => m[0])
        .filter((k) => k !== ctx.emu.orgApiKey);
      assert.equal(echoed.length, 1);
      const [key] = ctx.emu.store.apiKeys(podId);
      const me = await ctx.api.call("GET", "/v0/auth/me", { key: echoed[0]! });
      assert.equal(me.json.api_key_id, key?.api_key_id, "the echoed secret is the created key's");
    });

    it("needs a reply or afterCommit", () => {
      assert.throws(() => ctx.emu.faults.add({ echoSecrets: true }), TypeError);
      assert.throws(() => ctx.emu.faults.add({ hang: true, echoSecrets: true }), TypeError);
      assert.throws(() => ctx.emu.faults.add({ status: 500, echoSecrets: "yes" as unknown as boolean }), TypeError);
    });
  });

  describe("afterCommit (the ambiguous case)", () => {
    it("status: the key is created, the client sees 500", async () => {
      ctx.emu.faults.add({ method: "POST", path: "/v0/pods/*/api-keys", status: 500, afterCommit: true, times: 1 });
      assertError(await ctx.api.call("POST", keysPath(), { body: { name: "ghost" } }), 500, "internal_error");
      const keys = ctx.emu.store.apiKeys(podId);
      assert.equal(keys.length, 1);
      assert.equal(keys[0]?.name, "ghost");
      assert.match(ctx.emu.log.entries()[0]?.fault ?? "", /^f\d+ status=500 afterCommit$/);
    });

    it("destroy: the pod is created, the client gets no answer; retrying with client_id returns it", async () => {
      ctx.emu.faults.add({ method: "POST", path: "/v0/pods", destroy: true, afterCommit: true, times: 1 });
      const err = await transportError(ctx.api.call("POST", "/v0/pods", { body: { name: "p", client_id: "cid-1" } }));
      assert.equal(err.code, "UND_ERR_SOCKET");
      const made = ctx.emu.store.pods().find((p) => p.client_id === "cid-1");
      assert.ok(made, "the operation was performed");
      const retry = await ctx.api.call("POST", "/v0/pods", { body: { name: "p", client_id: "cid-1" } });
      assert.equal(retry.status, 200);
      assert.equal(retry.json.pod_id, made.pod_id);
      assert.equal(ctx.emu.store.pods().length, 3);
    });

    it("with no reply of its own: 500 internal_error after the operation", async () => {
      const k = ctx.emu.store.createApiKey(podId);
      ctx.emu.faults.add({ method: "DELETE", afterCommit: true, times: 1 });
      assertError(await ctx.api.call("DELETE", `${keysPath()}/${k.api_key_id}`), 500, "internal_error");
      assert.deepEqual(ctx.emu.store.apiKeys(podId), []);
    });

    it("malformed: the deletion happens, the body is invalid", async () => {
      const k = ctx.emu.store.createApiKey(podId);
      ctx.emu.faults.add({ method: "DELETE", malformed: true, afterCommit: true, times: 1 });
      const res = await ctx.api.call("DELETE", `${keysPath()}/${k.api_key_id}`);
      assert.equal(res.status, 200);
      assert.equal(res.text, MALFORMED_BODY);
      assert.deepEqual(ctx.emu.store.apiKeys(podId), []);
    });

    it("with delayMs: committed at once, answered late (a client timeout still leaves the key)", async () => {
      ctx.emu.faults.add({ method: "POST", status: 503, afterCommit: true, delayMs: 2_000, times: 1 });
      let answered = false;
      const pending = transportError(ctx.api.call("POST", keysPath(), { body: {}, timeoutMs: 500 })).finally(
        () => (answered = true),
      );
      await waitFor(() => ctx.emu.store.apiKeys(podId).length === 1, "the commit");
      assert.ok(!answered, "committed before the answer");
      assert.equal((await pending).name, "TimeoutError");
    });

    it("hang: committed, never answered", async () => {
      ctx.emu.faults.add({ method: "POST", hang: true, afterCommit: true, times: 1 });
      const err = await transportError(ctx.api.call("POST", keysPath(), { body: {}, timeoutMs: 150 }));
      assert.equal(err.name, "TimeoutError");
      assert.equal(ctx.emu.store.apiKeys(podId).length, 1);
    });
  });

  describe("matching", () => {
    it("by method, exact path, * segment pattern and RegExp; never the query", async () => {
      ctx.emu.faults.add({ method: "post", path: "/v0/pods/*/api-keys", status: 418 });
      ctx.emu.faults.add({ path: /^\/v0\/auth\//, status: 599 });
      ctx.emu.faults.add({ method: "GET", path: `/v0/pods/${podId}`, status: 451 });
      assert.equal((await ctx.api.call("POST", keysPath(), { body: {} })).status, 418);
      assert.equal((await ctx.api.call("GET", keysPath())).status, 200, "method differs");
      assert.equal((await ctx.api.call("POST", "/v0/pods", { body: {} })).status, 200, "pattern differs");
      assert.equal((await ctx.api.call("GET", "/v0/auth/me")).status, 599);
      assert.equal((await ctx.api.call("GET", `/v0/pods/${podId}`, { query: { a: 1 } })).status, 451);
      assert.equal((await ctx.api.call("DELETE", `/v0/pods/${podId}`)).status, 204);
    });

    it("first matching rule applies; list shows hits and remaining; remove and clear", async () => {
      const a = ctx.emu.faults.add({ path: "/v0/pods", status: 500, times: 3 });
      const b = ctx.emu.faults.add({ path: "/v0/pods", status: 502 });
      assert.equal((await ctx.api.call("GET", "/v0/pods")).status, 500);
      const listed = ctx.emu.faults.list();
      assert.equal(listed.length, 2);
      assert.equal(listed[0]?.id, a);
      assert.equal(listed[0]?.hits, 1);
      assert.equal(listed[0]?.remaining, 2);
      assert.equal(listed[1]?.remaining, undefined, "unlimited");
      assert.equal(ctx.emu.faults.remove(a), true);
      assert.equal(ctx.emu.faults.remove(a), false);
      assert.equal((await ctx.api.call("GET", "/v0/pods")).status, 502);
      assert.equal((await ctx.api.call("GET", "/v0/pods")).status, 502);
      assert.equal(ctx.emu.faults.list()[0]?.id, b);
      ctx.emu.faults.clear();
      assert.equal((await ctx.api.call("GET", "/v0/pods")).status, 200);
    });

    it("rejects invalid rules with a TypeError", () => {
      assert.throws(() => ctx.emu.faults.add({ status: 42 }), TypeError);
      assert.throws(() => ctx.emu.faults.add({ times: 0 }), TypeError);
      assert.throws(() => ctx.emu.faults.add({ destroy: true, status: 500 }), TypeError);
      assert.throws(() => ctx.emu.faults.add({ destroy: true, hang: true }), TypeError);
      assert.throws(() => ctx.emu.faults.add({ delayMs: -1 }), TypeError);
      assert.throws(() => ctx.emu.faults.add({ status: 500, code: "nope" as "conflict" }), TypeError);
      assert.deepEqual(ctx.emu.faults.list(), []);
    });

    it("a rule returned by list() is a copy", async () => {
      ctx.emu.faults.add({ status: 500, headers: { a: "1" } });
      const [info] = ctx.emu.faults.list();
      if (info?.headers) info.headers["a"] = "2";
      assert.equal((await ctx.api.call("GET", "/v0/pods")).headers["a"], "1");
    });
  });
});
