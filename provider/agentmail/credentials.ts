/**
 * Which credential and base URL an operation uses. Read when an operation runs, never captured in
 * the serialized provider: stack config (`agentmail:apiKey`, `agentmail:baseUrl`, through the dynamic
 * provider's `configure()`) first, then the environment (`AGENTMAIL_API_KEY`, `AGENTMAIL_BASE_URL`).
 */
import { isIPv4 } from "node:net";
import { CredentialsError } from "./errors";
import { keyHint, redact } from "./redact";

/** The default API address. */
export const DEFAULT_BASE_URL = "https://api.agentmail.to";
/** The EU region's address, used by default for keys that start with `am_eu_` (as the official SDK does). */
export const EU_BASE_URL = "https://api.agentmail.eu";

/** Values from the stack's config, as `configure()` saw them. */
export interface ConfiguredSettings {
  readonly apiKey?: string | undefined;
  readonly baseUrl?: string | undefined;
}

/** A credential ready to use. */
export interface Credentials {
  readonly apiKey: string;
  readonly baseUrl: string;
  /** For messages: where the key came from and its first characters, never the key. */
  readonly description: string;
  /**
   * Where the base URL is set, for messages that tell the user what to change: `connection.baseUrl` for a
   * resource's own connection. Default (absent): the stack's `agentmail:baseUrl` / `AGENTMAIL_BASE_URL`.
   */
  readonly baseUrlSetting?: string;
}

/**
 * A resource's own credential (its `connection` input), in place of the stack's: the API key, and the
 * address, which by default follows the key's region (`am_eu_` keys: {@link EU_BASE_URL}, others:
 * {@link DEFAULT_BASE_URL}), never the stack's `agentmail:baseUrl`, which belongs to the stack's credential.
 */
export interface ConnectionSettings {
  readonly apiKey: string;
  readonly baseUrl?: string | undefined;
}

/**
 * The credentials of a resource's `connection`, checked by the same base URL rules as the stack's.
 * Only the stack's retry settings still apply to it. @internal
 */
export function connectionCredentials(connection: ConnectionSettings): Credentials {
  const apiKey = nonEmpty(connection.apiKey);
  if (apiKey === undefined) {
    throw new CredentialsError("connection.apiKey is empty: give this resource's connection an AgentMail API key.");
  }
  const baseUrl = nonEmpty(connection.baseUrl) ?? (apiKey.startsWith("am_eu_") ? EU_BASE_URL : DEFAULT_BASE_URL);
  const problem = baseUrlProblem(baseUrl, "connection.baseUrl", apiKey);
  if (problem !== undefined) throw new CredentialsError(problem);
  return {
    apiKey,
    baseUrl: baseUrl.replace(/\/+$/, ""),
    description: `this resource's connection.apiKey (${keyHint(apiKey)})`,
    baseUrlSetting: "connection.baseUrl",
  };
}

/** @internal */
export function resolveCredentials(
  config: ConfiguredSettings,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Credentials {
  const fromConfig = nonEmpty(config.apiKey);
  const apiKey = fromConfig ?? nonEmpty(env["AGENTMAIL_API_KEY"]);
  if (apiKey === undefined) {
    throw new CredentialsError(
      "No AgentMail API key. Set it in the stack's config with " +
        "`pulumi config set agentmail:apiKey --secret` (recommended), " +
        "or in the AGENTMAIL_API_KEY environment variable of the process that runs `pulumi`.",
    );
  }
  const source = fromConfig !== undefined ? "stack config agentmail:apiKey" : "environment variable AGENTMAIL_API_KEY";
  const urlSource = nonEmpty(config.baseUrl) !== undefined ? "agentmail:baseUrl" : "AGENTMAIL_BASE_URL";
  const rawUrl = nonEmpty(config.baseUrl) ?? nonEmpty(env["AGENTMAIL_BASE_URL"]);
  const baseUrl = rawUrl ?? (apiKey.startsWith("am_eu_") ? EU_BASE_URL : DEFAULT_BASE_URL);
  const problem = baseUrlProblem(baseUrl, urlSource, apiKey);
  if (problem !== undefined) throw new CredentialsError(problem);
  return {
    apiKey,
    baseUrl: baseUrl.replace(/\/+$/, ""),
    description: `${source} (${keyHint(apiKey)})`,
  };
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t === undefined || t === "" ? undefined : t;
}

/**
 * Refuses a base URL that would leak or expose the organization's key: a `user:password@` part (it would
 * be stored in the plaintext `endpoint` output and printed in errors), a query or a fragment (same, and
 * they break the paths appended to it), and plain `http://` to anything but this machine (the key would
 * travel in clear). Returns why, naming `setting`, or undefined for a URL that may be used; the reason
 * shows the URL without its user, password, query and fragment. `check` reports it for `connection.baseUrl`
 * before anything is created; the credentials resolved at call time throw it.
 * @internal
 */
export function baseUrlProblem(baseUrl: string, setting: string, apiKey: string): string | undefined {
  const shown = `"${redact(withoutSecrets(baseUrl), [apiKey])}"`;
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    return `${setting} is not a URL: ${shown}. Use e.g. ${DEFAULT_BASE_URL}.`;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return `${setting} must be an http(s) URL, got ${shown}.`;
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return (
      `${setting} must not hold a user name or password (user:password@), got ${shown}: AgentMail ` +
      "authenticates with the API key alone, and the URL is stored in plain text in the state's endpoint " +
      "output. Remove the user:password@ part."
    );
  }
  if (parsed.search !== "" || parsed.hash !== "" || /[?#]/.test(baseUrl)) {
    return (
      `${setting} must not hold a query (?...) or a fragment (#...), got ${shown}: request paths are ` +
      `appended to it. Use e.g. ${DEFAULT_BASE_URL}.`
    );
  }
  if (parsed.protocol === "http:" && !isLoopback(parsed.hostname)) {
    return (
      `${setting} uses plain http:// to ${parsed.hostname}, got ${shown}: the API key would travel ` +
      "unencrypted. Use https://, or http:// only to this machine (localhost, 127.0.0.1 or [::1])."
    );
  }
  return undefined;
}

/**
 * True for hosts that are this machine: `localhost` (and `*.localhost`, which resolvers keep on the
 * loopback interface, RFC 6761), 127.0.0.0/8 and `[::1]`. `URL` has already normalized the host
 * (`0x7f000001` reads as 127.0.0.1, `127.0.0.1.example.com` stays a name).
 * @internal
 */
export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "[::1]") return true;
  return isIPv4(host) && host.startsWith("127.");
}

/** The URL as it may be shown: no `user:password@`, no query, no fragment, even when it does not parse. */
function withoutSecrets(raw: string): string {
  // First everything between the scheme and the LAST "@", whatever separates them ("//", "/", "\\" or
  // nothing: `https:user:pass@host` is refused too and must not be quoted whole): a password may itself
  // hold "@", ":", "/", "?" or "#". Hiding part of a path that holds "@" is the lesser evil.
  const hidden = raw.includes("@") ? raw.replace(/^([a-z][a-z0-9+.-]*:[/\\]*|[/\\]*)[^]*@/i, "$1…@") : raw;
  const cut = hidden.search(/[?#]/);
  return cut === -1 ? hidden : `${hidden.slice(0, cut)}${hidden[cut] === "?" ? "?…" : "#…"}`;
}
