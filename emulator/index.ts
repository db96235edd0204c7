/**
 * A local AgentMail API server (pods and pod API keys) for tests, benchmarks and demos: in process, in memory,
 * on 127.0.0.1 and a free port, with fault injection and a request log.
 *
 * ```ts
 * const emu = await startEmulator();
 * // ... point a client at emu.url with emu.orgApiKey ...
 * emu.faults.add({ method: "POST", path: /\/api-keys$/, status: 503, afterCommit: true, times: 1 });
 * await emu.stop();
 * ```
 */
import { randomUUID } from "node:crypto";
import type { EmulatorSettings } from "./context";
import { FaultTable, type FaultControls } from "./faults";
import { newApiKeyId, newSecret, regionOf } from "./ids";
import { MemoryLog, type RequestLog } from "./log";
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, PageTokens } from "./pagination";
import { EmulatorServer } from "./server";
import { settingProblem } from "./settings";
import { RateLimiter, type RateLimit } from "./rateLimit";
import { MemoryStore } from "./store";
import type { EmulatorStore } from "./storeView";

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Interface to listen on; default `127.0.0.1` (loopback only). */
  host?: string;
  /** Port; default 0 (a free port chosen by the system). */
  port?: number;
  /** The organization-scoped key with every permission; default a generated `am_us_` + 48 hex digits. */
  orgApiKey?: string;
  /** Organization id reported by `GET /v0/auth/me`; default a random UUID. */
  organizationId?: string;
  /** Page size of lists when `limit` is absent; default {@link DEFAULT_PAGE_LIMIT} (20). */
  defaultPageLimit?: number;
  /** Largest accepted `limit` (above: 400); default {@link MAX_PAGE_LIMIT} (100). */
  maxPageLimit?: number;
  /** Precede every page of items with an empty page carrying a `next_page_token`; default false. */
  emptyPages?: boolean;
  /** Quotas answering 403 `limit_exceeded` when creating beyond them; default none. */
  limits?: { pods?: number; apiKeysPerPod?: number };
  /** Most entries the request log keeps (oldest dropped first); default 100000. */
  logLimit?: number;
  /** How answers show a full-access key's permissions (see `EmulatorSettings`); default "omit". */
  fullAccessPermissions?: "omit" | "all";
  /** Leave keys younger than this many ms (by `clock`) out of key listings (see `EmulatorSettings`); default 0. */
  listingLagMs?: number;
  /**
   * Permission names of the reference that the service pretends not to know (see `EmulatorSettings`); default
   * none. Each must be one of {@link PERMISSION_NAMES}.
   */
  unknownPermissions?: readonly string[];
  /**
   * When the organization key expires (ISO-8601 or a `Date`); default never. Keys it creates without `expires_at`
   * then inherit this expiry, and a later `expires_at` is refused (403 `forbidden`). A past time is accepted, so
   * that a test can start with an expired organization key.
   */
  orgApiKeyExpiresAt?: string | Date;
  /**
   * The emulator's clock, in ms since the epoch: creation times, `expires_at` checks, `used_at` and the log's
   * `startedAt`. Default `Date.now`. A test can pass a settable clock to expire a key without waiting; fault
   * delays always use real timers.
   */
  clock?: () => number;
  /** A rate limit over every authorized request (see `EmulatorSettings.rateLimit`); default none. */
  rateLimit?: RateLimit | null;
}

