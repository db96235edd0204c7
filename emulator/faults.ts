/**
 * Fault injection: rules that replace, delay or break the answer to matching requests.
 *
 * Rules are checked in the order they were added; the first that matches applies and, when it has `times`,
 * uses one of them (it disappears at zero). Kinds of fault, one per rule:
 * - a reply: `status`, `code` and/or `body` (or `malformed`), with `headers`; a `status` without `body` gets the
 *   documented error body of that status (or of `code`, whose documented status is the default); a `429`
 *   without `headers` gets `Retry-After: 1` like the service;
 * - `destroy`: the socket is destroyed without any answer;
 * - `hang`: no answer at all, until the client gives up or the emulator stops;
 * - only `headers`: added to the real answer;
 * - only `delayMs`: the real answer, late.
 * `echoSecrets` makes a reply repeat the request's credential (and, after commit, the created key) in its body:
 * the careless server that redaction must be proved against (the emulator's own answers never echo a secret).
 * `delayMs` combines with every kind. `afterCommit` performs the real operation first and then applies the fault
 * (a rule with `afterCommit` and no other kind answers 500 `internal_error`); with `delayMs`, the operation
 * happens at once and the delay comes before the faulty answer.
 */
import { isErrorCode, type ErrorCode } from "./errors";
import { pathMatcher, type PathMatcher } from "./paths";

/** A fault rule. */
export interface FaultRule {
  /** HTTP method to match (case-insensitive); default any. */
  method?: string;
  /** Exact path (no query), a pattern in which a `*` segment matches any one segment, or a RegExp; default any. */
  path?: string | RegExp;
  /** Status of the reply that replaces the real answer. */
  status?: number;
  /**
   * Error code whose documented body the reply carries when `body` is absent (default: from `status`); alone, it
   * also sets the status to the code's documented one.
   */
  code?: ErrorCode;
  /** Response headers of the reply (or added to the real answer when the rule has no reply). */
  headers?: Record<string, string>;
  /** Body of the reply: a string is sent as is, anything else as JSON. */
  body?: unknown;
  /** Milliseconds to wait before answering (or before the fault). */
  delayMs?: number;
  /** Destroy the socket without answering. */
  destroy?: boolean;
  /** Never answer (until the client gives up or `stop()`). */
  hang?: boolean;
  /** Perform the real operation first, then apply the fault: the ambiguous case. */
  afterCommit?: boolean;
  /** Answer `status` (default 200) with an invalid body: `true` for `{not json`, or the given text. */
  malformed?: boolean | string;
  /**
   * Echo secrets in the reply's body: the request's bearer credential and, with `afterCommit`, any `api_key` the
   * real answer held (a created key's secret). A JSON object body gets them in `message`, `fix` and an added
   * `errors[]` entry's `message`; a string body (or `malformed` text) gets them prepended, where a client that truncates still reads them. Needs a reply (or
   * `afterCommit`).
   */
  echoSecrets?: boolean;
  /** Apply to the next N matching requests only; default unlimited. */
  times?: number;
}

/** A rule as listed: its id, how many times it applied and how many it has left. */
export type FaultInfo = FaultRule & {
  readonly id: string;
  readonly hits: number;
  /** Remaining applications; absent when unlimited. */
  readonly remaining?: number;
};

/** Programmatic control of fault rules. */
export interface FaultControls {
  /** Adds a rule after the existing ones and returns its id. Throws a `TypeError` for an invalid rule. */
  add(rule: FaultRule): string;
  /** Removes a rule; `false` when there was none with that id. */
  remove(id: string): boolean;
  /** Removes every rule. */
  clear(): void;
  /** Copies of the current rules, in matching order. */
  list(): FaultInfo[];
}

/** A rule chosen for a request. */
export interface AppliedFault {
  readonly id: string;
  readonly rule: Readonly<FaultRule>;
  /** For the request log, e.g. `f1 status=429`. */
  readonly label: string;
}

interface Entry {
  readonly id: string;
  readonly rule: FaultRule;
  readonly method: string | undefined;
  readonly matches: PathMatcher | undefined;
  readonly label: string;
  remaining: number;
  hits: number;
}

/** The ordered fault rules of one emulator. */
export class FaultTable implements FaultControls {
  private rules: Entry[] = [];
  private nextId = 1;

