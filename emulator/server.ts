/**
 * The HTTP server: reads a request, applies a matching fault rule, dispatches to the route handler and writes
 * the answer, recording it in the request log. Plain `node:http`, keep-alive on (Node's default), no per-request
 * work beyond a map lookup or two and one JSON serialization.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { handleAdmin } from "./admin";
import { requireCaller, resolveCredential, type Credential, type OrgKey } from "./auth";
import type { Reply, ServerState } from "./context";
import { ApiFailure, bodyForStatus, invalid, statusOf } from "./errors";
import { echoed, withEchoes } from "./echo";
import { hasReply, isMalformed, type FaultRule, type FaultTable } from "./faults";
import type { LogEntry, MemoryLog } from "./log";
import { scrubSecrets } from "./paths";
import type { RateLimiter } from "./rateLimit";
import { route } from "./router";
import { MAX_BODY_BYTES } from "./validation";

/** Everything the server works with. */
export interface ServerParts {
  readonly state: ServerState;
  readonly faults: FaultTable;
  readonly log: MemoryLog;
  readonly org: OrgKey;
  /** The rate limit over authorized requests (`settings.rateLimit`). */
  readonly limiter: RateLimiter;
  /** The emulator's time in ms since the epoch (expiry, `used_at`, log timestamps). Delays use real timers. */
  readonly clock: () => number;
}

const TOO_LARGE = Symbol("too large");
const ABORTED = Symbol("aborted");
type Body = Buffer | undefined | typeof TOO_LARGE | typeof ABORTED;

/** Body of a `malformed: true` fault. */
export const MALFORMED_BODY = "{not json";

