/**
 * Validation of PodApiKey inputs (the `check` step), with zod, before any HTTP call. Problems come back
 * as `{ property, reason }` naming the input path, what is allowed, and a suggestion for a near miss.
 */
import { z } from "zod";
import { LEGACY_PERMISSIONS, PERMISSIONS, toCamel } from "../agentmail/permissions";
import { failuresOf, orUnknown, type Failure, type InputsVocabulary } from "./inputs";
import { compact } from "./outputs";
import { suggest } from "./suggest";
import { UNKNOWN } from "./unknown";

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

/** @internal */
export type PodApiKeyInputs = z.infer<typeof PodApiKeyInputsSchema>;

const WORDS: InputsVocabulary = {
  resource: "PodApiKey",
  allowed: {
    podId: "a pod id such as the podId of a Pod resource or one from the AgentMail console",
    name: "a non-empty string, or omit it for an auto-generated name",
    permissions:
      "an object of camelCase permission names set to true or false (e.g. { messageSend: true }), or omit it for the full access of the pod",
    expiresAt: "an ISO-8601 date-time with a time zone, in the future, e.g. 2027-01-31T00:00:00Z",
  },
  reasonFor: (path) =>
    path[0] === "permissions" && path.length === 2 ? `${path.join(".")} must be true or false.` : undefined,
  unknownNestedKey: unknownPermission,
};

/** Validates raw inputs; `now` is compared with `expiresAt` only when it changes (an expired key is left alone). @internal */
export function validatePodApiKeyInputs(
  news: Record<string, unknown>,
  olds: Record<string, unknown>,
  now: number = Date.now(),
): { inputs: PodApiKeyInputs; failures: [] } | { inputs: undefined; failures: Failure[] } {
  const parsed = PodApiKeyInputsSchema.safeParse(compact(news));
  const failures: Failure[] = parsed.success ? [] : failuresOf(parsed.error, news, WORDS);
  const expiresAt = news["expiresAt"];
  if (parsed.success && typeof expiresAt === "string" && expiresAt !== UNKNOWN && expiresAt !== olds["expiresAt"]) {
    if (Date.parse(expiresAt) <= now) {
      failures.push({ property: "expiresAt", reason: `expiresAt must be in the future; got ${expiresAt}.` });
    }
  }
  if (parsed.success && failures.length === 0) return { inputs: parsed.data, failures: [] };
  return { inputs: undefined, failures };
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
