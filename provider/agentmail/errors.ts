/**
 * The errors this package raises. Each has a fixed `name`, a stable string `code` (never a number: the
 * provider host would turn a numeric `code` into a gRPC status) and a message that says what happened
 * and what to do, with no credential and no key in it.
 */
import type { ErrorBody } from "./schemas";

const BRAND = Symbol.for("pulumi-agentmail.AgentMailError");

/** The base of every error this package raises. */
export class AgentMailError extends Error {
  /** A stable identifier of the kind of error, e.g. `AGENTMAIL_API_ERROR`. */
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = "AgentMailError";
    this.code = code;
    (this as unknown as Record<symbol, boolean>)[BRAND] = true;
  }

  /** True for errors of this package, even from another copy of it (a brand, not `instanceof`). */
  static isInstance(e: unknown): e is AgentMailError {
    return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** Where a request went, for messages. */
export interface RequestInfo {
  /** HTTP method. */
  readonly method: string;
  /** Path, without query string. */
  readonly path: string;
  /** Which credential was used: its source and a hint of its first characters, never the key. */
  readonly credential: string;
}

/** The API answered with an error status. */
export class ApiError extends AgentMailError {
  /** The HTTP status. */
  readonly status: number;
  /** The API's own error code (`missing_permission`, `not_found`, ...), when it sent one. */
  readonly apiCode: string | undefined;
  /** The API's message. */
  readonly apiMessage: string | undefined;
  /** The API's suggested fix. */
  readonly fix: string | undefined;
  /** The request that failed (no credential). */
  readonly request: RequestInfo;

  constructor(request: RequestInfo, status: number, body: ErrorBody | undefined, hint?: string) {
    super("AGENTMAIL_API_ERROR", describeApiError(request, status, body, hint));
    this.name = "AgentMailApiError";
    this.status = status;
    this.apiCode = body?.code;
    this.apiMessage = body?.message;
    this.fix = body?.fix;
    this.request = request;
  }
}

/** True when `e` is an `ApiError` (from any copy of this package) with one of the given statuses. */
export function isApiError(e: unknown, ...statuses: number[]): e is ApiError {
  if (!AgentMailError.isInstance(e) || e.code !== "AGENTMAIL_API_ERROR") return false;
  return statuses.length === 0 || statuses.includes((e as ApiError).status);
}

/** The API answered 2xx with a body that is not what agentmail-api.md documents. */
export class ResponseError extends AgentMailError {
  /** The request whose answer was unexpected (no credential). */
  readonly request: RequestInfo;
  /** The HTTP status of that answer. */
  readonly status: number;
  constructor(request: RequestInfo, status: number, problem: string) {
    super(
      "AGENTMAIL_UNEXPECTED_RESPONSE",
      `AgentMail ${request.method} ${request.path} answered ${status} with an unexpected body: ${problem}. ` +
        "This package may be older than the API: upgrade pulumi-agentmail, or report the issue.",
    );
    this.name = "AgentMailResponseError";
    this.request = request;
    this.status = status;
  }
}

/** No usable answer: the connection failed, was reset, or a timeout passed. */
export class NetworkError extends AgentMailError {
  /** The request that got no answer (no credential). */
  readonly request: RequestInfo;
  /** False when the request surely never reached the server (connection refused, connect timeout). */
  readonly maybeReceived: boolean;
  /** The underlying error's code (`ECONNREFUSED`, `UND_ERR_HEADERS_TIMEOUT`, ...). */
  readonly causeCode: string;
  constructor(request: RequestInfo, causeCode: string, detail: string, maybeReceived: boolean) {
    super(
      causeCode.includes("TIMEOUT") ? "AGENTMAIL_TIMEOUT" : "AGENTMAIL_NETWORK_ERROR",
      `AgentMail ${request.method} ${request.path} failed without an answer (${causeCode}: ${detail}). ` +
        "Check the network and agentmail:baseUrl / AGENTMAIL_BASE_URL; the operation is safe to run again.",
    );
    this.name = "AgentMailNetworkError";
    this.request = request;
    this.maybeReceived = maybeReceived;
    this.causeCode = causeCode;
  }
}

/** No credential, or an unusable one, before any request was sent. */
export class CredentialsError extends AgentMailError {
  constructor(message: string) {
    super("AGENTMAIL_CREDENTIALS", message);
    this.name = "AgentMailCredentialsError";
  }
}

/**
 * What an error answer means and what to do, from the API's own code. Only a missing permission, or a bare
 * 403 that names no code (a gateway's `{"message":"Forbidden"}`), points to the permission the request
 * needs; every other code has a cause of its own, and blaming a permission would send the user to fix the
 * wrong thing. The state conflicts (`resource_taken`, `race_condition`, `resource_deleting`) come as 403 or
 * 409 alike, so the code decides, not the status.
 * @internal
 */
export function apiErrorHint(
  status: number,
  apiCode: string | undefined,
  permission: string | undefined,
): string | undefined {
  switch (apiCode) {
    case undefined:
    case "missing_permission":
      return status === 403 && permission !== undefined
        ? `This request needs the ${permission} permission.`
        : undefined;
    case "api_key_expired":
      return (
        "The credential has expired: create a new API key in the AgentMail console and set it with " +
        "`pulumi config set agentmail:apiKey --secret` (or AGENTMAIL_API_KEY). Keys made without expiresAt " +
        "inherit the expiry of the credential that made them: check the expiresAt output of yours."
      );
    case "resource_taken":
      return "Another resource already holds this name or id, which must be unique: choose another.";
    case "race_condition":
      return "AgentMail saw a concurrent change of the same resource and kept trying; run again.";
    case "resource_deleting":
      return "The resource, or the pod it belongs to, is being deleted: wait until that finishes, or use another pod.";
    case "permission_escalation":
      return (
        "A credential cannot give a key a permission it does not hold itself: ask only for permissions the " +
        "credential holds, or use a credential that holds them all."
      );
    case "unrestricted_key_required":
      return (
        "This request needs an unrestricted credential (an organization API key with full access): creating a " +
        "pod needs one, and so does a key without `permissions`, which means full access. Use such a key " +
        "(agentmail:apiKey or AGENTMAIL_API_KEY), or give the key a `permissions` allowlist."
      );
    case "limit_exceeded":
      return (
        "The organization has reached an AgentMail limit (on pods or keys, for example): delete the ones it no " +
        "longer uses, or ask AgentMail to raise the limit, then run again."
      );
    case "cannot_delete":
      return "AgentMail will not delete it while it still holds other resources: delete those first.";
    default:
      return undefined;
  }
}

function describeApiError(request: RequestInfo, status: number, body: ErrorBody | undefined, hint?: string): string {
  const what = [body?.code, body?.message ?? body?.name].filter((s) => s !== undefined && s !== "").join(": ");
  const parts = [`AgentMail ${request.method} ${request.path} answered ${status}${what ? ` ${what}` : ""}.`];
  const fields = (body?.errors ?? [])
    .map((e) => `${formatPath(e.path)}${e.message ? `: ${e.message}` : ""}`)
    .filter((s) => s !== "");
  if (fields.length > 0) parts.push(`Invalid: ${fields.join("; ")}.`);
  if (body?.fix) parts.push(`Fix: ${body.fix}`);
  if (status === 401 || status === 403) parts.push(`Credential used: ${request.credential}.`);
  if (hint) parts.push(hint);
  if (body?.docs) parts.push(`See ${body.docs}`);
  return parts.join(" ");
}

function formatPath(path: unknown): string {
  if (Array.isArray(path)) return path.join(".");
  return typeof path === "string" ? path : "";
}
