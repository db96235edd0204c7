/**
 * What a route handler receives and returns. Handlers are synchronous (all state is in memory) and return a
 * {@link Reply} instead of writing it, so that the server can still replace the answer with an after-commit
 * fault once the operation is done.
 */
import type { Caller } from "./auth";
import type { PageTokens } from "./pagination";
import type { RateLimit } from "./rateLimit";
import type { MemoryStore } from "./store";

/** Adjustable behaviour of a running emulator (mutable: tests may change it between requests). */
export interface EmulatorSettings {
  /** Page size when `limit` is absent. */
  defaultPageLimit: number;
  /** Largest accepted `limit`. */
  maxPageLimit: number;
  /** Precede every page of items with an empty page that still carries a `next_page_token`. */
  emptyPages: boolean;
  /** Quotas; creating beyond them answers 403 `limit_exceeded` (inferred status). Absent: unlimited. */
  limits: { pods?: number; apiKeysPerPod?: number };
  /**
   * How answers show a key created with `permissions` omitted (full access). The doc only says
   * `permissions?`: "omit" (inferred default) leaves the field out; "all" lists every permission as
   * true, the other plausible form, so that clients can be tested against both.
   */
  fullAccessPermissions: "omit" | "all";
  /**
   * Keys younger than this many ms (by the emulator's clock) are left out of key listings, as a real service's
   * listings may lag behind its creates; the keys themselves work (as credentials, by id) at once. 0: no lag.
   */
  listingLagMs: number;
  /**
   * Current permission names (wire spelling, e.g. `"message_reply"`) that the service pretends not to know, as a
   * live service behind (or ahead of) the API description does: they are stripped from create and update bodies
   * like any unknown name (so the grant comes back smaller than asked) and from the `permissions` of answers.
   * Empty: every name of the reference is known.
   */
  unknownPermissions: string[];
  /**
   * A token bucket over every authorized request: beyond it, 429 `rate_limit_exceeded` with `Retry-After`
   * (see `rateLimit.ts`). null: no limit (the default).
   */
  rateLimit: RateLimit | null;
}

/** Shared by every request. */
export interface ServerState {
  readonly store: MemoryStore;
  readonly tokens: PageTokens;
  readonly settings: EmulatorSettings;
}

/** One request, as a handler sees it. */
export interface RequestContext {
  readonly state: ServerState;
  readonly caller: Caller;
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  readonly body: Buffer | undefined;
  readonly nowMs: number;
}

/** An answer to send. `body` undefined: no body (204). */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A route handler. */
export type Handler = (ctx: RequestContext) => Reply;
