/**
 * Which credential and base URL an operation uses. Read when an operation runs, never captured in
 * the serialized provider: stack config (`agentmail:apiKey`, `agentmail:baseUrl`, through the dynamic
 * provider's `configure()`) first, then the environment (`AGENTMAIL_API_KEY`, `AGENTMAIL_BASE_URL`).
 */
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
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new CredentialsError(
      `${urlSource} is not a URL: "${redact(baseUrl, [apiKey])}". Use e.g. ${DEFAULT_BASE_URL}.`,
    );
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new CredentialsError(`${urlSource} must be an http(s) URL, got "${redact(baseUrl, [apiKey])}".`);
  }
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
