/**
 * The transport reads at most `MAX_RESPONSE_BYTES` of an answer: beyond it the request fails with an error
 * naming the request and the cap (never the body), and the connection is closed rather than left holding
 * an unread answer. Against a real local server that streams without end, so no cap means no answer.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Agent } from "undici";
import { z } from "zod";
import { ApiError, ResponseError } from "../../provider/agentmail/errors";
import { MAX_RESPONSE_BYTES, Transport } from "../../provider/agentmail/transport";
import { waitFor } from "../emulator/helpers";
import { FAST_POLICY, rejection } from "./setup";

const SECRET = "am_us_0123456789abcdef0123456789abcdef";
/** Chunks of a body that never ends, each carrying something secret-looking. */
const CHUNK = Buffer.from(`{"filler":"${SECRET}${"x".repeat(16 * 1024)}"},`);

describe("response size cap (level 2, a local server)", function () {
  let server: http.Server;
  let agent: Agent;
  let baseUrl: string;
  const open = new Set<Socket>();
  const requests = new Map<string, number>();

  before(async () => {
    server = http.createServer((req, res) => {
      requests.set(`${req.method} ${req.url}`, (requests.get(`${req.method} ${req.url}`) ?? 0) + 1);
      if (req.url === "/exactly-the-cap") {
        // A JSON string of exactly MAX_RESPONSE_BYTES bytes: the largest answer that is still read.
        res.writeHead(200, { "content-type": "application/json" });
        res.end(`"${"a".repeat(MAX_RESPONSE_BYTES - 2)}"`);
        return;
      }
      res.writeHead(req.url === "/endless-error" ? 500 : 200, { "content-type": "application/json" });
      // Writes for as long as the client reads: only a client that closes the connection stops it.
      const pump = () => {
        while (!res.destroyed && res.write(CHUNK));
        if (!res.destroyed) res.once("drain", pump);
      };
      pump();
    });
    server.on("connection", (socket) => {
      open.add(socket);
      socket.on("close", () => open.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    agent = new Agent({ keepAliveTimeout: 100, keepAliveMaxTimeout: 100 });
  });
  beforeEach(() => requests.clear());
  after(async () => {
    await agent.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function transport(): Transport {
    // The default body timeout (30 s): only the cap, not a timeout, can end an endless body in this suite.
    return new Transport({
      credentials: { apiKey: SECRET, baseUrl, description: "test credential" },
      policy: { ...FAST_POLICY, deadlineMs: 120_000, headersTimeoutMs: 30_000, bodyTimeoutMs: 30_000 },
      dispatcher: agent,
    });
  }

  it("a 2xx body over the cap fails once, naming the request and the cap, never the body", async () => {
    const e = await rejection(transport().send({ method: "GET", path: "/endless", schema: z.unknown() }));
    assert.ok(e instanceof ResponseError, String(e));
    assert.match(e.message, /AgentMail GET \/endless answered 200/);
    assert.match(e.message, new RegExp(`larger than ${MAX_RESPONSE_BYTES} bytes`));
    assert.doesNotMatch(e.message, /am_us_|filler|xxxx/);
    assert.deepEqual([...requests], [["GET /endless", 1]]);
  });

  it("the connection of a body stopped at the cap is closed, not left holding the unread rest", async () => {
    await rejection(transport().send({ method: "GET", path: "/endless", schema: z.unknown() }));
    await waitFor(() => open.size === 0, "the server seeing every connection closed");
  });

  it("an error status with a body over the cap is an ApiError naming the cap, retried as its status says", async () => {
    const e = await rejection(transport().send({ method: "GET", path: "/endless-error", schema: z.unknown() }));
    assert.ok(e instanceof ApiError, String(e));
    assert.equal(e.status, 500);
    assert.match(
      e.message,
      new RegExp(`AgentMail GET /endless-error answered 500 \\(a body larger than ${MAX_RESPONSE_BYTES} bytes`),
    );
    assert.doesNotMatch(e.message, /am_us_|filler|xxxx/);
    assert.deepEqual([...requests], [["GET /endless-error", FAST_POLICY.maxAttempts]]);
    await waitFor(() => open.size === 0, "the server seeing every connection closed");
  });

  it("a body of exactly the cap is read whole", async () => {
    const value = await transport().send({ method: "GET", path: "/exactly-the-cap", schema: z.string() });
    assert.equal(value.length, MAX_RESPONSE_BYTES - 2);
  });
});
