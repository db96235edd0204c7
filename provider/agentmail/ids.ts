/**
 * The shape of the AgentMail ids this package puts in request paths (pod ids, API key ids), and the one
 * function that builds those paths. An id is interpolated into a URL: `..` there is folded by URL
 * resolution (`/v0/pods/../api-keys` is `/v0/api-keys`, the ORGANIZATION's keys), and `/`, `?`, `#` or
 * `%` would change the path or the query. `encodeURIComponent` leaves dots alone, and `%2e%2e` is folded
 * too, so encoding is no defence: only ids of a strict shape are accepted, by `check`, by the lookups,
 * and again here for ids that never went through either (a stored state, an API answer).
 */
import { AgentMailError } from "./errors";

/** Letters, digits, `-`, `_` and `.`: none of them needs percent-encoding in a path segment. */
const ID_CHARS = /^[A-Za-z0-9._-]+$/;

/** The accepted shape, in words, for messages and docs. @internal */
export const ID_SHAPE =
  "letters, digits, '-', '_' and '.' only (e.g. pod_123 or a UUID), not '.' or '..' alone, " +
  "and no '/', '?', '#', '%', whitespace or control characters";

/**
 * Why `value` cannot be an AgentMail id in a request path, or undefined when it can.
 * @internal
 */
export function idProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return `it is ${value === null ? "null" : typeof value}, not a string`;
  if (value === "") return "it is empty";
  if (value === "." || value === "..") return `"${value}" alone would be folded by URL resolution`;
  if (!ID_CHARS.test(value)) {
    const bad = [...new Set(value.replace(/[A-Za-z0-9._-]/g, ""))].slice(0, 5).map(describeChar);
    return `it holds ${bad.join(", ")}`;
  }
  return undefined;
}

/** True when `value` has the shape of an id (see {@link ID_SHAPE}). @internal */
export function isSafeId(value: unknown): value is string {
  return idProblem(value) === undefined;
}

/**
 * Builds a request path from a template whose `{name}` placeholders are filled from `ids`, refusing any
 * id not of the strict shape, so that no request can leave its intended path (whatever `check` let
 * through, the state holds, or the API answered).
 * @example apiPath("/v0/pods/{pod_id}/api-keys", { pod_id: podId })
 * @internal
 */
export function apiPath(template: string, ids: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = ids[name];
    const problem = idProblem(value);
    if (problem !== undefined) {
      throw new AgentMailError(
        "AGENTMAIL_UNSAFE_ID",
        `Refusing to send a request to ${template} with ${name} ${quoteId(value)}: ${problem}, and it would change ` +
          `the request's path. An AgentMail id is made of ${ID_SHAPE}. No request was sent. If this id comes ` +
          "from the stack's state, the state was edited or written by another tool: fix the resource's id there " +
          "(`pulumi state edit`), or remove it from the state (`pulumi state delete <urn>`) and clean up in the " +
          "AgentMail console.",
      );
    }
    return value as string;
  });
}

/** A short, printable rendering of a would-be id in a message (ids are not secrets; long ones are cut). @internal */
export function quoteId(value: unknown): string {
  if (typeof value !== "string") return String(value);
  const s = JSON.stringify(value);
  return s.length > 80 ? `${s.slice(0, 77)}…"` : s;
}

function describeChar(c: string): string {
  if (c === " ") return "a space";
  if (/\s/.test(c)) return `whitespace ${JSON.stringify(c)}`;
  if (/[\u0000-\u001f\u007f]/.test(c))
    return `a control character (U+${c.charCodeAt(0).toString(16).padStart(4, "0")})`;
  return JSON.stringify(c);
}
