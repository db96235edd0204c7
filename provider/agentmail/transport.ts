/**
 * The thin transport: send one request, retry it by the rules of `retry.ts`, parse and validate the
 * answer with zod, map an error status to `ApiError`. One method per endpoint lives in `client.ts`.
 */
import { Agent, request, type Dispatcher } from "undici";
import type { z } from "zod";
import { budgetFor, type RateBudget, type Ticket } from "./budget";
import { TICKET, budgetInterceptor } from "./budgetInterceptor";
import type { Credentials } from "./credentials";
import { ApiError, NetworkError, ResponseError, apiErrorHint, type RequestInfo } from "./errors";
import { redact } from "./redact";
import { DEFAULT_RETRY_POLICY, decideRetry, parseRetryAfter, type Outcome, type RetryPolicy } from "./retry";
import { ErrorBodySchema, type ErrorBody } from "./schemas";

/** What the transport needs: where, as whom, how patiently, through which dispatcher. */
export interface TransportOptions {
  readonly credentials: Credentials;
  readonly policy?: Partial<RetryPolicy> | undefined;
  /**
   * An undici dispatcher; default: one shared keep-alive `Agent` per connect timeout. Either way the shared
   * budget's interceptor is composed onto it.
   */
  readonly dispatcher?: Dispatcher | undefined;
  /** Injected for tests: the backoff's randomness and the sleep between attempts. */
  readonly random?: (() => number) | undefined;
}

/** One logical request. @internal */
export interface Call<S extends z.ZodType | undefined> {
  readonly method: "GET" | "POST" | "PATCH" | "DELETE";
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>> | undefined;
  readonly body?: unknown;
  /** Schema of a 2xx body; `undefined` for answers without one (204). */
  readonly schema: S;
  /** The permission this request needs, named in 403 errors (the API may not say which one). */
  readonly permission?: string;
}

/** Codes of failures that happen before a byte of the request can have reached the server. */
const NOT_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * The most of a response body this client reads: 1 MiB. AgentMail's answers are small JSON documents; the
 * largest is a page of keys (100 keys, each naming every one of the ~47 permissions, is under 200 KB), so
 * this leaves a wide margin while a server (or something posing as one) cannot make the provider host
 * buffer an unbounded body. Not configurable: no legitimate answer comes near it. @internal
 */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

const agents = new Map<number, Dispatcher>();
function sharedAgent(connectTimeoutMs: number): Dispatcher {
  let agent = agents.get(connectTimeoutMs);
  if (agent === undefined) {
    agent = new Agent({ connect: { timeout: connectTimeoutMs }, keepAliveTimeout: 4_000 }).compose(budgetInterceptor);
    agents.set(connectTimeoutMs, agent);
  }
  return agent;
}

/** An injected dispatcher with the budget's interceptor, composed once per dispatcher. */
const composed = new WeakMap<Dispatcher, Dispatcher>();
function withBudget(dispatcher: Dispatcher): Dispatcher {
  let gated = composed.get(dispatcher);
  if (gated === undefined) {
    gated = dispatcher.compose(budgetInterceptor);
    composed.set(dispatcher, gated);
  }
  return gated;
}

/** @internal */
export class Transport {
  readonly credentials: Credentials;
  readonly policy: RetryPolicy;
  private readonly dispatcher: Dispatcher;
  private readonly injected: Dispatcher | undefined;
  private readonly random: () => number;
  /** The organization's budget in this process; undefined when `sharedBudget` is off. */
  readonly budget: RateBudget | undefined;

  constructor(options: TransportOptions) {
    this.credentials = options.credentials;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
    this.injected = options.dispatcher;
    this.dispatcher =
      options.dispatcher === undefined ? sharedAgent(this.policy.connectTimeoutMs) : withBudget(options.dispatcher);
    this.random = options.random ?? Math.random;
    this.budget = this.policy.sharedBudget
      ? budgetFor(this.credentials.baseUrl, this.credentials.apiKey, this.policy)
      : undefined;
  }

  /** The same transport (policy, dispatcher) speaking as another credential (and so with its own budget). */
  withCredentials(credentials: Credentials): Transport {
    return new Transport({ credentials, policy: this.policy, dispatcher: this.injected, random: this.random });
  }