/** The `node:http` server of one emulator. */
export class EmulatorServer {
  private readonly http: Server;
  private stopped = false;
  private stopping: Promise<void> | undefined;
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly parts: ServerParts) {
    this.http = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => this.crash(res, err));
    });
  }

  /** Starts listening; resolves with the bound address. */
  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.http.once("error", reject);
      this.http.listen(port, host, () => {
        this.http.off("error", reject);
        resolve(this.http.address() as AddressInfo);
      });
    });
  }

  /** Stops accepting, destroys every open connection (idle keep-alive, hanging or in flight) and resolves. */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.stopped = true;
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
    this.stopping = new Promise((resolve) => {
      if (!this.http.listening) return resolve();
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
    return this.stopping;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    const startedAt = this.parts.clock();
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? "" : url.slice(q + 1);
    const { state, org, faults, log } = this.parts;
    let credential = resolveCredential(req.headers.authorization, org, state.store, startedAt);

    if (path.startsWith("/__emulator/")) {
      const body = await readBody(req);
      if (body === ABORTED) return;
      const reply = guard(() => {
        if (body === TOO_LARGE) throw tooLarge();
        return handleAdmin({ method, path, body, credential, parts: this.parts });
      });
      return write(res, reply);
    }

    // Limited before any fault applies: a refused request never reaches the rules (or the store).
    const retryAfter = typeof credential.caller === "string" ? undefined : this.parts.limiter.take();
    const fault = retryAfter === undefined ? faults.take(method, path) : undefined;
    const entry: LogEntry = {
      method,
      path: scrubSecrets(path, org.secret),
      query: query === "" ? "" : scrubSecrets(query, org.secret),
      status: null,
      durationMs: 0,
      credential: credential.label,
      startedAt,
      ...(fault ? { fault: fault.label } : {}),
      ...(retryAfter === undefined ? {} : { rateLimited: true as const }),
    };
    // Logged on arrival, in arrival order, and completed in place when answered: a slow answer to a request
    // made before `log.clear()` must not reappear in the log afterwards.
    log.record(entry);
    const finish = (reply: Reply): void => {
      entry.status = reply.status;
      entry.durationMs = elapsed(t0);
      write(res, reply);
    };
    const body = await readBody(req);
    if (body === ABORTED) return;
    if (retryAfter !== undefined) {
      return finish({
        status: 429,
        body: bodyForStatus(429, "rate_limit_exceeded"),
        headers: { "retry-after": String(retryAfter) },
      });
    }
    const rule = fault?.rule;

    if (rule !== undefined && !rule.afterCommit) {
      if (rule.delayMs !== undefined && rule.delayMs > 0) {
        await this.sleep(rule.delayMs);
        if (this.stopped) return;
        // The key may have been revoked meanwhile.
        credential = resolveCredential(req.headers.authorization, org, state.store, this.parts.clock());
      }
      if (this.breaks(req, res, rule, entry, t0)) return;
      if (hasReply(rule)) return finish(faultReply(rule, echoed(rule, req, undefined)));
    }

    const reply = guard(() => {
      if (body === TOO_LARGE) throw tooLarge();
      return this.dispatch(method, path, query, body, credential);
    });

    if (rule !== undefined && rule.afterCommit) {
      if (rule.delayMs !== undefined && rule.delayMs > 0) {
        await this.sleep(rule.delayMs);
        if (this.stopped) return;
      }
      if (this.breaks(req, res, rule, entry, t0)) return;
      return finish(faultReply(rule, echoed(rule, req, reply)));
    }
    if (rule?.headers !== undefined) reply.headers = { ...reply.headers, ...lowerKeys(rule.headers) };
    finish(reply);
  }

  private dispatch(
    method: string,
    path: string,
    query: string,
    body: Buffer | undefined,
    credential: Credential,
  ): Reply {
    const { handler, params } = route(method, path);
    const caller = requireCaller(credential);
    return handler({
      state: this.parts.state,
      caller,
      params,
      query: new URLSearchParams(query),
      body,
      nowMs: this.parts.clock(),
    });
  }

  /** Applies `destroy` or `hang`; returns whether it did. */
  private breaks(req: IncomingMessage, res: ServerResponse, rule: FaultRule, entry: LogEntry, t0: number): boolean {
    if (!rule.destroy && !rule.hang) return false;
    entry.durationMs = elapsed(t0);
    if (rule.destroy) {
      req.socket.destroy();
    } else {
      res.once("close", () => {
        entry.durationMs = elapsed(t0);
      });
    }
    return true;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private crash(res: ServerResponse, err: unknown): void {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    write(res, { status: 500, body: bodyForStatus(500, "internal_error") });
    process.emitWarning(`agentmail emulator: unexpected error: ${message}`);
  }
}

/** Milliseconds since `t0`, to the microsecond. */
function elapsed(t0: number): number {
  return Math.round((performance.now() - t0) * 1000) / 1000;
}

/** Runs a handler, turning an `ApiFailure` into its reply. */
function guard(run: () => Reply): Reply {
  try {
    return run();
  } catch (err) {
    if (err instanceof ApiFailure) return { status: err.status, body: err.body, headers: { ...err.headers } };
    throw err;
  }
}

/** The reply a fault rule answers with, echoing `secrets` when the rule asks to. */
function faultReply(rule: FaultRule, secrets: readonly string[] = []): Reply {
  const status = rule.status ?? (rule.code !== undefined ? statusOf(rule.code) : hasReply(rule) ? 200 : 500);
  let body: unknown;
  if (isMalformed(rule)) body = typeof rule.malformed === "string" ? rule.malformed : MALFORMED_BODY;
  else if (rule.body !== undefined) body = rule.body;
  else if (status >= 400) body = bodyForStatus(status, rule.code);
  const headers: Record<string, string> = status === 429 && rule.headers === undefined ? { "retry-after": "1" } : {};
  return { status, body: withEchoes(body, secrets), headers: { ...headers, ...lowerKeys(rule.headers ?? {}) } };
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

function tooLarge(): ApiFailure {
  return invalid([{ path: [], message: `Request body larger than ${MAX_BODY_BYTES} bytes` }]);
}

/** Writes a reply: JSON unless the body is already a string; no body at all when it is `undefined`. */
function write(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  const headers: Record<string, string | number> = {};
  let text: string | undefined;
  if (reply.body !== undefined) {
    text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
    headers["content-type"] = "application/json";
    headers["content-length"] = Buffer.byteLength(text);
  } else if (reply.status !== 204 && reply.status !== 304) {
    headers["content-length"] = 0;
  }
  if (reply.headers) Object.assign(headers, reply.headers);
  res.writeHead(reply.status, headers);
  res.end(text);
}

/** Reads the whole body; `undefined` when the request has none. */
function readBody(req: IncomingMessage): Promise<Body> | Body {
  const length = req.headers["content-length"];
  if (length === "0" || (length === undefined && req.headers["transfer-encoding"] === undefined)) return undefined;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_BODY_BYTES ? TOO_LARGE : Buffer.concat(chunks)));
    req.on("error", () => resolve(ABORTED));
    req.on("close", () => {
      if (!req.complete) resolve(ABORTED);
    });
  });
}
