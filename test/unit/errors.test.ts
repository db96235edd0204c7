import assert from "node:assert/strict";
import { resolveCredentials, DEFAULT_BASE_URL, EU_BASE_URL } from "../../provider/agentmail/credentials";
import { AgentMailError, ApiError, CredentialsError, apiErrorHint, isApiError } from "../../provider/agentmail/errors";
import { keyHint, redact } from "../../provider/agentmail/redact";
import { retryOverrides } from "../../provider/runtime";

const KEY = "am_us_0123456789abcdef0123456789abcdef";
const request = {
  method: "POST",
  path: "/v0/pods/p/api-keys",
  credential: "environment variable AGENTMAIL_API_KEY (am_us_012…)",
};

describe("errors, redaction and credentials (unit)", () => {
  it("formats an API error with method, path, status, code, message, fix and the credential's hint", () => {
    const e = new ApiError(request, 403, {
      name: "ForbiddenError",
      code: "missing_permission",
      message: "Forbidden",
      fix: "Grant api_key_create to this key",
      docs: "https://docs.agentmail.to/errors#missing_permission",
    });
    assert.equal(
      e.message,
      "AgentMail POST /v0/pods/p/api-keys answered 403 missing_permission: Forbidden. Fix: Grant api_key_create to this key " +
        "Credential used: environment variable AGENTMAIL_API_KEY (am_us_012…). See https://docs.agentmail.to/errors#missing_permission",
    );
    assert.equal(e.code, "AGENTMAIL_API_ERROR");
    assert.equal(typeof e.code, "string", "a numeric code would become a gRPC status");
    assert.ok(AgentMailError.isInstance(e) && isApiError(e, 403) && !isApiError(e, 404));
  });

  it("blames a permission for a 403 only when the code says one is missing, or there is no code", () => {
    const needs = "This request needs the api_key_create permission.";
    assert.equal(apiErrorHint(403, "missing_permission", "api_key_create"), needs);
    assert.equal(apiErrorHint(403, undefined, "api_key_create"), needs);
    assert.equal(apiErrorHint(403, undefined, undefined), undefined, "no permission known: nothing to name");
    for (const code of ["permission_escalation", "unrestricted_key_required", "limit_exceeded", "cannot_delete"]) {
      const hint = apiErrorHint(403, code, "api_key_create");
      assert.ok(hint !== undefined && !hint.includes("api_key_create"), `${code}: ${hint}`);
    }
    for (const code of ["forbidden", "a_code_from_the_future"])
      assert.equal(apiErrorHint(403, code, "api_key_create"), undefined);
  });

  it("explains an expired credential, a full-access ask of a restricted one, and the state conflicts, each by its code", () => {
    const expired = apiErrorHint(401, "api_key_expired", "api_key_create");
    assert.match(expired ?? "", /credential has expired/);
    assert.match(expired ?? "", /pulumi config set agentmail:apiKey --secret/);
    assert.match(expired ?? "", /inherit the expiry/);
    assert.match(
      apiErrorHint(403, "unrestricted_key_required", "api_key_create") ?? "",
      /without `permissions`, which means full access/,
    );
    for (const status of [403, 409]) {
      assert.match(apiErrorHint(status, "resource_taken", undefined) ?? "", /already holds this name or id/);
      assert.match(apiErrorHint(status, "race_condition", undefined) ?? "", /concurrent change/);
      assert.match(apiErrorHint(status, "resource_deleting", undefined) ?? "", /being deleted/);
    }
    assert.equal(apiErrorHint(401, undefined, "api_key_create"), undefined, "a 401 names no permission");
    assert.equal(apiErrorHint(401, "unknown_api_key", "api_key_create"), undefined);
  });

  it("lists the fields of a validation error", () => {
    const e = new ApiError({ ...request }, 400, {
      name: "ValidationError",
      code: "validation_error",
      errors: [{ path: ["permissions", "message_send"], message: "Expected boolean" }],
    });
    assert.match(
      e.message,
      /answered 400 validation_error: ValidationError\. Invalid: permissions\.message_send: Expected boolean\./,
    );
    assert.doesNotMatch(e.message, /Credential used/);
  });

  it("brands errors so that a second copy of the package recognizes them", () => {
    const foreign = Object.assign(new Error("x"), { [Symbol.for("pulumi-agentmail.AgentMailError")]: true });
    assert.ok(AgentMailError.isInstance(foreign));
    assert.ok(!AgentMailError.isInstance(new Error("x")));
  });

  it("redacts keys in text, leaving a short hint", () => {
    const text = `bad key ${KEY} and am_eu_ZZZZZZZZZZZZZZZZZZZZ`;
    const out = redact(text);
    assert.ok(!out.includes(KEY) && !out.includes("ZZZZZZZZZZZZZZZZ"));
    assert.ok(out.includes(keyHint(KEY)));
    assert.ok(keyHint(KEY).length <= 11);
    assert.equal(redact("token=hunter2-secret", ["hunter2-secret"]), `token=${keyHint("hunter2-secret")}`);
  });

  it("resolves credentials: config first, then the environment; EU keys default to the EU URL", () => {
    const fromConfig = resolveCredentials(
      { apiKey: KEY, baseUrl: "http://127.0.0.1:9/" },
      { AGENTMAIL_API_KEY: "am_us_other" },
    );
    assert.equal(fromConfig.apiKey, KEY);
    assert.equal(fromConfig.baseUrl, "http://127.0.0.1:9");
    assert.match(fromConfig.description, /^stack config agentmail:apiKey \(am_us_0123…\)$/);
    const fromEnv = resolveCredentials({}, { AGENTMAIL_API_KEY: KEY });
    assert.equal(fromEnv.baseUrl, DEFAULT_BASE_URL);
    assert.match(fromEnv.description, /environment variable AGENTMAIL_API_KEY/);
    assert.equal(resolveCredentials({}, { AGENTMAIL_API_KEY: "am_eu_0123456789abcdef" }).baseUrl, EU_BASE_URL);
    assert.ok(!fromEnv.description.includes(KEY));
  });

  it("says how to set a missing credential, and rejects a bad base URL", () => {
    assert.throws(
      () => resolveCredentials({}, {}),
      (e: unknown) => {
        assert.ok(e instanceof CredentialsError);
        assert.match(e.message, /pulumi config set agentmail:apiKey --secret/);
        assert.match(e.message, /AGENTMAIL_API_KEY/);
        return true;
      },
    );
    assert.throws(() => resolveCredentials({ apiKey: KEY, baseUrl: "ftp://x" }, {}), /must be an http\(s\) URL/);
  });

  it("validates retry overrides and names the allowed keys", () => {
    assert.deepEqual(retryOverrides('{"maxAttempts":6}'), { maxAttempts: 6 });
    assert.deepEqual(retryOverrides(undefined), {});
    assert.throws(() => retryOverrides('{"maxAtempts":6}'), /Allowed keys: maxAttempts/);
    assert.throws(() => retryOverrides("{"), /not JSON/);
  });
});
