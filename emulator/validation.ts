/**
 * Request-body validation, as the real API does it: every problem is reported in one 400
 * `ValidationErrorResponse` naming the field; unknown top-level fields and unknown permission names are
 * ignored (a schema that strips unknown keys).
 */
import { fail, invalid, type ValidationIssue } from "./errors";
import { dropUnknown, isPermissionName, type Permissions } from "./permissions";

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

const CLIENT_ID = /^[A-Za-z0-9\-._~]{1,256}$/;
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

/** Validates the body of Create API Key; `nowMs` is the time `expires_at` must be after. */
export function createApiKeyBody(body: JsonObject, nowMs: number): CreateApiKeyBody {
  const issues: ValidationIssue[] = [];
  const out: CreateApiKeyBody = {};
  const name = optionalString(body, "name", issues);
  if (name !== undefined) out.name = name;
  const permissions = optionalPermissions(body, issues);
  if (permissions !== undefined) out.permissions = permissions;
  if (body["expires_at"] !== undefined) {
    const raw = body["expires_at"];
    const ms = typeof raw === "string" && ISO_DATE_TIME.test(raw) ? Date.parse(raw) : NaN;
    if (Number.isNaN(ms)) {
      issues.push({ path: ["expires_at"], message: "expires_at must be an ISO-8601 date-time" });
    } else if (ms <= nowMs) {
      issues.push({ path: ["expires_at"], message: "expires_at must be in the future" });
    } else {
      out.expires_at = new Date(ms).toISOString();
    }
  }
  return finish(issues, out);
}

/**
 * Validates the body of Update API Key. `expires_at` is immutable: sending it is a 422 `unprocessable`
 * (inferred; the update body of the API description has no such field).
 */
export function updateApiKeyBody(body: JsonObject): UpdateApiKeyBody {
  const issues: ValidationIssue[] = [];
  const out: UpdateApiKeyBody = {};
  const name = optionalString(body, "name", issues);
  if (name !== undefined) out.name = name;
  const permissions = optionalPermissions(body, issues);
  if (permissions !== undefined) out.permissions = permissions;
  const result = finish(issues, out);
  if (body["expires_at"] !== undefined) {
    throw fail("unprocessable", { message: "expires_at cannot be changed", fix: "Create a new key instead." });
  }
  return result;
}

function optionalString(body: JsonObject, field: string, issues: ValidationIssue[]): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    issues.push({ path: [field], message: `${field} must be a string` });
    return undefined;
  }
  return value;
}

function optionalPermissions(body: JsonObject, issues: ValidationIssue[]): Permissions | undefined {
  const value = body["permissions"];
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    issues.push({ path: ["permissions"], message: "permissions must be an object of booleans" });
    return undefined;
  }
  const record = value as JsonObject;
  let ok = true;
  for (const name of Object.keys(record)) {
    // Unknown names are dropped without looking at their values, as the service's schema does.
    if (isPermissionName(name) && typeof record[name] !== "boolean") {
      issues.push({ path: ["permissions", name], message: `permissions.${name} must be a boolean` });
      ok = false;
    }
  }
  return ok ? dropUnknown(record) : undefined;
}

function finish<T>(issues: ValidationIssue[], value: T): T {
  if (issues.length > 0) throw invalid(issues);
  return value;
}
