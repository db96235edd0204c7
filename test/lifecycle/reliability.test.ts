/**
 * Level 2, issue "never orphan or duplicate a key": retries, timeouts and ambiguous failures, each
 * against the emulator's fault injection. After every test the emulator's keys are compared with
 * what the lifecycle says it owns.
 */
import assert from "node:assert/strict";
import * as lifecycle from "../../provider/lifecycle/podApiKey";
import { InitFailedError } from "../../provider/lifecycle/createKey";
import { AgentMailClient } from "../../provider/agentmail/client";
import type { NetworkError } from "../../provider/agentmail/errors";
import { waitFor } from "../emulator/helpers";
import { FAST_POLICY, countingAgent, rejection, usePodBench } from "./setup";

const KEYS = "/v0/pods/*/api-keys";
const KEY = "/v0/pods/*/api-keys/*";

describe("PodApiKey reliability against injected faults (level 2)", () => {
  const fx = usePodBench("reliability");

  const inputs = (name = "agent-1234567") => ({
    podId: fx.podId,
    name,
    permissions: { messageSend: true },
    __provider: "shim",
  });
  const liveIds = () => fx.bench.emu.store.apiKeys(fx.podId).map((k) => k.api_key_id);

  it("429 with Retry-After, then success: one key, two POSTs", async () => {
    fx.bench.emu.faults.add({ method: "POST", path: KEYS, status: 429, headers: { "retry-after": "0" }, times: 1 });
    const { id } = await lifecycle.create(fx.bench.ctx(), inputs());
    assert.deepEqual(liveIds(), [id]);
    assert.equal(fx.bench.emu.log.count({ method: "POST" }), 2);
  });

  for (const [label, fault] of [
    ["500 after commit", { status: 500 }],
    ["a reset after commit", { destroy: true }],
    ["a hang after commit (headers timeout)", { hang: true }],
  ] as const) {
    it(`${label}: the orphan is found and revoked, the retry's key is the one in state`, async () => {
      fx.bench.emu.faults.add({ method: "POST", path: KEYS, afterCommit: true, times: 1, ...fault });
      const { id } = await lifecycle.create(fx.bench.ctx(), inputs());
      assert.deepEqual(liveIds(), [id], "exactly the key in state is live");
      assert.equal(fx.bench.emu.log.count({ method: "POST" }), 2);
      assert.equal(fx.bench.emu.log.count({ method: "DELETE" }), 1, "the first attempt's key was revoked");
    });
  }

  it("full access shown as every permission (the API's other plausible form): refresh is stable, an orphan is still found", async () => {
    fx.bench.emu.settings.fullAccessPermissions = "all";
    try {
      fx.bench.emu.faults.add({ method: "POST", path: KEYS, afterCommit: true, status: 500, times: 1 });
      const full = { podId: fx.podId, name: "full-1234567", __provider: "shim" };
      const { id, outs } = await lifecycle.create(fx.bench.ctx(), full);
      assert.deepEqual(liveIds(), [id], "the first attempt's full-access key was recognized and revoked");
      assert.equal(outs["permissions"], undefined);
      const read = await lifecycle.read(fx.bench.ctx(), id, outs);
      assert.deepEqual(read.props, outs, "a refresh shows no change");
      assert.equal((await lifecycle.diff(id, read.props, full)).changes, false);
    } finally {
      fx.bench.emu.settings.fullAccessPermissions = "omit";
    }
  });

  it("a failed attempt's key that the first check missed is revoked once a retry succeeds", async () => {
    fx.bench.emu.faults.add({ method: "POST", path: KEYS, status: 500, afterCommit: true, times: 1 });
    // The first look finds nothing (as if the failed attempt had not committed yet)...
    fx.bench.emu.faults.add({ method: "GET", path: KEYS, status: 200, body: { count: 0, api_keys: [] }, times: 1 });
    const { id } = await lifecycle.create(fx.bench.ctx(), inputs());
    // ...and the look after the successful retry finds and revokes it.
    assert.deepEqual(liveIds(), [id]);
    assert.equal(fx.bench.emu.log.count({ method: "DELETE" }), 1);
  });

  it("500 before commit: nothing to revoke, one key", async () => {
    fx.bench.emu.faults.add({ method: "POST", path: KEYS, status: 500, times: 1 });
    const { id } = await lifecycle.create(fx.bench.ctx(), inputs());
    assert.deepEqual(liveIds(), [id]);
    assert.equal(fx.bench.emu.log.count({ method: "DELETE" }), 0);
  });

  it("persistent 503 after commit: fails cleanly and leaves no key at all", async () => {
    fx.bench.emu.faults.add({ method: "POST", path: KEYS, status: 503, afterCommit: true });
    const e = await rejection(lifecycle.create(fx.bench.ctx(), inputs()));
    assert.match(e.message, /failed 4 times; the last time: AgentMail POST .* answered 503/);
    assert.match(e.message, /No key was left behind \(4 made by the failed attempts, found under their one-off name/);
    assert.deepEqual(liveIds(), []);
    assert.equal(fx.bench.emu.log.count({ method: "POST" }), 4);
    assert.equal(fx.bench.emu.log.count({ method: "DELETE" }), 4, "each attempt's key revoked, once");
  });

  it("an ambiguous create whose check fails too says exactly what may be left", async () => {
    fx.bench.emu.faults.add({ method: "POST", path: KEYS, status: 500, afterCommit: true, times: 1 });
    fx.bench.emu.faults.add({ method: "GET", path: KEYS, status: 503 });
    const e = await rejection(lifecycle.create(fx.bench.ctx(), inputs("agent-abcdef0")));
    const [left] = fx.bench.emu.store.apiKeys(fx.podId);
    assert.ok(left !== undefined, "the failed attempt's key is there, unrevoked");
    assert.ok(
      e.message.includes(`If a key named "${left.name}" exists in pod ${fx.podId}, this create made it`),
      "names the one key it may have left, by the name it has",
    );
    assert.match(e.message, /revoke it, then run again\. No other key was touched\./);
    assert.equal(fx.bench.emu.log.count({ method: "DELETE" }), 0);
  });

  // A claim name known in advance, so that a fault's answer can name this create's own key.
  const CLAIM = "pulumi-pending-0123456789abcdef0123456789abcdef";
  const claiming = () => ({ ...fx.bench.ctx(), claimName: () => CLAIM });

  it("a 2xx naming the key's id but otherwise unusable: that key, and only it, is revoked, and the create fails", async () => {
    // As if the POST had made this key and then answered with a body that does not fit.
    const made = fx.bench.emu.store.createApiKey(fx.podId, { name: CLAIM });
    const other = fx.bench.emu.store.createApiKey(fx.podId, { name: "agent-1234567" });
    fx.bench.emu.faults.add({
      method: "POST",
      path: KEYS,
      status: 200,
      body: { api_key_id: made.api_key_id, name: CLAIM },
      times: 1,
    });
    const e = await rejection(lifecycle.create(claiming(), inputs()));
    assert.ok(!(e instanceof InitFailedError));
    assert.match(e.message, /answered 200 with an unexpected body/);
    assert.match(e.message, /It was revoked, so no key was left behind/);
    assert.deepEqual(liveIds(), [other.api_key_id]);
    assert.equal(
      fx.bench.emu.log.count({ method: "POST" }),
      1,
      "an answer of the wrong shape is not retried into more keys",
    );
    assert.deepEqual(
      fx.bench.emu.log.entries({ method: "DELETE" }).map((x) => x.path),
      [`/v0/pods/${fx.podId}/api-keys/${made.api_key_id}`],
    );
  });

  it("...and when that revoke fails too, it is reported as created-but-failed-to-initialize, so the state keeps it", async () => {
    fx.bench.emu.faults.add({
      method: "POST",
      path: KEYS,
      status: 200,
      body: { api_key_id: "key_half", name: CLAIM },
      times: 1,
    });
    fx.bench.emu.faults.add({ method: "DELETE", path: KEY, status: 503 });
    const e = await rejection(lifecycle.create(claiming(), inputs()));
    assert.ok(e instanceof InitFailedError);
    assert.equal(e.id, "key_half");
    assert.equal(e.properties["apiKeyId"], "key_half");
    assert.equal(e.properties["__provider"], "shim", "a later delete can load the provider");
    assert.equal(e.properties["apiKey"], undefined);
    assert.match(e.message, /the next `pulumi up` replaces it/);
    const d = await lifecycle.diff("key_half", e.properties, inputs());
    assert.deepEqual(d.replaces, ["apiKey"], "the next up replaces the half-created key");
  });

  it("a 2xx body that is not JSON and names no id: reconciled like a lost answer", async () => {
    fx.bench.emu.faults.add({ method: "POST", path: KEYS, malformed: true, afterCommit: true, times: 1 });
    const { id } = await lifecycle.create(fx.bench.ctx(), inputs());
    assert.deepEqual(liveIds(), [id]);
  });

  it("a connection refused before sending is retried, even for POST: one connection per attempt, maxAttempts of them", async () => {
    const { agent, connects } = countingAgent();
    try {
      const client = new AgentMailClient({
        credentials: { apiKey: fx.bench.emu.orgApiKey, baseUrl: "http://127.0.0.1:1", description: "test credential" },
        policy: { ...FAST_POLICY, maxAttempts: 3, baseDelayMs: 1 },
        dispatcher: agent,
      });
      const e = await rejection(client.createApiKey(fx.podId, { name: "x" }));
      assert.match(e.message, /failed without an answer \(ECONNREFUSED/);
      assert.equal(connects(), 3, "every attempt opened its own connection: the POST was retried");
      assert.equal((e as NetworkError).maybeReceived, false, "a refused connection surely sent nothing");
    } finally {
      await agent.destroy();
    }
  });

  it("a hung GET ends with a clear timeout, never a hang", async () => {
    fx.bench.emu.faults.add({ method: "GET", path: KEYS, hang: true });
    // undici's timers are coarse (up to ~1 s late): a deadline far away lets maxAttempts alone bound the
    // attempts, so the count below does not depend on how busy the machine is.
    const patient = fx.bench.ctx(undefined, { ...FAST_POLICY, deadlineMs: 60_000 });
    const e = await rejection(lifecycle.read(patient, "key_x", { podId: fx.podId }));
    assert.match(e.message, /GET \/v0\/pods\/.+\/api-keys failed without an answer \(UND_ERR_HEADERS_TIMEOUT/);
    assert.equal(fx.bench.emu.log.count({ method: "GET" }), 4, "retried up to maxAttempts");
  });

  it("a request hanging past the operation's deadline is aborted at the deadline: one attempt, DEADLINE_EXCEEDED", async () => {
    fx.bench.emu.faults.add({ method: "GET", path: KEYS, hang: true });
    // undici's own timeouts are far away: only the deadline's abort signal can end this request.
    const policy = { ...FAST_POLICY, deadlineMs: 250, headersTimeoutMs: 60_000, bodyTimeoutMs: 60_000 };
    // Its own agent, destroyed at the end: the bench's agent would wait for a request that never ends.
    const { agent } = countingAgent();
    try {
      const client = new AgentMailClient({
        credentials: { apiKey: fx.bench.emu.orgApiKey, baseUrl: fx.bench.emu.url, description: "test credential" },
        policy,
        dispatcher: agent,
      });
      let failure: unknown;
      client.listApiKeys(fx.podId).catch((e: unknown) => (failure = e));
      await waitFor(() => failure !== undefined, "the hung request's end");
      assert.equal((failure as NetworkError).causeCode, "DEADLINE_EXCEEDED", String(failure));
      assert.match((failure as Error).message, /failed without an answer \(DEADLINE_EXCEEDED/);
      assert.equal(fx.bench.emu.log.count({ method: "GET" }), 1, "no retry once the deadline has passed");
    } finally {
      await agent.destroy();
    }
  });

  it("401 is never retried", async () => {
    const e = await rejection(
      lifecycle.read(fx.bench.ctx("am_us_0000000000000000000000000000"), "k", { podId: fx.podId }),
    );
    assert.match(e.message, /answered 401/);
    assert.equal(fx.bench.emu.log.count(), 1);
  });

  it("DELETE retried on 503 ends revoked", async () => {
    const { id, outs } = await lifecycle.create(fx.bench.ctx(), inputs());
    fx.bench.emu.faults.add({ method: "DELETE", path: KEY, status: 503, times: 2 });
    await lifecycle.remove(fx.bench.ctx(), id, outs);
    assert.deepEqual(liveIds(), []);
    assert.equal(fx.bench.emu.log.count({ method: "DELETE" }), 3);
  });

  it("DELETE whose answer is lost after commit: the retry's 404 is success", async () => {
    const { id, outs } = await lifecycle.create(fx.bench.ctx(), inputs());
    fx.bench.emu.faults.add({ method: "DELETE", path: KEY, destroy: true, afterCommit: true, times: 1 });
    await lifecycle.remove(fx.bench.ctx(), id, outs);
    assert.deepEqual(liveIds(), []);
  });
});
