/**
 * Level 2: an error body that repeats a secret (the emulator's `echoSecrets` fault) never reaches a message, an
 * error's property (enumerable or not, nested or not) or a log line. The organization key here does not look like
 * an AgentMail key (no `am_xx_` region), so only the transport's redaction of the credential it sent can hide it;
 * the created keys do look like keys (`am_us_` + 48 hex digits), so the pattern-based redaction is tested too.
 */
import assert from "node:assert/strict";
import { inspect } from "node:util";
import * as lifecycle from "../../provider/lifecycle/podApiKey";
import { keyHint } from "../../provider/agentmail/redact";
import { startBench, rejection, type Bench } from "./setup";

const ORG_KEY = "am_orgsecret0123456789abcdef0123456789abcdef";
const KEYS = "/v0/pods/*/api-keys";
/** More of a created key than its hint shows (`am_us_` and at most four more characters). */
const WHOLE_KEY = /am_[a-z]{2}_[0-9a-f]{20,}/;

/** Every string reachable from `value` through own properties, enumerable or not (`body`, `cause`, ...). */
function texts(value: unknown, seen = new Set<unknown>()): string[] {
  if (typeof value === "string") return [value];
  if (value === null || typeof value !== "object" || seen.has(value)) return [];
  seen.add(value);
  return Object.getOwnPropertyNames(value).flatMap((k) => texts((value as Record<string, unknown>)[k], seen));
}

/** Runs `op`, capturing what it writes to stdout, stderr and the console; resolves to its error and that output. */
async function capture(op: () => Promise<unknown>): Promise<{ error: Error; output: string }> {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const writes = streams.map((s) => s.write);
  const consoleMethods = ["log", "info", "warn", "error", "debug"] as const;
  const saved = consoleMethods.map((m) => console[m]);
  for (const s of streams) {
    s.write = ((chunk: unknown, ...rest: unknown[]) => {
      lines.push(String(chunk));
      return (writes[streams.indexOf(s)] as (...a: unknown[]) => boolean).call(s, chunk, ...rest);
    }) as typeof s.write;
  }
  for (const m of consoleMethods) console[m] = (...args: unknown[]) => void lines.push(inspect(args));
  try {
    return { error: await rejection(op()), output: lines.join("\n") };
  } finally {
    streams.forEach((s, i) => (s.write = writes[i]!));
    consoleMethods.forEach((m, i) => (console[m] = saved[i]!));
  }
}

/** Asserts that no message, property, rendering or log line holds the organization key or a whole created key. */
function assertNoSecret(error: Error, output: string): void {
  const places = [
    ["message", error.message],
    ...texts(error).map((t) => ["a property", t]),
    ["inspect", inspect(error, { showHidden: true, depth: null })],
    ["JSON", JSON.stringify(error)],
    ["output", output],
  ] as const;
  for (const [where, text] of places) {
    assert.ok(!text.includes(ORG_KEY), `the credential in ${where}: ${text}`);
    assert.ok(!WHOLE_KEY.test(text), `a created key in ${where}: ${text}`);
  }
}

describe("no secret from an error body reaches a message, an error or a log (level 2)", () => {
  let bench: Bench;
  let podId: string;
  before(async () => {
    bench = await startBench({ orgApiKey: ORG_KEY });
  });
  after(() => bench.close());
  beforeEach(() => {
    podId = bench.emu.store.createPod({ name: "redaction" }).pod_id;
    bench.emu.log.clear();
    bench.emu.faults.clear();
  });

  it("a JSON error body echoing the credential in message, fix and errors[].message", async () => {
    bench.emu.faults.add({ method: "GET", path: KEYS, status: 403, echoSecrets: true });
    const { error, output } = await capture(() => lifecycle.read(bench.ctx(), "ak_x", { podId }));
    assert.match(
      error.message,
      /answered 403 forbidden: request credential and answer: .*Invalid: authorization: .*Fix: /,
    );
    assertNoSecret(error, output);
    assert.ok(error.message.includes(keyHint(ORG_KEY)), "the echo arrived, as a hint");
    assert.equal(bench.emu.log.count({ method: "GET" }), 1, "a 403 is not retried");
  });

  it("a body that is not JSON, echoing the credential, on every attempt", async () => {
    bench.emu.faults.add({ method: "GET", path: KEYS, status: 502, body: "Bad gateway", echoSecrets: true });
    const { error, output } = await capture(() => lifecycle.read(bench.ctx(), "ak_x", { podId }));
    assert.match(error.message, /answered 502 request credential and answer: /);
    assertNoSecret(error, output);
    assert.ok(error.message.includes(keyHint(ORG_KEY)), "the echo arrived, as a hint");
    assert.equal(bench.emu.log.count({ method: "GET" }), 4, "every attempt's answer echoed it");
  });

  it("a create whose 5xx answers echo the credential and the key each attempt created", async () => {
    bench.emu.faults.add({ method: "POST", path: KEYS, afterCommit: true, echoSecrets: true });
    const inputs = { podId, name: "leaky-1234567", permissions: { messageSend: true }, __provider: "shim" };
    const { error, output } = await capture(() => lifecycle.create(bench.ctx(), inputs));
    assert.match(error.message, /answered 500 internal_error: request credential and answer: /);
    assertNoSecret(error, output);
    assert.match(error.message, /am_us_[0-9a-f]{1,4}…/, "the created key's echo arrived, as a hint");
    assert.ok(bench.emu.log.count({ method: "POST" }) > 1, "more than one attempt, each echoing its key");
  });
});
