import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { once } from "node:events";
import type { Agent } from "undici";
import { startEmulator } from "../../emulator";
import { assertError, Client, newAgent, waitFor } from "./helpers";

/** A GET over node:http with a keep-alive agent; resolves with the status and the socket used. */
function keepAliveGet(
  url: string,
  key: string,
  agent: http.Agent,
): Promise<{ status: number; socket: import("node:net").Socket }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { authorization: `Bearer ${key}` } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, socket: req.socket as import("node:net").Socket }));
    });
    req.on("error", reject);
  });
}

describe("emulator: server start and stop", () => {
  let agent: Agent;
  before(() => {
    agent = newAgent();
  });
  after(() => agent.close());

  // Startup time is measured by bench/emulator.ts: tests assert behaviour, never speed.
  it("starts on 127.0.0.1 and a free port", async () => {
    const emu = await startEmulator();
    try {
      assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(emu.orgApiKey, /^am_us_[0-9a-f]{48}$/);
      assert.equal((await new Client(emu, agent).call("GET", "/v0/pods")).status, 200);
    } finally {
      await emu.stop();
    }
  });

  it("runs several emulators side by side, each with its own state and options", async () => {
    const a = await startEmulator({
      orgApiKey: "am_us_alpha-key-000000",
      organizationId: "org-a",
      defaultPageLimit: 2,
    });
    const b = await startEmulator();
    try {
      assert.notEqual(a.url, b.url);
      assert.equal(a.orgApiKey, "am_us_alpha-key-000000");
      assert.equal(a.organizationId, "org-a");
      a.store.createPod();
      a.store.createPod();
      const ca = new Client(a, agent);
      assert.equal((await ca.call("GET", "/v0/pods")).json.count, 2);
      assert.equal((await ca.call("GET", "/v0/pods")).json.limit, 2);
      assert.equal((await new Client(b, agent).call("GET", "/v0/pods")).json.count, 1);
      assertError(await ca.call("GET", "/v0/pods", { key: b.orgApiKey }), 401, "unknown_api_key");
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it("rejects inconsistent options", async () => {
    await assert.rejects(startEmulator({ defaultPageLimit: 0 }), RangeError);
    await assert.rejects(startEmulator({ defaultPageLimit: 50, maxPageLimit: 10 }), RangeError);
    await assert.rejects(startEmulator({ orgApiKey: "" }), RangeError);
  });

  it("answers 404 not_found for unknown routes and 405 with Allow for a wrong method", async () => {
    const emu = await startEmulator();
    try {
      const api = new Client(emu, agent);
      assertError(await api.call("GET", "/v1/pods"), 404, "not_found");
      assertError(await api.call("GET", "/v0/pods/"), 404, "not_found");
      assertError(await api.call("GET", "/v0/inboxes"), 404, "not_found");
      const res = await api.call("PUT", "/v0/pods");
      assertError(res, 405, "method_not_allowed");
      assert.equal(res.headers["allow"], "GET, POST");
      assertError(await api.call("GET", "/v0/pods/x/api-keys/y"), 405, "method_not_allowed");
    } finally {
      await emu.stop();
    }
  });

  it("stop() closes idle keep-alive connections promptly and is idempotent", async () => {
    const emu = await startEmulator();
    const httpAgent = new http.Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
    try {
      const { status, socket } = await keepAliveGet(`${emu.url}/v0/pods`, emu.orgApiKey, httpAgent);
      assert.equal(status, 200);
      assert.equal(socket.destroyed, false, "the connection is kept alive");
      const closed = once(socket, "close");
      await emu.stop();
      await closed; // the keep-alive socket is closed by stop(), not left to time out
      await emu.stop();
      await assert.rejects(keepAliveGet(`${emu.url}/v0/pods`, emu.orgApiKey, new http.Agent()), {
        code: "ECONNREFUSED",
      });
    } finally {
      httpAgent.destroy();
      await emu.stop();
    }
  });

  it("stop() ends hanging and delayed requests too", async () => {
    const emu = await startEmulator();
    emu.faults.add({ path: "/v0/auth/me", hang: true });
    emu.faults.add({ path: "/v0/pods", delayMs: 60_000 });
    const api = new Client(emu, agent);
    const hanging = api.call("GET", "/v0/auth/me").then(
      () => "answered",
      (err: { code?: string }) => err.code,
    );
    const delayed = api.call("GET", "/v0/pods").then(
      () => "answered",
      (err: { code?: string }) => err.code,
    );
    await waitFor(() => emu.log.count() === 2, "both requests' arrival");
    // stop() must not wait for the hang or the 60 s delay: the suite's timeout would fail it if it did.
    await emu.stop();
    assert.equal(await hanging, "UND_ERR_SOCKET");
    assert.equal(await delayed, "UND_ERR_SOCKET");
  });

  describe("npm run emulator (cli.js)", () => {
    const cli = path.join(__dirname, "..", "..", "emulator", "cli.js");

    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      it(`prints the URL and key, serves, and exits 0 on ${signal}`, async () => {
        const child = spawn(process.execPath, [cli, "--port", "0", "--host", "127.0.0.1"], {
          stdio: ["ignore", "pipe", "pipe"],
        });
        try {
          let out = "";
          child.stdout.setEncoding("utf8");
          await new Promise<void>((resolve, reject) => {
            child.stdout.on("data", (chunk: string) => {
              out += chunk;
              if (/Organization API key: \S+\n/.test(out)) resolve();
            });
            child.once("exit", () => reject(new Error(`exited early: ${out}`)));
          });
          const url = /AgentMail emulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
          const key = /Organization API key: (\S+)/.exec(out)?.[1];
          assert.ok(url && key, out);
          const res = await keepAliveGet(`${url}/v0/auth/me`, key, new http.Agent());
          assert.equal(res.status, 200);
          const exited = once(child, "exit");
          child.kill(signal);
          const [code] = (await exited) as [number | null];
          assert.equal(code, 0);
        } finally {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        }
      });
    }

    it("fails with a message on a bad flag", async () => {
      const child = spawn(process.execPath, [cli, "--port", "nope"], { stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      child.stderr.setEncoding("utf8");
      child.stderr.on("data", (c: string) => (err += c));
      const [code] = (await once(child, "exit")) as [number | null];
      assert.equal(code, 1);
      assert.match(err, /invalid port/);
    });
  });
});
