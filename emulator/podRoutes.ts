/**
 * List / Get / Create / Delete Pod.
 *
 * Scope rules (partly inferred): a pod-scoped key listing pods sees only its own pod; another pod answers 404
 * like a missing one; creating a pod needs an organization key (403 `unrestricted_key_required`), since a pod
 * key's scope cannot hold a new pod. Permissions are checked before the scope, as a route-level middleware does.
 */
import { reachesPod, requirePermission } from "./auth";
import type { Handler, RequestContext, Reply } from "./context";
import { fail } from "./errors";
import { cutPage, parseBooleanFlag, parseLimit } from "./pagination";
import { inboxWire, podWire, type PodRecord } from "./records";
import { createPodBody, parseJsonObject } from "./validation";

/** `GET /v0/pods?limit=&page_token=&ascending=`: newest first unless `ascending=true`. */
export const listPods: Handler = (ctx) => {
  requirePermission(ctx.caller, "pod_read");
  const { settings, store, tokens } = ctx.state;
  const limit = parseLimit(ctx.query.get("limit"), settings.defaultPageLimit, settings.maxPageLimit);
  const ascending = parseBooleanFlag(ctx.query.get("ascending"), "ascending");
  let records: PodRecord[];
  if (ctx.caller.scope === "organization") {
    records = store.podRecords();
  } else {
    const own = ctx.caller.podId === undefined ? undefined : store.podRecord(ctx.caller.podId);
    records = own ? [own] : [];
  }
  if (!ascending) records.reverse();
  const page = cutPage(records, {
    tokens,
    list: `pods:${ascending ? "asc" : "desc"}:${ctx.caller.podId ?? "*"}`,
    token: ctx.query.get("page_token"),
    limit,
    descending: !ascending,
    emptyPages: settings.emptyPages,
  });
  const body: Record<string, unknown> = { count: page.items.length, limit, pods: page.items.map(podWire) };
  if (page.nextToken !== undefined) body["next_page_token"] = page.nextToken;
  return { status: 200, body };
};

/** `GET /v0/pods/{pod_id}`. */
export const getPod: Handler = (ctx) => {
  requirePermission(ctx.caller, "pod_read");
  return { status: 200, body: podWire(findPod(ctx)) };
};

/** `POST /v0/pods`: a repeated `client_id` answers 200 with the original pod and creates nothing. */
export const createPod: Handler = (ctx) => {
  if (ctx.caller.scope !== "organization") throw fail("unrestricted_key_required");
  requirePermission(ctx.caller, "pod_create");
  const { store, settings } = ctx.state;
  const body = createPodBody(parseJsonObject(ctx.body));
  const existing = body.client_id === undefined ? undefined : store.podByClientId(body.client_id);
  if (existing === undefined && settings.limits.pods !== undefined && store.podCount() >= settings.limits.pods) {
    throw fail("limit_exceeded", { message: `Pod limit of ${settings.limits.pods} reached` });
  }
  const { record } = store.insertPod(body.name, body.client_id);
  return { status: 200, body: podWire(record) };
};

/** `DELETE /v0/pods/{pod_id}`: 204; 409 `cannot_delete` while the pod holds inboxes (inferred). */
export const deletePod: Handler = (ctx): Reply => {
  requirePermission(ctx.caller, "pod_delete");
  const record = findPod(ctx);
  if (record.inboxes.length > 0) {
    throw fail("cannot_delete", {
      message: "Pod still holds inboxes or domains",
      fix: "Delete the pod's inboxes and domains first.",
    });
  }
  ctx.state.store.removePod(record);
  return { status: 204 };
};

/**
 * `GET /v0/pods/{pod_id}/inboxes?limit=&page_token=&ascending=`: `{ count, limit, next_page_token?, inboxes }`,
 * newest first unless `ascending=true` (the `agentmail` SDK's `pods.inboxes.list`: "Ordered by `created_at`
 * descending"; `count` is the number of items on the page). Needs `inbox_read` (inferred from the name).
 */
export const listPodInboxes: Handler = (ctx) => {
  requirePermission(ctx.caller, "inbox_read");
  const { settings, tokens } = ctx.state;
  const pod = findPod(ctx);
  const limit = parseLimit(ctx.query.get("limit"), settings.defaultPageLimit, settings.maxPageLimit);
  const ascending = parseBooleanFlag(ctx.query.get("ascending"), "ascending");
  const records = ascending ? [...pod.inboxes] : [...pod.inboxes].reverse();
  const page = cutPage(records, {
    tokens,
    list: `inboxes:${pod.pod_id}:${ascending ? "asc" : "desc"}`,
    token: ctx.query.get("page_token"),
    limit,
    descending: !ascending,
    emptyPages: settings.emptyPages,
  });
  const body: Record<string, unknown> = { count: page.items.length, limit, inboxes: page.items.map(inboxWire) };
  if (page.nextToken !== undefined) body["next_page_token"] = page.nextToken;
  return { status: 200, body };
};

/** The pod named by the first path parameter, within the caller's scope, or the 404 answer. */
export function findPod(ctx: RequestContext): PodRecord {
  const podId = ctx.params[0] ?? "";
  const record = reachesPod(ctx.caller, podId) ? ctx.state.store.podRecord(podId) : undefined;
  if (record === undefined) throw fail("not_found", { message: "Pod not found" });
  return record;
}