/** A running emulator. */
export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:PORT` (no trailing slash). */
  readonly url: string;
  /** The organization key (every permission). */
  readonly orgApiKey: string;
  /** The organization id. */
  readonly organizationId: string;
  /** Synchronous view of the data, for seeding and assertions. */
  readonly store: EmulatorStore;
  /** Requests received (admin routes excepted). */
  readonly log: RequestLog;
  /** Fault injection. */
  readonly faults: FaultControls;
  /** Behaviour that may be changed while running (page sizes, empty pages, quotas, listing lag, unknown names, rate limit). */
  readonly settings: EmulatorSettings;
  /** Requests answered 429 by `settings.rateLimit` so far (fault rules' 429s not included). */
  rateLimited(): number;
  /** Closes the server and every open connection (keep-alive, hanging or in flight); idempotent. */
  stop(): Promise<void>;
}

/** Starts an emulator and resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const settings: EmulatorSettings = {
    defaultPageLimit: options.defaultPageLimit ?? DEFAULT_PAGE_LIMIT,
    maxPageLimit: options.maxPageLimit ?? MAX_PAGE_LIMIT,
    emptyPages: options.emptyPages ?? false,
    limits: { ...options.limits },
    fullAccessPermissions: options.fullAccessPermissions ?? "omit",
    listingLagMs: options.listingLagMs ?? 0,
    unknownPermissions: [...(options.unknownPermissions ?? [])],
    rateLimit: options.rateLimit ?? null,
  };
  if (!(Number.isInteger(settings.maxPageLimit) && settings.maxPageLimit >= 1)) {
    throw new RangeError("maxPageLimit must be a positive integer");
  }
  if (!(Number.isInteger(settings.defaultPageLimit) && settings.defaultPageLimit >= 1)) {
    throw new RangeError("defaultPageLimit must be a positive integer");
  }
  if (settings.defaultPageLimit > settings.maxPageLimit) {
    throw new RangeError("defaultPageLimit must not exceed maxPageLimit");
  }
  for (const name of ["listingLagMs", "unknownPermissions", "rateLimit"] as const) {
    const problem = settingProblem(name, settings[name]);
    if (problem !== undefined) throw new RangeError(problem);
  }
  const orgExpiresMs = options.orgApiKeyExpiresAt === undefined ? Infinity : timeOf(options.orgApiKeyExpiresAt);
  if (Number.isNaN(orgExpiresMs)) {
    throw new RangeError(`orgApiKeyExpiresAt is not a valid time: ${String(options.orgApiKeyExpiresAt)}`);
  }
  const orgApiKey = options.orgApiKey ?? newSecret("us");
  if (orgApiKey === "") throw new RangeError("orgApiKey must not be empty");
  const organizationId = options.organizationId ?? randomUUID();
  const clock = options.clock ?? Date.now;
  const store = new MemoryStore(organizationId, regionOf(orgApiKey), clock);
  const faults = new FaultTable();
  const log = new MemoryLog(options.logLimit ?? 100_000);
  const limiter = new RateLimiter(settings);
  const server = new EmulatorServer({
    limiter,
    state: { store, tokens: new PageTokens(), settings },
    faults,
    log,
    org: { secret: orgApiKey, apiKeyId: newApiKeyId(), expiresMs: orgExpiresMs },
    clock,
  });
  const address = await server.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    orgApiKey,
    organizationId,
    store,
    log,
    faults,
    settings,
    rateLimited: () => limiter.limited,
    stop: () => server.stop(),
  };
}

/** Milliseconds since the epoch of an ISO-8601 string or a `Date`; NaN when it is not a time. */
function timeOf(value: string | Date): number {
  return value instanceof Date ? value.getTime() : Date.parse(value);
}

export type { EmulatorSettings } from "./context";
export type { ErrorCode, ErrorResponse, ValidationErrorResponse, ValidationIssue } from "./errors";
export { errorBody, ERROR_DOCS_URL } from "./errors";
export type { FaultControls, FaultInfo, FaultRule } from "./faults";
export type { RateLimit } from "./rateLimit";
export type { LogEntry, LogFilter, RequestLog } from "./log";
export { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "./pagination";
export { LEGACY_PERMISSION_NAMES, PERMISSION_NAMES, REMOVED_PERMISSION_NAMES } from "./permissions";
export type { PermissionName, Permissions } from "./permissions";
export { MALFORMED_BODY } from "./server";
export { DEFAULT_KEY_NAME, DEFAULT_POD_NAME } from "./storeView";
export type { ApiKeySeed, EmulatorState, EmulatorStore, PodSeed, PublicKeySeed } from "./storeView";
export type {
  ApiKeyListItem,
  AuthMe,
  CreatedApiKey,
  Inbox,
  Pod,
  PublicJwk,
  PublicKeyEntry,
  PublicKeyMaterial,
  StoredKey,
} from "./wire";
