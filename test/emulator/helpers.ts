/**
 * Shared helpers for the emulator suites: a tiny undici-based client over real HTTP, and assertions on the
 * documented error shapes.
 */
import assert from "node:assert/strict";
import { Agent, request } from "undici";
import type { Emulator } from "../../emulator";

/** An undici agent with short keep-alive, so that nothing keeps the process alive after a suite. */
export function newAgent(): Agent {
  return new Agent({ keepAliveTimeout: 100, keepAliveMaxTimeout: 100, connections: 16 });
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

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
