/**
 * Error bodies in the documented AgentMail shapes (`ErrorResponse`, `ValidationErrorResponse`) and the
 * exception the route handlers throw to answer with one.
 */

/** Every error code the emulator can answer with (see agentmail-api.md, "Errors"). */
export type ErrorCode =
  | "missing_authorization"
  | "invalid_token_type"
  | "unknown_api_key"
  | "api_key_expired"
  | "unauthorized"
  | "missing_permission"
  | "permission_escalation"
  | "unrestricted_key_required"
  | "forbidden"
  | "validation_error"
  | "not_found"
  | "method_not_allowed"
  | "unprocessable"
  | "already_exists"
  | "limit_exceeded"
  | "conflict"
  | "cannot_delete"
  | "resource_taken"
  | "race_condition"
  | "resource_deleting"
  | "rate_limit_exceeded"
  | "internal_error"
  | "service_unavailable";

/** The documented error body of every status but 400: `{ name, message, code?, fix?, docs? }`. */
export interface ErrorResponse {
  name: string;
  message: string;
  code?: string;
  fix?: string;
  docs?: string;
}

/**
 * One problem in a `ValidationErrorResponse`. `path` as an array of keys (`["permissions", "message_send"]`)
 * is inferred: the API description types it loosely; this is what a zod-validated server emits.
 */
export interface ValidationIssue {
  path: string[];
  message: string;
}

/** The documented 400 body: `{ name, errors: [{ path, message }], code?: "validation_error", message? }`. */
export interface ValidationErrorResponse {
  name: string;
  errors: ValidationIssue[];
  code?: "validation_error";
  message?: string;
}

interface CodeInfo {
  readonly status: number;
  readonly name: string;
  readonly message: string;
  readonly fix: string;
}

// Statuses, names and messages: the codes and their statuses are documented; the `name` strings, the
// messages and the `fix` sentences are inferred (the only documented example is ForbiddenError/"Forbidden").
const CODES: Readonly<Record<ErrorCode, CodeInfo>> = {
  missing_authorization: {
    status: 401,
    name: "UnauthorizedError",
    message: "Missing Authorization header",
    fix: "Send the header `Authorization: Bearer <api key>`.",
  },
  invalid_token_type: {
    status: 401,
    name: "UnauthorizedError",
    message: "Invalid token type",
    fix: "Use an AgentMail API key (it starts with `am_`).",
  },
  unknown_api_key: {
    status: 401,
    name: "UnauthorizedError",
    message: "Unknown API key",
    fix: "Check that the API key exists, is not revoked and has not expired.",
  },
  api_key_expired: {
    status: 401,
    name: "UnauthorizedError",
    message: "API key expired",
    fix: "Create a new API key (the expired one cannot be renewed) and use it instead.",
  },
  unauthorized: {
    status: 401,
    name: "UnauthorizedError",
    message: "Unauthorized",
    fix: "Authenticate with `Authorization: Bearer <api key>`.",
  },
  missing_permission: {
    status: 403,
    name: "ForbiddenError",
    message: "Forbidden",
    fix: "Use an API key that holds the permission this operation needs.",
  },
  permission_escalation: {
    status: 403,
    name: "ForbiddenError",
    message: "Cannot grant permissions the calling key does not hold",
    fix: "Request only permissions that the calling API key holds.",
  },
  unrestricted_key_required: {
    status: 403,
    name: "ForbiddenError",
    message: "This operation requires an organization API key",
    fix: "Use an organization-scoped API key.",
  },
  forbidden: {
    status: 403,
    name: "ForbiddenError",
    message: "Forbidden",
    fix: "Use an API key allowed to perform this operation.",
  },
  validation_error: {
    status: 400,
    name: "ValidationError",
    message: "Validation error",
    fix: "Correct the fields listed in `errors`.",
  },
  not_found: {
    status: 404,
    name: "NotFoundError",
    message: "Not found",
    fix: "Check the identifiers in the path and the scope of the API key.",
  },
  method_not_allowed: {
    status: 405,
    name: "MethodNotAllowedError",
    message: "Method not allowed",
    fix: "Use one of the methods listed in the `Allow` header.",
  },
  unprocessable: {
    status: 422,
    name: "UnprocessableEntityError",
    message: "Unprocessable entity",
    fix: "Change the request so that the server can apply it.",
  },
  already_exists: {
    status: 409,
    name: "AlreadyExistsError",
    message: "Already exists",
    fix: "Use another identifier or fetch the existing resource.",
  },
  limit_exceeded: {
    status: 403,
    name: "LimitExceededError",
    message: "Limit exceeded",
    fix: "Delete unused resources or raise the organization's limits.",
  },
  conflict: {
    status: 409,
    name: "ConflictError",
    message: "Conflict",
    fix: "Retry once the conflicting operation has finished.",
  },
  cannot_delete: {
    status: 409,
    name: "CannotDeleteError",
    message: "Cannot delete",
    fix: "Delete the resources it still holds first.",
  },
  // State conflicts: the reference says "403 or 409"; 409 is the emulator's pick (inferred). No route answers with
  // them on its own: fault rules (`{ code: "race_condition" }`, or `status: 403` with the code) do.
  resource_taken: {
    status: 409,
    name: "ConflictError",
    message: "Resource taken",
    fix: "Use another identifier: this one is held by another resource.",
  },
  race_condition: {
    status: 409,
    name: "ConflictError",
    message: "Race condition",
    fix: "Another request changed the resource at the same time; retry.",
  },
  resource_deleting: {
    status: 409,
    name: "ConflictError",
    message: "Resource is being deleted",
    fix: "Wait until the deletion has finished, then retry.",
  },
  rate_limit_exceeded: {
    status: 429,
    name: "RateLimitError",
    message: "Rate limit exceeded",
    fix: "Wait for the number of seconds in the `Retry-After` header, then retry.",
  },
  internal_error: {
    status: 500,
    name: "InternalServerError",
    message: "Internal server error",
    fix: "Retry later.",
  },
  service_unavailable: {
    status: 503,
    name: "ServiceUnavailableError",
    message: "Service unavailable",
    fix: "Retry later.",
  },
};

