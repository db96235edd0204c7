/**
 * List / Create / Update / Delete pod API keys.
 *
 * Choices (inferred where the API description is silent):
 * - lists are newest first and never contain a secret; `public_key` entries are listed alongside bearer keys;
 * - `permissions` omitted on create = every permission, and the field is then omitted from answers; an object is
 *   stored and echoed as sent minus unknown names (so `false` fields are echoed too), and minus the names of
 *   `settings.unknownPermissions` (documented: the service strips names it does not recognise); the removed
 *   `provider_*` names are a 400 (documented);
 * - `expires_at` omitted = the calling key's own expiry, if it has one; an `expires_at` later than that is 403
 *   (documented; the code, `forbidden`, is inferred: no source names one);
 * - a body carrying `public_key` registers a public-key credential instead (see `publicKeys.ts`);
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
import { registerPublicKey } from "./publicKeys";
import { checkKeyLimit, inheritedExpiry } from "./keyRules";
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
    api_keys: page.items.map((k) => present(keyWire(k), settings)),
  };
  if (page.nextToken !== undefined) body["next_page_token"] = page.nextToken;
  return { status: 200, body };
};

/** `POST /v0/pods/{pod_id}/api-keys`: 200 with the secret, the only time it is shown. */
export const createApiKey: Handler = (ctx) => {
  requirePermission(ctx.caller, "api_key_create");
  const pod = findPod(ctx);
  const json = parseJsonObject(ctx.body);
  if (json["public_key"] !== undefined) return registerPublicKey(ctx, pod, json);
  const { settings } = ctx.state;
  const body = createApiKeyBody(json, ctx.nowMs, new Set(settings.unknownPermissions));
  checkEscalation(ctx, body.permissions);
  const expiresAt = inheritedExpiry(ctx.caller, body.expires_at);
  checkKeyLimit(ctx, pod.keys.size);
  const { created } = ctx.state.store.insertKey(pod, body.name ?? DEFAULT_KEY_NAME, body.permissions, expiresAt);
  return { status: 200, body: present(created, settings) };
};

/** `PATCH /v0/pods/{pod_id}/api-keys/{api_key_id}`: `name` and/or `permissions` (which replaces the set). */
export const updateApiKey: Handler = (ctx) => {
  requirePermission(ctx.caller, "api_key_update");
  const key = findKey(ctx);
  const body = updateApiKeyBody(parseJsonObject(ctx.body), new Set(ctx.state.settings.unknownPermissions));
  if (body.permissions !== undefined && key.type === "public_key") {
    // Inferred: the Fern definition lets a public-key credential be renamed only.
    throw fail("unprocessable", { message: "A public-key credential has no permissions", fix: "Send only name." });
  }
  if (body.permissions !== undefined) checkEscalation(ctx, body.permissions);
  if (body.name !== undefined) key.name = body.name;
  if (body.permissions !== undefined) key.permissions = body.permissions;
  if (body.name !== undefined || body.permissions !== undefined) key.updated_at = new Date(ctx.nowMs).toISOString();
  return { status: 200, body: present(keyWire(key), ctx.state.settings) };
};

/**
 * A bearer key's answer as the settings say to show it: without the names of `settings.unknownPermissions` (a
 * service that does not know a name does not show it), and a full-access key's `permissions` in the form
 * `settings.fullAccessPermissions` asks for.
 */
function present<T extends object>(key: T, settings: EmulatorSettings): T {
  const bearer = !("type" in key) || key.type === "bearer"; // a create answer has no `type`
  if (!bearer) return key;
  const unknown = new Set(settings.unknownPermissions);
  const permissions = (key as { permissions?: Permissions }).permissions;
  if (permissions !== undefined) {
    if (unknown.size === 0) return key;
    const shown = Object.fromEntries(Object.entries(permissions).filter(([name]) => !unknown.has(name)));
    return { ...key, permissions: shown as Permissions };
  }
  if (settings.fullAccessPermissions === "omit") return key;
  const all = PERMISSION_NAMES.filter((name) => !unknown.has(name)).map((name) => [name, true]);
  return { ...key, permissions: Object.fromEntries(all) as Permissions };
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
