/**
 * Identifiers and secrets. Choices (inferred; the API only promises opaque strings):
 * - pod ids are UUIDs (`crypto.randomUUID()`),
 * - api key ids are `ak_` + 24 hex digits; public-key credential ids are UUIDs (the Fern definition types them so),
 * - secrets are `am_<region>_` + 48 hex digits (24 random bytes), the region taken from the organization key,
 * - a key's `prefix` is the secret's first {@link PREFIX_LENGTH} characters, e.g. `am_us_ab12cd`.
 */
import { randomBytes, randomUUID } from "node:crypto";

/** Length of an API key's displayed `prefix`. */
export const PREFIX_LENGTH = 12;

/** A new pod id. */
export function newPodId(): string {
  return randomUUID();
}

/** A new API key id. */
export function newApiKeyId(): string {
  return `ak_${randomBytes(12).toString("hex")}`;
}

/** A new inbox address, which is also its id (inferred domain: AgentMail's default one). */
export function newInboxAddress(): string {
  return `inbox-${randomBytes(6).toString("hex")}@agentmail.to`;
}

/** A new public-key credential id. */
export function newPublicKeyId(): string {
  return randomUUID();
}

/** A new API key secret for a region (`us` or `eu`). */
export function newSecret(region: string): string {
  return `am_${region}_${randomBytes(24).toString("hex")}`;
}

/** The region part of a key such as `am_eu_...`; `us` when it has none. */
export function regionOf(key: string): string {
  const match = /^am_([a-z]{2})_/.exec(key);
  return match?.[1] ?? "us";
}

/** The displayed prefix of a secret. */
export function prefixOf(secret: string): string {
  return secret.slice(0, PREFIX_LENGTH);
}

/**
 * A form of a credential that is safe to log: a known key's prefix, or at most half (and at most 12 characters)
 * of an unknown one, followed by an ellipsis; never the whole key.
 */
export function redact(token: string): string {
  return `${token.slice(0, Math.min(PREFIX_LENGTH, Math.floor(token.length / 2)))}…`;
}