/** Base URL of the per-code documentation links in error bodies. */
export const ERROR_DOCS_URL = "https://docs.agentmail.to/errors";

/** Returns whether `code` is one of the emulator's known error codes. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(CODES, code);
}

/** The HTTP status the API answers a given code with. */
export function statusOf(code: ErrorCode): number {
  return CODES[code].status;
}

/** Optional specifics of an error answer. */
export interface ErrorDetail {
  /** Replaces the code's default message. */
  message?: string;
  /** Replaces the code's default `fix`. */
  fix?: string;
  /** Extra response headers (e.g. `Allow` on 405). */
  headers?: Record<string, string>;
}

/** The documented body of an error code, with optional more specific message and fix. */
export function errorBody(code: ErrorCode, detail: ErrorDetail = {}): ErrorResponse {
  const info = CODES[code];
  return {
    name: info.name,
    message: detail.message ?? info.message,
    code,
    fix: detail.fix ?? info.fix,
    docs: `${ERROR_DOCS_URL}#${code}`,
  };
}

/** The documented 400 body listing `errors`. */
export function validationBody(errors: ValidationIssue[], message?: string): ValidationErrorResponse {
  return {
    name: CODES.validation_error.name,
    errors,
    code: "validation_error",
    message: message ?? (errors[0] ? errors[0].message : CODES.validation_error.message),
  };
}

// The code used for a fault reply given only a status (so that tests can write `{ status: 503 }`).
const DEFAULT_CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: "validation_error",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  422: "unprocessable",
  429: "rate_limit_exceeded",
  500: "internal_error",
  503: "service_unavailable",
};

/**
 * The documented body for a bare status: the code's body when the status has a documented code,
 * `internal_error`-like for other 5xx, and a generic `{ name, message }` otherwise.
 */
export function bodyForStatus(status: number, code?: ErrorCode): ErrorResponse | ValidationErrorResponse {
  const chosen = code ?? DEFAULT_CODE_BY_STATUS[status];
  if (chosen === "validation_error") return validationBody([{ path: [], message: "Invalid request" }]);
  if (chosen !== undefined) return errorBody(chosen);
  if (status >= 500) return errorBody("internal_error", { message: `Error ${status}` });
  return { name: "Error", message: `Error ${status}` };
}

/** Thrown by route handlers to answer with an error; the server turns it into the reply. */
export class ApiFailure extends Error {
  /** HTTP status of the answer. */
  readonly status: number;
  /** Body of the answer, in one of the documented shapes. */
  readonly body: ErrorResponse | ValidationErrorResponse;
  /** Extra response headers (e.g. `Allow` on 405). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, body: ErrorResponse | ValidationErrorResponse, headers: Record<string, string> = {}) {
    super(body.message ?? body.name);
    this.name = "ApiFailure";
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/** An `ApiFailure` for an error code, at its documented status. */
export function fail(code: ErrorCode, detail: ErrorDetail = {}): ApiFailure {
  return new ApiFailure(statusOf(code), errorBody(code, detail), detail.headers);
}

/** A 400 `ApiFailure` listing validation problems. */
export function invalid(errors: ValidationIssue[]): ApiFailure {
  return new ApiFailure(400, validationBody(errors));
}
