/**
 * What every resource's `check` shares: the schema helpers for inputs that may be unknown during a
 * preview, and the translation of zod's issues into Pulumi check failures that name the input path,
 * say what is allowed, and suggest a near miss.
 */
import { z } from "zod";
import { suggest } from "./suggest";
import { UNKNOWN } from "./unknown";

/** A check failure, as Pulumi shows it. @internal */
export interface Failure {
  readonly property: string;
  readonly reason: string;
}

/** `t`, or the preview's unknown-value sentinel in its place. @internal */
export function orUnknown<T extends z.ZodType>(t: T) {
  return z.union([z.literal(UNKNOWN), t]);
}

/**
 * A non-empty string without leading or trailing whitespace. Not `.trim()`: that trims only zod's parsed
 * copy, while the value as written is the one sent to the API (a padded pod id answers 404). @internal
 */
export function unpadded() {
  return z
    .string()
    .min(1)
    .refine((v) => v.trim() === v);
}

/** True for a string with content and leading or trailing whitespace (blank strings get the generic reason). @internal */
export function isPadded(v: unknown): v is string {
  return typeof v === "string" && v.trim() !== v && v.trim() !== "";
}

/** The reason for a padded string input. @internal */
export function paddedReason(input: string, value: string, allowed: string): string {
  return (
    `${input} has leading or trailing spaces (got ${JSON.stringify(value)}), and it is sent as written: ` +
    `expected ${allowed}.`
  );
}

/** How one resource words its failures. @internal */
export interface InputsVocabulary {
  /** The resource's name in messages, e.g. `PodApiKey`. */
  readonly resource: string;
  /** What each user input accepts, in words, by input name (the order is the one messages list). */
  readonly allowed: Readonly<Record<string, string>>;
  /** A reason of its own for an invalid value at `path`, or undefined for the generic one. */
  readonly reasonFor?: (path: readonly string[], news: Readonly<Record<string, unknown>>) => string | undefined;
  /** The reason for an unknown key inside an object input (e.g. a permission name). */
  readonly unknownNestedKey?: (key: string, path: readonly string[]) => string;
}

/** The check failures for a failed parse of `news`. @internal */
export function failuresOf(
  error: z.ZodError,
  news: Readonly<Record<string, unknown>>,
  words: InputsVocabulary,
): Failure[] {
  return error.issues.flatMap((i) => describeIssue(i, [], news, words));
}

function describeIssue(
  issue: z.core.$ZodIssue,
  prefix: readonly string[],
  news: Readonly<Record<string, unknown>>,
  words: InputsVocabulary,
): Failure[] {
  const path = [...prefix, ...issue.path.map(String)];
  if (issue.code === "invalid_union") {
    // The first branch is the preview's unknown-value sentinel; the last one says what is really wrong.
    const real = issue.errors[issue.errors.length - 1] ?? [];
    return real.flatMap((i) => describeIssue(i, path, news, words));
  }
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      property: [...path, key].join("."),
      reason:
        path.length === 0 || words.unknownNestedKey === undefined
          ? unknownInput(key, words)
          : words.unknownNestedKey(key, path),
    }));
  }
  const top = path[0] ?? "(inputs)";
  const property = path.join(".") || top;
  const special = words.reasonFor?.(path, news);
  if (special !== undefined) return [{ property, reason: special }];
  const allowed = words.allowed[top] ?? "a documented input";
  const missing = path.length === 1 && news[top] === undefined;
  return [{ property, reason: `${property} ${missing ? "is required" : "is not valid"}: expected ${allowed}.` }];
}

function unknownInput(key: string, words: InputsVocabulary): string {
  const inputs = Object.keys(words.allowed);
  const near = suggest(key, inputs);
  const hint = near === undefined ? "" : ` Did you mean "${near}"?`;
  return `"${key}" is not an input of ${words.resource}.${hint} Allowed: ${inputs.join(", ")}.`;
}
