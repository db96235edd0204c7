/**
 * Validation of PodApiKey inputs (the `check` step), with zod, before any HTTP call. Problems come back
 * as `{ property, reason }` naming the input path, what is allowed, and a suggestion for a near miss.
 */
import { z } from "zod";
import { LEGACY_PERMISSIONS, PERMISSIONS, toCamel } from "../agentmail/permissions";
import { suggest } from "./suggest";
import { UNKNOWN } from "./unknown";

/** A check failure, as Pulumi shows it. @internal */
export interface Failure {
  readonly property: string;
  readonly reason: string;
}

const unknown = z.literal(UNKNOWN);
const orUnknown = <T extends z.ZodType>(t: T) => z.union([unknown, t]);

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

const permissionsShape = Object.fromEntries(PERMISSIONS.map((p) => [p, orUnknown(z.boolean()).optional()]));

/** @internal */
export const PodApiKeyInputsSchema = z.strictObject({
  podId: orUnknown(z.string().trim().min(1)),
  name: orUnknown(z.string().trim().min(1)).optional(),
  permissions: orUnknown(z.strictObject(permissionsShape)).optional(),
  expiresAt: orUnknown(z.string().regex(ISO_8601)).optional(),
  // Set by the resource class, not by users.
  autoNamePrefix: z.string().optional(),
  __provider: z.string().optional(),
});

const USER_INPUTS = ["podId", "name", "permissions", "expiresAt"];
/** @internal */
export type PodApiKeyInputs = z.infer<typeof PodApiKeyInputsSchema>;

const ALLOWED: Record<string, string> = {
  podId: "a pod id such as the podId of a Pod resource or one from the AgentMail console",
  name: "a non-empty string, or omit it for an auto-generated name",
  permissions:
    "an object of camelCase permission names set to true or false (e.g. { messageSend: true }), or omit it for the full access of the pod",
  expiresAt: "an ISO-8601 date-time with a time zone, in the future, e.g. 2027-01-31T00:00:00Z",
};

/** Validates raw inputs; `now` is compared with `expiresAt` only when it changes (an expired key is left alone). @internal */
export function validatePodApiKeyInputs(
  news: Record<string, unknown>,
  olds: Record<string, unknown>,
  now: number = Date.now(),
): { inputs: PodApiKeyInputs; failures: [] } | { inputs: undefined; failures: Failure[] } {
  const parsed = PodApiKeyInputsSchema.safeParse(stripUndefined(news));
  const failures: Failure[] = parsed.success ? [] : parsed.error.issues.flatMap((i) => describeIssue(i, [], news));
  const expiresAt = news["expiresAt"];
  if (parsed.success && typeof expiresAt === "string" && expiresAt !== UNKNOWN && expiresAt !== olds["expiresAt"]) {
    if (Date.parse(expiresAt) <= now) {
      failures.push({ property: "expiresAt", reason: `expiresAt must be in the future; got ${expiresAt}.` });
    }
  }
  if (parsed.success && failures.length === 0) return { inputs: parsed.data, failures: [] };
  return { inputs: undefined, failures };
}

function describeIssue(issue: z.core.$ZodIssue, prefix: readonly string[], news: Record<string, unknown>): Failure[] {
  const path = [...prefix, ...issue.path.map(String)];
  if (issue.code === "invalid_union") {
    // The first branch is the preview's unknown-value sentinel; the last one says what is really wrong.
    const real = issue.errors[issue.errors.length - 1] ?? [];
    return real.flatMap((i) => describeIssue(i, path, news));
  }
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      property: [...path, key].join("."),
      reason: path.length === 0 ? unknownInput(key) : unknownPermission(key),
    }));
  }
  const top = path[0] ?? "(inputs)";
  const property = path.join(".") || top;
  if (top === "permissions" && path.length === 2) {
    return [{ property, reason: `${property} must be true or false.` }];
  }
  const allowed = ALLOWED[top] ?? "a documented input";
  const missing = path.length === 1 && news[top] === undefined;
  return [{ property, reason: `${property} ${missing ? "is required" : "is not valid"}: expected ${allowed}.` }];
}

function unknownInput(key: string): string {
  const near = suggest(key, USER_INPUTS);
  return `"${key}" is not an input of PodApiKey.${near === undefined ? "" : ` Did you mean "${near}"?`} Allowed: ${USER_INPUTS.join(", ")}.`;
}

function unknownPermission(key: string): string {
  const legacy = LEGACY_PERMISSIONS[key] ?? LEGACY_PERMISSIONS[toCamel(key)];
  if (legacy !== undefined) return `"${key}" is no longer an AgentMail permission: ${legacy}.`;
  const near = suggest(key, PERMISSIONS);
  const hint = near === undefined ? "" : ` Did you mean "${near}"?`;
  return (
    `"${key}" is not an AgentMail permission, and AgentMail would silently ignore it.${hint} ` +
    "Allowed: the camelCase names listed in the README's permissions table (e.g. messageSend, inboxRead)."
  );
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}