  /** Sends `call`, retrying where `decideRetry` allows; resolves to the validated body. */
  async send<S extends z.ZodType | undefined>(call: Call<S>): Promise<S extends z.ZodType ? z.infer<S> : undefined> {
    const info: RequestInfo = { method: call.method, path: call.path, credential: this.credentials.description };
    // The deadline's clock. Time spent waiting for a turn in the shared budget moves it forward: the host's
    // own queue (hundreds of operations at once) is not the server being slow. A 429's hold is not excused.
    let started = Date.now();
    let attempt = 1;
    for (let sent = 0; ; sent++) {
      const ticket = this.ticket(sent > 0);
      const result = await this.attempt(call, info, started, ticket);
      started += ticket?.queuedMs ?? 0;
      if (result.ok) return result.value as S extends z.ZodType ? z.infer<S> : undefined;
      const decision = decideRetry(
        call.method,
        attempt,
        result.outcome,
        this.policy,
        Date.now() - started,
        this.random,
      );
      if (!decision.retry) throw result.error;
      if (decision.counts) attempt++;
      if (decision.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
    }
  }

  private ticket(retry: boolean): Ticket | undefined {
    if (this.budget === undefined) return undefined;
    return { budget: this.budget, retry, maxHoldMs: this.policy.maxRetryAfterMs, queuedMs: 0, epoch: 0 };
  }

  private async attempt(
    call: Call<z.ZodType | undefined>,
    info: RequestInfo,
    started: number,
    ticket: Ticket | undefined,
  ): Promise<{ ok: true; value: unknown } | { ok: false; outcome: Outcome; error: Error }> {
    const remaining = this.policy.deadlineMs - (Date.now() - started);
    let res: Dispatcher.ResponseData;
    let text: string | undefined;
    try {
      res = await request(this.url(call), {
        method: call.method,
        dispatcher: this.dispatcher,
        headers: {
          authorization: `Bearer ${this.credentials.apiKey}`,
          accept: "application/json",
          ...(call.body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: call.body === undefined ? null : JSON.stringify(call.body),
        headersTimeout: this.policy.headersTimeoutMs,
        bodyTimeout: this.policy.bodyTimeoutMs,
        ...(ticket === undefined ? {} : { [TICKET]: ticket }),
        // undici's own timeouts end an attempt well within the deadline in the usual case; a deadline
        // timer per attempt costs ~25% of a request's time (bench/), so it is armed only when the
        // deadline is nearer than they are. (A body trickling chunk by chunk could still outlive
        // the deadline by one attempt: AgentMail's answers are small JSON documents.)
        ...(remaining < this.policy.connectTimeoutMs + this.policy.headersTimeoutMs + this.policy.bodyTimeoutMs
          ? { signal: AbortSignal.timeout(Math.max(1, remaining)) }
          : {}),
      });
      text = await readCapped(res.body);
    } catch (e) {
      const code = errorCode(e);
      const maybeReceived = !NOT_SENT.has(code);
      const detail = redact(e instanceof Error ? e.message : String(e), [this.credentials.apiKey]);
      return {
        ok: false,
        outcome: { kind: "network", maybeReceived },
        error: new NetworkError(info, code, detail, maybeReceived),
      };
    }
    const status = res.statusCode;
    if (text === undefined) {
      const problem = `a body larger than ${MAX_RESPONSE_BYTES} bytes, not read`;
      // A 2xx answer is useless without its body; an error status still says what went wrong (and may retry).
      if (status >= 200 && status < 300) throw withBody(new ResponseError(info, status, problem), undefined);
      text = JSON.stringify({ message: `(${problem})` });
    }
    if (status >= 200 && status < 300) {
      if (call.schema === undefined) return { ok: true, value: undefined };
      return { ok: true, value: this.parse(call.schema, text, info, status) };
    }
    const body = ErrorBodySchema.safeParse(safeJson(text));
    const apiCode = body.success ? body.data.code : undefined;
    const hint = apiErrorHint(status, apiCode, call.permission);
    const error = new ApiError(
      info,
      status,
      body.success
        ? redactBody(body.data, this.credentials.apiKey)
        : { message: redact(text, [this.credentials.apiKey]).slice(0, 200) || undefined },
      hint,
    );
    return {
      ok: false,
      outcome: { kind: "status", status, apiCode, retryAfterMs: parseRetryAfter(res.headers["retry-after"]) },
      error,
    };
  }

  private parse(schema: z.ZodType, text: string, info: RequestInfo, status: number): unknown {
    const json = safeJson(text);
    if (json === NOT_JSON) throw withBody(new ResponseError(info, status, "not JSON"), undefined);
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    // zod's messages name paths and expected types, never the received values (which may hold a key).
    const problem = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`)
      .join("; ");
    throw withBody(new ResponseError(info, status, problem), json);
  }

  private url(call: Call<z.ZodType | undefined>): string {
    if (call.query === undefined) return `${this.credentials.baseUrl}${call.path}`;
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(call.query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return `${this.credentials.baseUrl}${call.path}${qs ? `?${qs}` : ""}`;
  }
}

/**
 * Reads a body up to `MAX_RESPONSE_BYTES`, as UTF-8; `undefined` when it is larger. Beyond the cap, leaving the loop destroys the stream,
 * which makes undici close the connection (one stopped mid-body cannot be reused): the socket is not
 * left holding an unread answer.
 */
async function readCapped(body: Dispatcher.ResponseData["body"]): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_RESPONSE_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const NOT_JSON = Symbol("not json");
function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** Keeps the unparsed body on the error for the caller, hidden from `JSON.stringify` and `inspect`. */
function withBody(error: ResponseError, body: unknown): ResponseError {
  Object.defineProperty(error, "body", { value: body, enumerable: false });
  return error;
}

/** The body that came with a `ResponseError`, if any (it may hold a secret: never print it). @internal */
export function responseBody(error: ResponseError): unknown {
  return (error as unknown as { body?: unknown }).body;
}

function redactBody(body: ErrorBody, apiKey: string): ErrorBody {
  const clean = (v: string | undefined) => (v === undefined ? undefined : redact(v, [apiKey]));
  const out: ErrorBody = {};
  for (const k of ["name", "message", "code", "fix", "docs"] as const) {
    const v = clean(body[k]);
    if (v !== undefined) out[k] = v;
  }
  if (body.errors)
    out.errors = body.errors.map((e) => ({ ...e, ...(e.message ? { message: redact(e.message, [apiKey]) } : {}) }));
  return out;
}

function errorCode(e: unknown): string {
  const err = e as { code?: unknown; name?: unknown; cause?: { code?: unknown } } | undefined;
  if (typeof err?.code === "string") return err.code;
  if (typeof err?.cause?.code === "string") return err.cause.code;
  if (err?.name === "TimeoutError") return "DEADLINE_EXCEEDED";
  return typeof err?.name === "string" ? err.name : "UNKNOWN";
}
