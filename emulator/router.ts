/**
 * Maps a method and path to a handler. Paths are matched segment by segment, without normalization (a trailing
 * slash is another path). An unknown path answers 404 `not_found`; a known path with another method answers
 * 405 with an `Allow` header (inferred: the API description does not say).
 */
import { createApiKey, deleteApiKey, listApiKeys, updateApiKey } from "./apiKeyRoutes";
import type { Handler } from "./context";
import { fail } from "./errors";
import { createPod, deletePod, getPod, listPodInboxes, listPods } from "./podRoutes";
import type { AuthMe } from "./wire";

/** `GET /v0/auth/me`: needs no permission. */
const authMe: Handler = (ctx) => {
  const orgId = ctx.state.store.organizationId();
  const { caller } = ctx;
  const body: AuthMe =
    caller.scope === "organization"
      ? { scope_type: "organization", scope_id: orgId, organization_id: orgId, api_key_id: caller.apiKeyId }
      : {
          scope_type: "pod",
          scope_id: caller.podId ?? "",
          organization_id: orgId,
          pod_id: caller.podId ?? "",
          api_key_id: caller.apiKeyId,
        };
  return { status: 200, body };
};

type Methods = Readonly<Record<string, Handler>>;

const POD_COLLECTION: Methods = { GET: listPods, POST: createPod };
const POD_ITEM: Methods = { GET: getPod, DELETE: deletePod };
const POD_INBOXES: Methods = { GET: listPodInboxes };
const KEY_COLLECTION: Methods = { GET: listApiKeys, POST: createApiKey };
const KEY_ITEM: Methods = { PATCH: updateApiKey, DELETE: deleteApiKey };
const AUTH_ME: Methods = { GET: authMe };

/** A matched route. */
export interface Route {
  readonly handler: Handler;
  /** Decoded path parameters in order (`pod_id`, `api_key_id`). */
  readonly params: string[];
}

/** Finds the handler of a request, or throws the 404/405 answer. */
export function route(method: string, path: string): Route {
  const segments = path.split("/");
  // segments[0] is "" (the path starts with "/"); every API path starts with /v0.
  let methods: Methods | undefined;
  let params: string[] = [];
  if (segments[0] === "" && segments[1] === "v0") {
    const [, , first, second, third, fourth] = segments;
    const n = segments.length;
    if (first === "pods") {
      if (n === 3) methods = POD_COLLECTION;
      else if (n === 4 && nonEmpty(second)) [methods, params] = [POD_ITEM, [second]];
      else if (n === 5 && nonEmpty(second) && third === "api-keys") [methods, params] = [KEY_COLLECTION, [second]];
      else if (n === 5 && nonEmpty(second) && third === "inboxes") [methods, params] = [POD_INBOXES, [second]];
      else if (n === 6 && nonEmpty(second) && third === "api-keys" && nonEmpty(fourth)) {
        [methods, params] = [KEY_ITEM, [second, fourth]];
      }
    } else if (first === "auth" && second === "me" && n === 4) {
      methods = AUTH_ME;
    }
  }
  if (methods === undefined) throw fail("not_found", { message: `No route for ${path}` });
  const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (handler === undefined) {
    const allow = Object.keys(methods).join(", ");
    throw fail("method_not_allowed", { message: `${method} is not allowed on ${path}`, headers: { allow } });
  }
  return { handler, params: params.map(decode) };
}

function nonEmpty(segment: string | undefined): segment is string {
  return segment !== undefined && segment !== "";
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw fail("not_found", { message: "Malformed path" });
  }
}
