/**
 * The request log: method, path, status, timing and a redacted credential for every API request (admin routes
 * are not logged). Entries never hold a whole key: credentials are labelled by prefix and anything that looks
 * like a key in the path or query is cut to its prefix.
 */
import { pathMatcher } from "./paths";

/** One logged request. */
export interface LogEntry {
  /** HTTP method, upper case. */
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query string without `?` (empty when none). */
  query: string;
  /** Status answered, or `null` while in flight and when the connection was destroyed or never answered. */
  status: number | null;
  /** Milliseconds from the request's arrival to its answer (or to its end for a hang). */
  durationMs: number;
  /** Redacted credential: `none`, or a key prefix followed by `…`. */
  credential: string;
  /** The fault rule that applied, e.g. `f1 status=429`. */
  fault?: string;
  /** Answered 429 by the emulator's rate limit (`settings.rateLimit`). */
  rateLimited?: true;
  /** Arrival time, in ms since the epoch. */
  startedAt: number;
}

/** Selects entries. A string path is exact or a `*`-per-segment pattern. */
export interface LogFilter {
  method?: string;
  path?: string | RegExp;
  status?: number | null;
}

/** Read access to the request log. */
export interface RequestLog {
  /** Copies of the entries (matching `filter`), oldest first. */
  entries(filter?: LogFilter): LogEntry[];
  /** Number of entries matching `filter`. */
  count(filter?: LogFilter): number;
  /** Forgets every entry, including those of requests still in flight (their answers are not logged later). */
  clear(): void;
}

/** The in-memory request log of one emulator. */
export class MemoryLog implements RequestLog {
  private items: LogEntry[] = [];

  /** @param limit oldest entries are dropped beyond this many. */
  constructor(private readonly limit: number) {}

  /** Adds an entry on a request's arrival; the caller completes its `status` and `durationMs` in place. */
  record(entry: LogEntry): void {
    this.items.push(entry);
    if (this.items.length > this.limit) this.items.splice(0, this.items.length - Math.floor(this.limit * 0.9));
  }

  entries(filter?: LogFilter): LogEntry[] {
    return this.select(filter).map((e) => ({ ...e }));
  }

  count(filter?: LogFilter): number {
    return filter === undefined ? this.items.length : this.select(filter).length;
  }

  clear(): void {
    this.items = [];
  }

  private select(filter: LogFilter | undefined): LogEntry[] {
    if (filter === undefined) return this.items;
    const method = filter.method?.toUpperCase();
    const path = filter.path === undefined ? undefined : pathMatcher(filter.path);
    return this.items.filter(
      (e) =>
        (method === undefined || e.method === method) &&
        (path === undefined || path(e.path)) &&
        (filter.status === undefined || e.status === filter.status),
    );
  }
}
