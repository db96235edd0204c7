/**
 * The admin routes, for a test driving the emulator from another process. They need the organization key as
 * Bearer (401 as the API when missing or unknown, 403 `forbidden` for any other key), and bypass faults and the
 * request log.
 *
 * - `POST   /__emulator/faults`      body: a fault rule; `path` is a string, `pathRegex` a RegExp source of the
 *   safe subset `unsafeRegexReason` (paths.ts) describes -> `{ id }`
 * - `GET    /__emulator/faults`      -> `{ faults: [...] }` (RegExp paths shown as `pathRegex`)
 * - `DELETE /__emulator/faults`      removes every rule -> 204
 * - `DELETE /__emulator/faults/{id}` removes one rule -> 204, or 404
 * - `GET    /__emulator/log`         -> `{ entries: [...] }`
 * - `DELETE /__emulator/log`         -> 204
 * - `GET    /__emulator/state`       pods and key metadata, no secrets
 * - `GET    /__emulator/rate-limit`  -> `{ limited }`: requests answered 429 by `settings.rateLimit` so far
 * - `POST   /__emulator/reset`       store back to a lone "Default Pod", no faults, empty log, count 0 -> 204
 * - `GET    /__emulator/settings`    -> the settings (`EmulatorSettings`)
 * - `PATCH  /__emulator/settings`    body: some settings, e.g. `{ "listingLagMs": 5000 }` -> the settings; 400 and
 *                                    no change when any member is invalid
 */
import type { Credential } from "./auth";
import type { Reply } from "./context";
import { fail, invalid } from "./errors";
import type { FaultInfo, FaultRule } from "./faults";
import type { ServerParts } from "./server";
import { unsafeRegexReason } from "./paths";
import { patchSettings } from "./settings";
import { parseJsonObject } from "./validation";

/** One admin request, as `handleAdmin` sees it. */
export interface AdminRequest {
  readonly method: string;
  readonly path: string;
  readonly body: Buffer | undefined;
  readonly credential: Credential;
  readonly parts: ServerParts;
}

/** Answers an admin request (throws `ApiFailure` for errors). */
export function handleAdmin(req: AdminRequest): Reply {
  const caller = req.credential.caller;
  if (typeof caller === "string") throw fail(caller);
  if (caller.scope !== "organization") {
    throw fail("forbidden", { message: "Admin routes need the organization key" });
  }
  const { faults, log, state } = req.parts;
  const route = `${req.method} ${req.path}`;
  switch (route) {
    case "POST /__emulator/faults":
      return { status: 200, body: { id: addRule(req.parts, parseJsonObject(req.body)) } };
    case "GET /__emulator/faults":
      return { status: 200, body: { faults: faults.list().map(faultToJson) } };
    case "DELETE /__emulator/faults":
      faults.clear();
      return { status: 204 };
    case "GET /__emulator/log":
      return { status: 200, body: { entries: log.entries() } };
    case "DELETE /__emulator/log":
      log.clear();
      return { status: 204 };
    case "GET /__emulator/state":
      return { status: 200, body: state.store.state() };
    case "GET /__emulator/settings":
      return { status: 200, body: state.settings };
    case "PATCH /__emulator/settings":
      patchSettings(state.settings, parseJsonObject(req.body));
      return { status: 200, body: state.settings };
    case "GET /__emulator/rate-limit":
      return { status: 200, body: { limited: req.parts.limiter.limited } };
    case "POST /__emulator/reset":
      state.store.reset();
      faults.clear();
      log.clear();
      req.parts.limiter.reset();
      return { status: 204 };
    default:
      break;
  }
  const one = /^\/__emulator\/faults\/([^/]+)$/.exec(req.path);
  if (one?.[1] !== undefined && req.method === "DELETE") {
    if (!faults.remove(one[1])) throw fail("not_found", { message: `No fault rule ${one[1]}` });
    return { status: 204 };
  }
  throw fail("not_found", { message: `No admin route ${req.method} ${req.path}` });
}

function addRule(parts: ServerParts, json: Record<string, unknown>): string {
  const rule = ruleFromJson(json);
  try {
    return parts.faults.add(rule);
  } catch (err) {
    if (err instanceof TypeError) throw invalid([{ path: [], message: err.message }]);
    throw err;
  }
}

/** A fault rule from JSON: `pathRegex` (and optional `pathRegexFlags`) become a RegExp `path`. */
export function ruleFromJson(json: Record<string, unknown>): FaultRule {
  const { pathRegex, pathRegexFlags, ...rest } = json;
  const rule = rest as FaultRule;
  if (pathRegex !== undefined) {
    if (typeof pathRegex !== "string") throw invalid([{ path: ["pathRegex"], message: "pathRegex must be a string" }]);
    if (rule.path !== undefined) throw invalid([{ path: ["path"], message: "give path or pathRegex, not both" }]);
    const unsafe = unsafeRegexReason(pathRegex);
    if (unsafe !== undefined) throw invalid([{ path: ["pathRegex"], message: unsafe }]);
    try {
      rule.path = new RegExp(pathRegex, typeof pathRegexFlags === "string" ? pathRegexFlags : "");
    } catch (err) {
      throw invalid([{ path: ["pathRegex"], message: (err as Error).message }]);
    }
  }
  return rule;
}

function faultToJson(info: FaultInfo): Record<string, unknown> {
  const { path, ...rest } = info;
  if (path instanceof RegExp) return { ...rest, pathRegex: path.source, pathRegexFlags: path.flags };
  return path === undefined ? rest : { ...rest, path };
}
