/**
 * Redaction of secrets from text that may reach a user: error messages, logs.
 * An AgentMail key looks like `am_us_` / `am_eu_` followed by a long random part; the API's `prefix`
 * (the first dozen characters) is safe to show and is what people use to tell keys apart.
 */

const KEY_PATTERN = /\bam_[a-z]{2}_[A-Za-z0-9_-]{8,}/g;
const VISIBLE = 10;

/** The first characters of a key, enough to recognize it, never enough to use it. @internal */
export function keyHint(key: string): string {
  return `${key.slice(0, Math.min(VISIBLE, Math.floor(key.length / 3)))}…`;
}

/** Replaces every key-like token, and each given secret, by its hint. @internal */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) {
    if (s !== undefined && s.length >= 4) out = out.split(s).join(keyHint(s));
  }
  return out.replace(KEY_PATTERN, (k) => keyHint(k));
}
