/**
 * Request-body validation, as the real API does it: every problem is reported in one 400
 * `ValidationErrorResponse` naming the field; unknown top-level fields and unknown permission names are
 * ignored (a schema that strips unknown keys), except the removed `provider_*` permission names, which are a 400
 * (documented since 2026-09-30).
 */
import { fail, invalid, type ValidationIssue } from "./errors";
import { dropUnknown, isPermissionName, REMOVED_PERMISSION_NAMES, type Permissions } from "./permissions";

/** Largest accepted request body. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Body of `POST /v0/pods`. */
export interface CreatePodBody {
  name?: string;
  client_id?: string;
}

/** Body of `POST /v0/pods/{pod_id}/api-keys`, after dropping unknown permission names. */
export interface CreateApiKeyBody {
  name?: string;
  permissions?: Permissions;
  /** Normalized to `Date#toISOString()` (inferred: the service returns its own canonical form). */
  expires_at?: string;
}

/** Body of `PATCH /v0/pods/{pod_id}/api-keys/{api_key_id}`. */
export interface UpdateApiKeyBody {
  name?: string;
  permissions?: Permissions;
}

/** What a `client_id` may be: 1-256 characters of `A-Za-z0-9-._~` (documented). */
export const CLIENT_ID = /^[A-Za-z0-9\-._~]{1,256}$/;
// The doc says only "ISO-8601" (inferred: the strict RFC 3339 profile a JSON API usually parses:
// seconds required, `Z` or a `±HH:MM` offset). Stricter than many servers on purpose, so that a client
// passing users' looser ISO forms through unchanged is caught here rather than by the real service.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

type JsonObject = Record<string, unknown>;

/** Parses a JSON object body; an empty body is `{}`. Throws the 400 answer. */
export function parseJsonObject(raw: Buffer | undefined): JsonObject {
  if (raw === undefined || raw.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw.toString("utf8"));
  } catch {
    throw invalid([{ path: [], message: "Request body is not valid JSON" }]);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw invalid([{ path: [], message: "Request body must be a JSON object" }]);
  }
  return value as JsonObject;
}

/** Validates the body of Create Pod. */
export function createPodBody(body: JsonObject): CreatePodBody {
  const issues: ValidationIssue[] = [];
  const out: CreatePodBody = {};
  const name = optionalString(body, "name", issues);
  if (name !== undefined) out.name = name;
  if (body["client_id"] !== undefined) {
    const clientId = body["client_id"];
    if (typeof clientId !== "string" || !CLIENT_ID.test(clientId)) {
      issues.push({ path: ["client_id"], message: "client_id must be 1-256 characters of A-Z a-z 0-9 - . _ ~" });
    } else {
      out.client_id = clientId;
    }
  }
  return finish(issues, out);
}

/**
 * Validates the body of Create API Key; `nowMs` is the time `expires_at` must be after; `unknown` holds the
 * current names the service pretends not to know (`settings.unknownPermissions`), dropped like unknown names.
 */
export function createApiKeyBody(body: JsonObject, nowMs: number, unknown?: ReadonlySet<string>): CreateApiKeyBody {
  const issues: ValidationIssue[] = [];
  const out: CreateApiKeyBody = {};
  const name = optionalString(body, "name", issues);
  if (name !== undefined) out.name = name;
  const permissions = optionalPermissions(body, issues, unknown);
  if (permissions !== undefined) out.permissions = permissions;
  const expiresAt = optionalFutureTime(body, "expires_at", nowMs, issues);
  if (expiresAt !== undefined) out.expires_at = expiresAt;
  return finish(issues, out);
}

/** A future ISO-8601 time at `body[field]`, normalized to `toISOString()`; problems go to `issues`. */
export function optionalFutureTime(
  body: JsonObject,
  field: string,
  nowMs: number,
  issues: ValidationIssue[],
): string | undefined {
  const raw = body[field];
  if (raw === undefined) return undefined;
  const ms = typeof raw === "string" && ISO_DATE_TIME.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) {
    issues.push({ path: [field], message: `${field} must be an ISO-8601 date-time` });
  } else if (ms <= nowMs) {
    issues.push({ path: [field], message: `${field} must be in the future` });
  } else {
    return new Date(ms).toISOString();
  }
  return undefined;
}

/**
 * Validates the body of Update API Key. `expires_at` is immutable: sending it is a 422 `unprocessable`
 * (inferred; the update body of the API description has no such field).
 */
export function updateApiKeyBody(body: JsonObject, unknown?: ReadonlySet<string>): UpdateApiKeyBody {
  const issues: ValidationIssue[] = [];
  const out: UpdateApiKeyBody = {};
  const name = optionalString(body, "name", issues);
  if (name !== undefined) out.name = name;
  const permissions = optionalPermissions(body, issues, unknown);
  if (permissions !== undefined) out.permissions = permissions;
  const result = finish(issues, out);
  if (body["expires_at"] !== undefined) {
    throw fail("unprocessable", { message: "expires_at cannot be changed", fix: "Create a new key instead." });
  }
  return result;
}

/** A string at `body[field]`, if present; a non-string goes to `issues`. */
export function optionalString(body: JsonObject, field: string, issues: ValidationIssue[]): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    issues.push({ path: [field], message: `${field} must be a string` });
    return undefined;
  }
  return value;
}

function optionalPermissions(
  body: JsonObject,
  issues: ValidationIssue[],
  unknown?: ReadonlySet<string>,
): Permissions | undefined {
  const value = body["permissions"];
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    issues.push({ path: ["permissions"], message: "permissions must be an object of booleans" });
    return undefined;
  }
  const record = value as JsonObject;
  let ok = true;
  for (const name of Object.keys(record)) {
    const renamed = REMOVED_PERMISSION_NAMES.get(name);
    if (renamed !== undefined) {
      issues.push({
        path: ["permissions", name],
        message: `permissions.${name} was removed on 2026-09-30; use ${renamed}`,
      });
      ok = false;
      continue;
    }
    // Unknown names are dropped without looking at their values, as the service's schema does.
    if (isPermissionName(name) && unknown?.has(name) !== true && typeof record[name] !== "boolean") {
      issues.push({ path: ["permissions", name], message: `permissions.${name} must be a boolean` });
      ok = false;
    }
  }
  return ok ? dropUnknown(record, unknown) : undefined;
}

/** Throws the 400 answer when there are `issues`, else returns `value`. */
export function finish<T>(issues: ValidationIssue[], value: T): T {
  if (issues.length > 0) throw invalid(issues);
  return value;
}
