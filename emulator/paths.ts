// Path patterns shared by fault rules and log filters: a string is an exact path, or a pattern in which a "*"
// segment matches any one segment (e.g. "/v0/pods/*/api-keys"); a RegExp is tested as is.

/** A path matcher built once from a pattern. */
export type PathMatcher = (path: string) => boolean;

const ESCAPE = /[.*+?^${}()|[\]\\]/g;

/** Compiles a string pattern or RegExp into a matcher. */
export function pathMatcher(pattern: string | RegExp): PathMatcher {
  if (pattern instanceof RegExp) {
    // A copy without the stateful flags, so that `test` never depends on a previous call.
    const re = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ""));
    return (path) => re.test(path);
  }
  if (!pattern.includes("*")) return (path) => path === pattern;
  const source = pattern
    .split("/")
    .map((segment) => (segment === "*" ? "[^/]+" : segment.replace(ESCAPE, "\\$&")))
    .join("/");
  const re = new RegExp(`^${source}$`);
  return (path) => re.test(path);
}

/**
 * Removes anything that looks like an API key from a path or query string, keeping only its prefix. The text is
 * percent-decoded first (repeatedly, for double encoding), so an encoded key (`am_us_%41...`) is found whole; the
 * result is the decoded, redacted text.
 */
export function scrubSecrets(text: string, orgApiKey: string): string {
  let out = text.includes("%") ? decodeFully(text) : text;
  if (out.includes("am_")) out = out.replace(/(am_[a-z]{2}_[A-Za-z0-9]{6})[A-Za-z0-9]+/g, "$1…");
  if (orgApiKey.length > 0 && out.includes(orgApiKey)) out = out.split(orgApiKey).join("[redacted]");
  return out;
}

/** Percent-decodes until nothing changes (at most 5 rounds); a malformed escape is left as it is. */
function decodeFully(text: string): string {
  let out = text;
  for (let round = 0; round < 5 && out.includes("%"); round++) {
    const next = out.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
    if (next === out) break;
    out = next;
  }
  return out;
}