  add(rule: FaultRule): string {
    checkRule(rule);
    const id = `f${this.nextId++}`;
    const copy: FaultRule = { ...rule, ...(rule.headers ? { headers: { ...rule.headers } } : {}) };
    this.rules.push({
      id,
      rule: copy,
      method: rule.method?.toUpperCase(),
      matches: rule.path === undefined ? undefined : pathMatcher(rule.path),
      label: `${id} ${describe(rule)}`,
      remaining: rule.times ?? Infinity,
      hits: 0,
    });
    return id;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultInfo[] {
    return this.rules.map((r) => ({
      ...r.rule,
      ...(r.rule.headers ? { headers: { ...r.rule.headers } } : {}),
      id: r.id,
      hits: r.hits,
      ...(Number.isFinite(r.remaining) ? { remaining: r.remaining } : {}),
    }));
  }

  /** The first rule matching the request, used up by one application. */
  take(method: string, path: string): AppliedFault | undefined {
    if (this.rules.length === 0) return undefined;
    for (const entry of this.rules) {
      if (entry.method !== undefined && entry.method !== method) continue;
      if (entry.matches !== undefined && !entry.matches(path)) continue;
      entry.hits += 1;
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.rules = this.rules.filter((r) => r !== entry);
      return { id: entry.id, rule: entry.rule, label: entry.label };
    }
    return undefined;
  }
}

/** Whether the rule replaces the answer with a reply of its own. */
export function hasReply(rule: Readonly<FaultRule>): boolean {
  return rule.status !== undefined || rule.code !== undefined || rule.body !== undefined || isMalformed(rule);
}

/** Whether the rule asks for an invalid body. */
export function isMalformed(rule: Readonly<FaultRule>): boolean {
  return rule.malformed !== undefined && rule.malformed !== false;
}

function describe(rule: FaultRule): string {
  const parts: string[] = [];
  if (rule.destroy) parts.push("destroy");
  else if (rule.hang) parts.push("hang");
  else if (isMalformed(rule)) parts.push("malformed");
  else if (rule.status !== undefined) parts.push(`status=${rule.status}`);
  else if (rule.code !== undefined) parts.push(`code=${rule.code}`);
  else if (rule.body !== undefined) parts.push("body");
  else if (rule.afterCommit) parts.push("status=500");
  else if (rule.headers) parts.push("headers");
  if (rule.delayMs !== undefined) parts.push(`delay=${rule.delayMs}`);
  if (rule.afterCommit) parts.push("afterCommit");
  if (rule.echoSecrets) parts.push("echoSecrets");
  return parts.join(" ") || "none";
}

function checkRule(rule: FaultRule): void {
  const bad = (why: string): never => {
    throw new TypeError(`invalid fault rule: ${why}`);
  };
  if (rule === null || typeof rule !== "object") bad("not an object");
  if (rule.method !== undefined && (typeof rule.method !== "string" || rule.method === "")) bad("method");
  if (rule.path !== undefined && typeof rule.path !== "string" && !(rule.path instanceof RegExp)) bad("path");
  if (rule.status !== undefined && !(Number.isInteger(rule.status) && rule.status >= 200 && rule.status <= 599)) {
    bad("status must be an integer in 200..599");
  }
  if (rule.code !== undefined && !isErrorCode(rule.code)) bad(`unknown code ${String(rule.code)}`);
  if (rule.headers !== undefined) {
    if (rule.headers === null || typeof rule.headers !== "object") bad("headers");
    for (const v of Object.values(rule.headers)) if (typeof v !== "string") bad("header values must be strings");
  }
  if (rule.delayMs !== undefined && !(Number.isFinite(rule.delayMs) && rule.delayMs >= 0)) bad("delayMs");
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 1)) bad("times must be >= 1");
  for (const flag of ["destroy", "hang", "afterCommit", "echoSecrets"] as const) {
    if (rule[flag] !== undefined && typeof rule[flag] !== "boolean") bad(`${flag} must be a boolean`);
  }
  if (rule.malformed !== undefined && typeof rule.malformed !== "boolean" && typeof rule.malformed !== "string") {
    bad("malformed must be a boolean or a string");
  }
  if (rule.body !== undefined && typeof rule.body !== "string") {
    try {
      if (JSON.stringify(rule.body) === undefined) bad("body must be a string or serializable as JSON");
    } catch {
      bad("body must be a string or serializable as JSON");
    }
  }
  const kinds = [rule.destroy === true, rule.hang === true, hasReply(rule)].filter(Boolean).length;
  if (kinds > 1) bad("choose one of destroy, hang, or a reply (status/body/malformed)");
  if (rule.echoSecrets && (rule.destroy || rule.hang || !(hasReply(rule) || rule.afterCommit))) {
    bad("echoSecrets needs a reply (status/code/body/malformed) or afterCommit");
  }
}
