/**
 * Credentials: who is calling, with which scope and permissions, and a redacted label for the request log.
 *
 * Which 401 code answers which mistake is partly inferred (the API documents the codes, not the rules):
 * - no `Authorization` header, or `Bearer` with nothing after it: `missing_authorization`;
 * - a scheme other than `Bearer`: `unauthorized`;
 * - a bearer token that is not an AgentMail key (does not start with `am_`): `invalid_token_type`;
 * - an `am_...` key that does not exist, was revoked or belongs to a deleted pod: `unknown_api_key`;
 * - a key (the organization key included) whose `expires_at` has passed: `api_key_expired` (documented: "An expired
 *   key can also return 401 with code `api_key_expired`", docs.agentmail.to/knowledge-base/api-403-error).
 */
import { fail, type ErrorCode } from "./errors";
import { redact } from "./ids";
import type { Permissions, PermissionName } from "./permissions";
import { holds } from "./permissions";
import type { KeyRecord } from "./records";
import type { MemoryStore } from "./store";

/** An authenticated caller. */
export interface Caller {
  readonly scope: "organization" | "pod";
  /** The pod a pod-scoped key is confined to. */
  readonly podId?: string;
  /** `undefined`: every permission of the scope. */
  readonly permissions: Permissions | undefined;
  readonly apiKeyId: string;
  /** The caller's own expiry in ms since the epoch; `Infinity` when it does not expire. */
  readonly expiresMs: number;
}

/** Result of looking at a request's `Authorization` header. */
export interface Credential {
  /** Safe to log: `none`, or a key's prefix followed by an ellipsis. Never a whole key. */
  readonly label: string;
  /** The caller, or the 401 code that rejects the request. */
  readonly caller: Caller | ErrorCode;
}

/** Identity of the organization key. */
export interface OrgKey {
  readonly secret: string;
  readonly apiKeyId: string;
  /** Expiry in ms since the epoch; `Infinity` when none (the default). */
  readonly expiresMs: number;
}

/** A scheme name worth showing (`Basic`, `Token`); anything else may be a secret sent without one. */
const SCHEME = /^[A-Za-z][A-Za-z-]{0,19}$/;

/** Resolves the `Authorization` header against the organization key and the store's keys. */
export function resolveCredential(
  header: string | undefined,
  org: OrgKey,
  store: MemoryStore,
  nowMs: number,
): Credential {
  if (header === undefined || header.trim() === "") return { label: "none", caller: "missing_authorization" };
  const space = header.indexOf(" ");
  const scheme = space < 0 ? header : header.slice(0, space);
  const token = space < 0 ? "" : header.slice(space + 1).trim();
  if (scheme.toLowerCase() !== "bearer") {
    // Nothing of the value: a Basic credential, or a bare key sent without a scheme, is a secret too.
    return { label: SCHEME.test(scheme) && token !== "" ? `${scheme} …` : "non-bearer …", caller: "unauthorized" };
  }
  if (token === "") return { label: "none", caller: "missing_authorization" };
  if (token === org.secret) {
    if (org.expiresMs <= nowMs) return { label: redact(token), caller: "api_key_expired" };
    return {
      label: redact(token),
      caller: { scope: "organization", permissions: undefined, apiKeyId: org.apiKeyId, expiresMs: org.expiresMs },
    };
  }
  if (!token.startsWith("am_")) return { label: redact(token), caller: "invalid_token_type" };
  const key = store.keyBySecret(token);
  if (key === undefined || key.type !== "bearer") return { label: redact(token), caller: "unknown_api_key" };
  if (key.expiresMs <= nowMs) return { label: `${key.prefix}…`, caller: "api_key_expired" };
  key.usedMs = nowMs;
  return { label: `${key.prefix}…`, caller: podCaller(key) };
}

function podCaller(key: KeyRecord): Caller {
  return {
    scope: "pod",
    podId: key.pod_id,
    permissions: key.permissions,
    apiKeyId: key.api_key_id,
    expiresMs: key.expiresMs,
  };
}

/** The caller, or throws the 401 answer. */
export function requireCaller(credential: Credential): Caller {
  if (typeof credential.caller === "string") throw fail(credential.caller);
  return credential.caller;
}

/** Throws 403 `missing_permission` unless the caller holds `name`. */
export function requirePermission(caller: Caller, name: PermissionName): void {
  if (!holds(caller.permissions, name)) {
    throw fail("missing_permission", { fix: `Use an API key that holds the \`${name}\` permission.` });
  }
}

/** Whether the caller's scope reaches `podId` (outside it, a pod answers 404 like a missing one). */
export function reachesPod(caller: Caller, podId: string): boolean {
  return caller.scope === "organization" || caller.podId === podId;
}
