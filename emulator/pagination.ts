/**
 * List pagination: `limit` parsing and opaque, tamper-proof `page_token`s.
 *
 * A token is `base64url(JSON payload) + "." + base64url(HMAC-SHA256(payload))` under a secret drawn when the
 * emulator starts. The payload names the list it belongs to and a cursor (the creation sequence number of the
 * last item served), so that deleting items between two pages skips nothing. A token that fails to decode, is
 * signed by another emulator or belongs to another list is a 400 `validation_error` naming `page_token`.
 */
import { createHmac, randomBytes } from "node:crypto";
import { invalid } from "./errors";

/** Default page size when `limit` is absent. */
export const DEFAULT_PAGE_LIMIT = 20;
/** Largest accepted `limit` (inferred: the API description states no maximum). */
export const MAX_PAGE_LIMIT = 100;

interface TokenPayload {
  /** List id, e.g. `pods:desc` or `keys:<pod_id>`. */
  l: string;
  /** Cursor: sequence number of the last item served, or null before the first item. */
  c: number | null;
  /** Whether the next answer serves items (1) or may be an inserted empty page (0). */
  e: 0 | 1;
}

/** A decoded page position. */
export interface PagePosition {
  cursor: number | null;
  /** True when the page to serve must hold items (the previous page was an inserted empty one). */
  serveItems: boolean;
}

/** One page cut from an ordered list. */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** Issues and checks page tokens; one per emulator. */
export class PageTokens {
  private readonly secret = randomBytes(32);

  encode(list: string, cursor: number | null, serveItems: boolean): string {
    const payload: TokenPayload = { l: list, c: cursor, e: serveItems ? 1 : 0 };
    const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
    return `${body}.${this.sign(body)}`;
  }

  /** Decodes a token of `list`, or throws the 400 answer. */
  decode(token: string, list: string): PagePosition {
    const dot = token.indexOf(".");
    if (dot > 0 && this.sign(token.slice(0, dot)) === token.slice(dot + 1)) {
      try {
        const payload = JSON.parse(Buffer.from(token.slice(0, dot), "base64url").toString("utf8")) as TokenPayload;
        if (payload.l === list && (payload.c === null || Number.isSafeInteger(payload.c))) {
          return { cursor: payload.c, serveItems: payload.e === 1 };
        }
      } catch {
        // falls through to the 400
      }
    }
    throw invalid([{ path: ["page_token"], message: "Invalid page token" }]);
  }

  private sign(body: string): string {
    return createHmac("sha256", this.secret).update(body).digest().subarray(0, 12).toString("base64url");
  }
}

/** Parses `limit` from the query: an integer in 1..max, `fallback` when absent. Throws the 400 answer. */
export function parseLimit(raw: string | null, fallback: number, max: number): number {
  if (raw === null) return fallback;
  const n = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw invalid([{ path: ["limit"], message: `limit must be an integer between 1 and ${max}` }]);
  }
  return n;
}

/** Parses a boolean query flag (`true` / `false`), `false` when absent. Throws the 400 answer. */
export function parseBooleanFlag(raw: string | null, name: string): boolean {
  if (raw === null || raw === "false") return false;
  if (raw === "true") return true;
  throw invalid([{ path: [name], message: `${name} must be true or false` }]);
}

/**
 * Cuts a page from `ordered` (already in list order; `seq` strictly decreasing when `descending`).
 * When `emptyPages` is on, every page of items is preceded by an empty page that carries a token, so that
 * clients prove they keep paging until the token is absent.
 */
export function cutPage<T extends { readonly seq: number }>(
  ordered: readonly T[],
  opts: {
    tokens: PageTokens;
    list: string;
    token: string | null;
    limit: number;
    descending: boolean;
    emptyPages: boolean;
  },
): Page<T> {
  const pos: PagePosition =
    opts.token === null ? { cursor: null, serveItems: false } : opts.tokens.decode(opts.token, opts.list);
  let start = 0;
  if (pos.cursor !== null) {
    const cursor = pos.cursor;
    start = ordered.findIndex((item) => (opts.descending ? item.seq < cursor : item.seq > cursor));
    if (start < 0) start = ordered.length;
  }
  if (opts.emptyPages && !pos.serveItems) {
    // An inserted empty page; none after the end of the list.
    if (start >= ordered.length && pos.cursor !== null) return { items: [] };
    return { items: [], nextToken: opts.tokens.encode(opts.list, pos.cursor, true) };
  }
  const items = ordered.slice(start, start + opts.limit);
  const last = items[items.length - 1];
  if (last === undefined || start + items.length >= ordered.length) return { items };
  return { items, nextToken: opts.tokens.encode(opts.list, last.seq, false) };
}
