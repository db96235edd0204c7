/**
 * A resource's own `connection` (`{ apiKey, baseUrl? }`): the credential that replaces the stack's for
 * every operation of that resource, so that one stack can manage pods and keys in two organizations or
 * regions. Here: its validation for `check`, reading it from a resource's inputs or state, and diff's rule.
 *
 * Its `apiKey` is a secret: no reason below ever quotes it (a base URL is shown redacted of it), and the
 * resource classes wrap the whole object in `pulumi.secret` and list it in `additionalSecretOutputs`.
 */
import { z } from "zod";
import { baseUrlProblem, type ConnectionSettings } from "../agentmail/credentials";
import { orUnknown, type Failure } from "./inputs";
import { suggest } from "./suggest";
import { isKnown, UNKNOWN } from "./unknown";

/** The fields a connection has, as messages list them. */
const FIELDS = ["apiKey", "baseUrl"] as const;

/** What `connection` accepts, in words. @internal */
export const CONNECTION_ALLOWED =
  "an object { apiKey, baseUrl? } with a non-empty AgentMail API key (a secret) and, optionally, the API's " +
  "https:// address (default: https://api.agentmail.eu for am_eu_ keys, else https://api.agentmail.to), or " +
  "omit it to use the stack's credential (agentmail:apiKey / AGENTMAIL_API_KEY)";

/** The zod shape of `connection` inside an inputs schema. @internal */
export const ConnectionSchema = orUnknown(
  z.strictObject({
    apiKey: orUnknown(z.string().refine((v) => v.trim() !== "")),
    baseUrl: orUnknown(z.string()).optional(),
  }),
).optional();

/** The reason for an invalid field of `connection` (`path` starts with "connection"); never quotes the key. @internal */
export function connectionReason(path: readonly string[], news: Readonly<Record<string, unknown>>): string {
  const connection = news["connection"];
  if (path.length === 1) return `connection is not valid: expected ${CONNECTION_ALLOWED}.`;
  if (path[1] === "apiKey") {
    const given = typeof connection === "object" && connection !== null && "apiKey" in connection;
    return `connection.apiKey ${given ? "is empty or not a string" : "is required"}: expected a non-empty AgentMail API key (a secret).`;
  }
  return `${path.join(".")} is not valid: expected a string, the API's https:// address (e.g. https://api.agentmail.eu).`;
}

/** The reason for an unknown field inside `connection`. @internal */
export function unknownConnectionField(key: string): string {
  const near = suggest(key, FIELDS);
  const hint = near === undefined ? "" : ` Did you mean "${near}"?`;
  return `"${key}" is not a field of connection.${hint} Allowed: ${FIELDS.join(", ")}.`;
}

/**
 * What the schema cannot say: the base URL rules of the stack's `agentmail:baseUrl` (https only, except to
 * this machine; no user:password@, query or fragment), for a connection that passed the schema. @internal
 */
export function connectionFailures(news: Readonly<Record<string, unknown>>): Failure[] {
  const connection = connectionOf(news);
  const baseUrl = connection?.baseUrl;
  if (connection === undefined || baseUrl === undefined || baseUrl === UNKNOWN || baseUrl.trim() === "") return [];
  const problem = baseUrlProblem(baseUrl.trim(), "connection.baseUrl", connection.apiKey);
  return problem === undefined ? [] : [{ property: "connection.baseUrl", reason: problem }];
}

/** The connection in a resource's inputs or state, or undefined (none given, or not known yet). @internal */
export function connectionOf(props: Readonly<Record<string, unknown>>): ConnectionSettings | undefined {
  const c = props["connection"];
  if (c === null || typeof c !== "object") return undefined;
  const { apiKey, baseUrl } = c as Record<string, unknown>;
  if (typeof apiKey !== "string") return undefined;
  return typeof baseUrl === "string" ? { apiKey, baseUrl } : { apiKey };
}

/**
 * True when the connection differs from the stored one (or is not known yet). It replaces nothing (the
 * resource stays where it is), but it is a change: the update stores the new connection, so that later
 * reads and the delete use it. Without it the state would keep the old one (a diff of "no change" keeps the
 * old outputs), and a revoked old credential would make the resource undeletable.
 * @internal
 */
export function connectionChanged(
  olds: Readonly<Record<string, unknown>>,
  news: Readonly<Record<string, unknown>>,
): boolean {
  if (!isKnown(news["connection"])) return true;
  const [a, b] = [connectionOf(olds), connectionOf(news)];
  return a?.apiKey !== b?.apiKey || (a?.baseUrl ?? "") !== (b?.baseUrl ?? "");
}
