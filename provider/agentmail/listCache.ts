/**
 * A short-lived, single-flight listing of a pod's bearer keys, shared by the reads of one refresh.
 *
 * There is no per-key GET: reading a key means listing its pod. Pulumi's refresh runs every resource's
 * `read` concurrently in one provider host process, so 1,000 keys in one pod would otherwise make 1,000
 * full listings of the same pod. Here, concurrent reads join the listing already in flight, and reads
 * in the next `ttlMs` (default {@link DEFAULT_LIST_TTL_MS}) reuse its result.
 *
 * What this trades: a key revoked by someone else less than `ttlMs` after a listing began can still
 * look live to a read in that window (the next refresh sees it gone). This process's own creates and
 * deletes call {@link ListCache.invalidate}, so a read after them in this process always lists afresh.
 * Failures are never kept: the next call lists again.
 *
 * Entries are keyed by a SHA-256 of (base URL, credential, pod id): the credential never appears in a
 * key, and two credentials never share a listing (what one key may see, another may not).
 */
import { createHash } from "node:crypto";
import type { AgentMailClient } from "./client";
import type { BearerKey } from "./schemas";

/** How long a completed listing is reused, in ms: long enough for one refresh burst, short enough to stay fresh. */
export const DEFAULT_LIST_TTL_MS = 2_000;

/** Options of {@link ListCache}. */
export interface ListCacheOptions {
  /**
   * How long a completed listing is reused, in ms. Default {@link DEFAULT_LIST_TTL_MS} (2 s).
   * `0` shares only a listing still in flight.
   */
  readonly ttlMs?: number;
  /** The clock (ms); injected by tests. Default `Date.now`. */
  readonly now?: () => number;
}

/** A pod's bearer keys, as one listing saw them. Shared between callers: never mutate it. */
export interface Listing {
  readonly keys: readonly BearerKey[];
  /** The same keys by `api_key_id`. */
  readonly byId: ReadonlyMap<string, BearerKey>;
}

interface Entry {
  readonly promise: Promise<Listing>;
  /** When the listing completed; undefined while in flight. */
  settledAt: number | undefined;
}

/** @internal */
export class ListCache {
  readonly ttlMs: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();

  constructor(options: ListCacheOptions = {}) {
    const ttl = options.ttlMs ?? DEFAULT_LIST_TTL_MS;
    if (!(Number.isFinite(ttl) && ttl >= 0)) throw new RangeError("ttlMs must be a finite number >= 0");
    this.ttlMs = ttl;
    this.now = options.now ?? Date.now;
  }

  /** The pod's keys: the listing in flight or completed less than `ttlMs` ago, else a new one. */
  list(client: AgentMailClient, podId: string): Promise<Listing> {
    this.sweep();
    const key = cacheKey(client, podId);
    const existing = this.entries.get(key);
    if (existing !== undefined && this.fresh(existing)) return existing.promise;
    const entry: Entry = {
      settledAt: undefined,
      promise: client.listAllApiKeys(podId).then(
        (keys) => {
          // An invalidation (or a newer listing) while in flight replaced this entry: do not keep it.
          if (this.entries.get(key) === entry) {
            if (this.ttlMs > 0) entry.settledAt = this.now();
            else this.entries.delete(key);
          }
          return { keys, byId: new Map(keys.map((k) => [k.api_key_id, k])) };
        },
        (e: unknown) => {
          if (this.entries.get(key) === entry) this.entries.delete(key);
          throw e;
        },
      ),
    };
    this.entries.set(key, entry);
    return entry.promise;
  }

  /**
   * Forgets the pod's listing for this client's base URL and credential, in flight or not: call it
   * when this process creates or deletes a key there.
   */
  invalidate(client: AgentMailClient, podId: string): void {
    this.entries.delete(cacheKey(client, podId));
  }

  /** The keys of the entries held (hashes): for tests. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Forgets everything. */
  clear(): void {
    this.entries.clear();
  }

  private fresh(entry: Entry): boolean {
    return entry.settledAt === undefined || this.now() - entry.settledAt < this.ttlMs;
  }

  private sweep(): void {
    for (const [key, entry] of this.entries) if (!this.fresh(entry)) this.entries.delete(key);
  }
}

function cacheKey(client: AgentMailClient, podId: string): string {
  const { baseUrl, apiKey } = client.transport.credentials;
  return createHash("sha256").update(baseUrl).update("\0").update(apiKey).update("\0").update(podId).digest("hex");
}
