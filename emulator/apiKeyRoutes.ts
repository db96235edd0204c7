/**
 * List / Create / Update / Delete pod API keys.
 *
 * Choices (inferred where the API description is silent):
 * - lists are newest first and never contain a secret; `public_key` entries are listed alongside bearer keys;
 * - `permissions` omitted on create = every permission, and the field is then omitted from answers; an object is
 *   stored and echoed as sent minus unknown names (so `false` fields are echoed too);
 * - a key cannot be given (on create or update) a permission its creator lacks: 403 `permission_escalation`;
 * - a key without a `name` is called "API Key";
 * - with `settings.listingLagMs`, keys younger than that are left out of listings (a lagging index), while the key
 *   itself works at once: what a client must not mistake for "revoked".
 */
import { requirePermission } from "./auth";
import type { EmulatorSettings, Handler, RequestContext } from "./context";
import { fail } from "./errors";
import { cutPage, parseLimit } from "./pagination";
import { escalation, PERMISSION_NAMES, type Permissions } from "./permissions";
import { findPod } from "./podRoutes";
import { keyWire, type KeyRecord } from "./records";
import { DEFAULT_KEY_NAME } from "./storeView";
import { createApiKeyBody, parseJsonObject, updateApiKeyBody } from "./validation";

/** `GET /v0/pods/{pod_id}/api-keys?limit=&page_token=`. */
export const listApiKeys: Handler = (ctx) => {
  requirePermission(ctx.caller, "api_key_read");
  const pod = findPod(ctx);
  const { settings, tokens } = ctx.state;
  const limit = parseLimit(ctx.query.get("limit"), settings.defaultPageLimit, settings.maxPageLimit);
  const lag = settings.listingLagMs;
  const listed = [...pod.keys.values()].filter((k) => lag <= 0 || ctx.nowMs - Date.parse(k.created_at) >= lag);
  const page = cutPage(listed.reverse(), {
    tokens,
    list: `keys:${pod.pod_id}`,
    token: ctx.query.get("page_token"),
    limit,
    descending: true,
    emptyPages: settings.emptyPages,
  });
  const body: Record<string, unknown> = {
    count: page.items.length,
    api_keys: page.items.map((k) => showFullAccess(keyWire(k), settings)),
  };
  if (page.nextToken !== undefined) body["next_page_token"] = page.nextToken;
  return { status: 200, body };
};

/** `POST /v0/pods/{pod_id}/api-keys`: 200 with the secret, the only time it is shown. */
export const createApiKey: Handler = (ctx) => {
  requirePermission(ctx.caller, "api_key_create");
  const pod = findPod(ctx);
  const body = createApiKeyBody(parseJsonObject(ctx.body), ctx.nowMs);
  checkEscalation(ctx, body.permissions);
  const max = ctx.state.settings.limits.apiKeysPerPod;
  if (max !== undefined && pod.keys.size >= max) {
    throw fail("limit_exceeded", { message: `API key limit of ${max} per pod reached` });
  }
  const { created } = ctx.state.store.insertKey(pod, body.name ?? DEFAULT_KEY_NAME, body.permissions, body.expires_at);
  return { status: 200, body: showFullAccess(created, ctx.state.settings) };
};

/** `PATCH /v0/pods/{pod_id}/api-keys/{api_key_id}`: `name` and/or `permissions` (which replaces the set). */
export const updateApiKey: Handler = (ctx) => {
  requirePermission(ctx.caller, "api_key_update");
  const key = findKey(ctx);
  const body = updateApiKeyBody(parseJsonObject(ctx.body));
  if (body.permissions !== undefined) checkEscalation(ctx, body.permissions);
  if (body.name !== undefined) key.name = body.name;
  if (body.permissions !== undefined) key.permissions = body.permissions;
  if (body.name !== undefined || body.permissions !== undefined) key.updated_at = new Date(ctx.nowMs).toISOString();
  return { status: 200, body: showFullAccess(keyWire(key), ctx.state.settings) };
};

/** A full-access key's `permissions` as `settings.fullAccessPermissions` says to show them. */
function showFullAccess<T extends object>(key: T, settings: EmulatorSettings): T {
  const bearer = !("type" in key) || key.type === "bearer"; // a create answer has no `type`
  if (settings.fullAccessPermissions === "omit" || !bearer) return key;
  if ((key as { permissions?: Permissions }).permissions !== undefined) return key;
  return { ...key, permissions: Object.fromEntries(PERMISSION_NAMES.map((p) => [p, true])) as Permissions };
}

/** `DELETE /v0/pods/{pod_id}/api-keys/{api_key_id}`: 204; the secret stops working at once. */
export const deleteApiKey: Handler = (ctx) => {
  requirePermission(ctx.caller, "api_key_delete");
  ctx.state.store.removeKey(findKey(ctx));
  return { status: 204 };
};

function findKey(ctx: RequestContext): KeyRecord {
  const key = findPod(ctx).keys.get(ctx.params[1] ?? "");
  if (key === undefined) throw fail("not_found", { message: "API key not found" });
  return key;
}

function checkEscalation(ctx: RequestContext, wanted: Permissions | undefined): void {
  const lacking = escalation(ctx.caller.permissions, wanted);
  if (lacking.length > 0) {
    const shown = lacking.slice(0, 5).join(", ") + (lacking.length > 5 ? `, … (${lacking.length} in all)` : "");
    throw fail("permission_escalation", {
      fix: `Do not request permissions the calling key lacks: ${shown}.`,
    });
  }
}
