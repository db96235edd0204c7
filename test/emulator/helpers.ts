/**
 * Shared helpers for the emulator suites: a tiny undici-based client over real HTTP, and assertions on the
 * documented error shapes.
 */
import assert from "node:assert/strict";
import { Agent, request } from "undici";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator";

/** An undici agent with short keep-alive, so that nothing keeps the process alive after a suite. */
export function newAgent(): Agent {
  return new Agent({ keepAliveTimeout: 100, keepAliveMaxTimeout: 100, connections: 16 });
}

/** What {@link useEmulator} gives a suite: set in its `before()`, so read the fields inside hooks and tests only. */
export interface EmulatorSuite {
  /** The emulator the suite talks to. */
  emu: Emulator;
  /** The agent `api` uses; also for a suite's extra clients (of a second emulator, say). */
  agent: Agent;
  /** A client of `emu` over `agent`, with the organization key by default. */
  api: Client;
}

/**
 * Registers `before()`/`after()` hooks on the current `describe` that start an emulator, an agent and a
 * client of both, and stop them again, so every suite runs against its own server on a random port.
 * Each suite still resets the state it cares about in its own `beforeEach()`.
 * @param options Passed to `startEmulator`. Default: none.
 * @returns An object whose fields are filled in by the `before()` hook.
 */
export function useEmulator(options: EmulatorOptions = {}): EmulatorSuite {
  // Filled in before(): the suite body runs when mocha collects tests, long before the hooks.
  const suite = {} as EmulatorSuite;
  before(async () => {
    suite.emu = await startEmulator(options);
    suite.agent = newAgent();
    suite.api = new Client(suite.emu, suite.agent);
  });
  after(async () => {
    // Optional chaining: a failed before() leaves the fields unset, and after() still runs.
    await suite.agent?.close();
    await suite.emu?.stop();
  });
  return suite;
}

/** Empties `emu`'s store (back to the Default Pod), its fault rules and its request log, so no test sees another's. */
export function resetEmulator(emu: Emulator): void {
  emu.store.reset();
  emu.faults.clear();
  emu.log.clear();
}

/** One answer. `json` is the parsed body when it parses. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** Options of one call. */
export interface CallOptions {
  /** Bearer key; default the emulator's org key; `null` sends no Authorization header. */
  key?: string | null;
  /** JSON body. */
  body?: unknown;
  /** Body sent as is (with content-type application/json). */
  rawBody?: string;
  /** Raw Authorization header (overrides `key`). */
  authorization?: string;
  /** Query parameters. */
  query?: Record<string, string | number | boolean>;
  /** Give up (abort the request) after this many ms; the call then rejects with a `TimeoutError`. */
  timeoutMs?: number;
}

/** A client bound to one emulator and one agent. */
export class Client {
  constructor(
    readonly emu: Emulator,
    readonly agent: Agent,
  ) {}

  async call(method: string, path: string, opts: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    const key = opts.key === undefined ? this.emu.orgApiKey : opts.key;
    if (opts.authorization !== undefined) headers["authorization"] = opts.authorization;
    else if (key !== null) headers["authorization"] = `Bearer ${key}`;
    let body: string | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers["content-type"] = "application/json";
    let url = this.emu.url + path;
    if (opts.query) {
      const q = new URLSearchParams(Object.entries(opts.query).map(([k, v]): [string, string] => [k, String(v)]));
      url += `?${q.toString()}`;
    }
    const res = await request(url, {
      method: method as "GET",
      headers,
      ...(body === undefined ? {} : { body }),
      dispatcher: this.agent,
      ...(opts.timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(opts.timeoutMs) }),
    });
    const text = await res.body.text();
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, json };
  }
}

/** Asserts an `ErrorResponse` with every documented field, for `status` and `code`. */
export function assertError(answer: Answer, status: number, code: string): void {
  assert.equal(answer.status, status, `expected ${status} ${code}, got ${answer.status} ${answer.text}`);
  assert.match(String(answer.headers["content-type"]), /^application\/json/);
  const body = answer.json as Record<string, unknown>;
  assert.equal(body["code"], code);
  assert.equal(typeof body["name"], "string");
  assert.equal(typeof body["message"], "string");
  assert.equal(typeof body["fix"], "string");
  assert.equal(body["docs"], `https://docs.agentmail.to/errors#${code}`);
  assert.deepEqual(Object.keys(body).sort(), ["code", "docs", "fix", "message", "name"]);
}

/** Asserts a 400 `ValidationErrorResponse` naming `path` among its errors. */
export function assertValidation(answer: Answer, path: string[]): void {
  assert.equal(answer.status, 400, `expected 400, got ${answer.status} ${answer.text}`);
  const body = answer.json as {
    name: unknown;
    code: unknown;
    message: unknown;
    errors: Array<{ path: unknown; message: unknown }>;
  };
  assert.equal(body.name, "ValidationError");
  assert.equal(body.code, "validation_error");
  assert.equal(typeof body.message, "string");
  assert.ok(Array.isArray(body.errors) && body.errors.length > 0, "errors is a non-empty array");
  for (const e of body.errors) {
    assert.ok(Array.isArray(e.path), "path is an array");
    assert.equal(typeof e.message, "string");
  }
  assert.ok(
    body.errors.some((e) => JSON.stringify(e.path) === JSON.stringify(path)),
    `no error at ${JSON.stringify(path)} in ${JSON.stringify(body.errors)}`,
  );
}

/** The id of the organization's Default Pod. */
export function defaultPodId(emu: Emulator): string {
  const pod = emu.store.pods().find((p) => p.name === "Default Pod");
  assert.ok(pod, "a Default Pod exists");
  return pod.pod_id;
}

/** ISO-8601 timestamp as the emulator writes them. */
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Polls `done` every few milliseconds until it is true, failing after a generous bound (about 10 s). Used to wait
 * for an event (a request's arrival, a commit) instead of for a fixed time. An in-process emulator shares this
 * event loop, so a poll always runs before a longer fault delay ends: an in-flight window cannot be missed.
 */
export async function waitFor(done: () => boolean, what = "the condition"): Promise<void> {
  for (let turn = 0; turn < 2_000 && !done(); turn++) await sleep(5);
  assert.ok(done(), `${what} never came true`);
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
