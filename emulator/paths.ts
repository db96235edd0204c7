// Path patterns shared by fault rules and log filters: a string is an exact path, or a pattern in which a "*"
// segment matches any one segment (e.g. "/v0/pods/*/api-keys"); a RegExp is tested as is.

/** A path matcher built once from a pattern. */
export type PathMatcher = (path: string) => boolean;

const ESCAPE = /[.*+?^${}()|[\]\\]/g;

/**
 * Why a RegExp source received over the admin API is refused, or `undefined` when it is safe. Node's regular
 * expressions backtrack, and a pattern such as `^(a+)+$` can hold the server's only thread for minutes on one
 * request path; so over HTTP only a subset whose matching time stays near linear is accepted: at most 200
 * characters, no groups, alternation or back-references, and at most one unbounded quantifier (`*`, `+`,
 * `{n,}`). `*` path segments cover the usual needs; an in-process RegExp is not restricted (its author runs it).
 */
export function unsafeRegexReason(source: string): string | undefined {
  if (source.length > 200) return "pathRegex must be at most 200 characters";
  let unbounded = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      if (/[1-9k]/.test(source[i + 1] ?? "")) return "pathRegex must not use back-references";
      i++;
    } else if (inClass) {
      inClass = c !== "]";
    } else if (c === "[") {
      inClass = true;
    } else if (c === "(" || c === ")" || c === "|") {
      return "pathRegex must not use groups or alternation (use * path segments, or one rule per path)";
    } else if (c === "*" || c === "+" || (c === "{" && /^\{\d+,\}/.test(source.slice(i)))) {
      unbounded++;
    }
  }
  return unbounded > 1 ? "pathRegex may hold at most one unbounded quantifier (*, +, {n,})" : undefined;
}

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
