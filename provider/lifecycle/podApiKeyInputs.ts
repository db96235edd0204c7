/**
 * Validation of PodApiKey inputs (the `check` step), with zod, before any HTTP call. Problems come back
 * as `{ property, reason }` naming the input path, what is allowed, and a suggestion for a near miss.
 */
import { z } from "zod";
import { ID_SHAPE, idProblem, isSafeId, quoteId } from "../agentmail/ids";
import { LEGACY_PERMISSIONS, PERMISSIONS, toCamel } from "../agentmail/permissions";
import { failuresOf, isPadded, orUnknown, paddedReason, unpadded, type Failure, type InputsVocabulary } from "./inputs";
import {
  CONNECTION_ALLOWED,
  ConnectionSchema,
  connectionFailures,
  connectionReason,
  unknownConnectionField,
} from "./connection";
import { compact } from "./outputs";
import { suggest } from "./suggest";
import { UNKNOWN } from "./unknown";
import { DURATION_WORDS, rotationFailures } from "./rotation";

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):?(\d{2}))$/;

/**
 * Why an ISO-8601-shaped date-time is not a real one, or undefined when it is. `Date.parse` alone is not
 * enough: it gives NaN for some (month 13, second 60), which no comparison catches, and silently rolls
 * others over to another day (February 30, 24:00).
 * @internal
 */
export function dateTimeProblem(value: string): string | undefined {
  const m = ISO_8601.exec(value);
  if (m === null) return "not of the form YYYY-MM-DDThh:mm[:ss[.fff]] followed by Z or an offset ±hh:mm";
  const [year, month, day, hour, minute, second = 0, offHour = 0, offMinute = 0] = m
    .slice(1)
    .map((f) => (f === undefined ? undefined : Number(f)));
  const y = year!;
  if (month! < 1 || month! > 12) return `month ${m[2]} does not exist (01 to 12)`;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month! - 1]!;
  if (day! < 1 || day! > days) return `day ${m[3]} does not exist in month ${m[2]} of ${m[1]} (01 to ${days})`;
  if (hour! > 23) return `hour ${m[4]} does not exist (00 to 23)`;
  if (minute! > 59) return `minute ${m[5]} does not exist (00 to 59)`;
  if (second > 59) return `second ${m[6]} does not exist (00 to 59)`;
  if (offHour > 23 || offMinute > 59) return "the time zone offset is out of range (at most ±23:59)";
  if (!Number.isFinite(Date.parse(value))) return "it cannot be read as an instant";
  return undefined;
}

const permissionsShape = Object.fromEntries(PERMISSIONS.map((p) => [p, orUnknown(z.boolean()).optional()]));

/** @internal */
export const PodApiKeyInputsSchema = z.strictObject({
  // Strict: the id goes into request paths, where "..", "/" or "?" would reach another route (see ids.ts).
  // One refinement (it also refuses empty and padded ids), so that each bad podId is one failure.
  podId: orUnknown(z.string().refine(isSafeId)),
  name: orUnknown(unpadded()).optional(),
  permissions: orUnknown(z.strictObject(permissionsShape)).optional(),
  expiresAt: orUnknown(z.string().refine((v) => dateTimeProblem(v) === undefined)).optional(),
  connection: ConnectionSchema,
  // Durations: their form and conflicts are checked by rotationFailures (rotation.ts), with reasons of their own.
  rotateAfter: orUnknown(z.string()).optional(),
  expireAfter: orUnknown(z.string()).optional(),
  // Any value; a change replaces the key (RotatingPodApiKey sets its schedule's generation here).
  rotationTrigger: orUnknown(unpadded()).optional(),
  // Set by the resource class, not by users.
  autoNamePrefix: z.string().optional(),
  // Set by check itself (see naming.ts), and so present when checked inputs are checked again.
  __defaults: z.array(z.string()).optional(),
  __provider: z.string().optional(),
});

/** @internal */
export type PodApiKeyInputs = z.infer<typeof PodApiKeyInputsSchema>;

const WORDS: InputsVocabulary = {
  resource: "PodApiKey",
  allowed: {
    podId: `a pod id such as the podId of a Pod resource or one from the AgentMail console, without leading or trailing spaces: ${ID_SHAPE}`,
    name: "a non-empty string without leading or trailing spaces, or omit it for an auto-generated name",
    permissions:
      "an object of camelCase permission names set to true or false (e.g. { messageSend: true }), or omit it for the full access of the pod",
    expiresAt:
      "a real ISO-8601 date-time with a time zone, in the future, e.g. 2027-01-31T00:00:00Z " +
      "(month 01-12, a day that exists in that month, hours 00-23, minutes and seconds 00-59)",
    connection: CONNECTION_ALLOWED,
    rotateAfter: `${DURATION_WORDS}, shorter than expireAfter`,
    expireAfter: `${DURATION_WORDS}, not together with expiresAt`,
    rotationTrigger:
      'any non-empty string without leading or trailing spaces (e.g. "2027-q1"); changing it replaces the key',
  },
  reasonFor: (path, news) => {
    if (path[0] === "connection") return connectionReason(path, news);
    if (path[0] === "permissions" && path.length === 2) return `${path.join(".")} must be true or false.`;
    if (path.length !== 1) return undefined;
    const top = path[0]!;
    const value = news[top];
    if ((top === "podId" || top === "name") && isPadded(value)) return paddedReason(top, value, WORDS.allowed[top]!);
    if (top === "podId" && typeof value === "string" && value.trim() !== "") {
      return `podId is not a pod id (got ${quoteId(value)}: ${idProblem(value)}): expected ${WORDS.allowed["podId"]}.`;
    }
    if (top === "expiresAt" && typeof value === "string") {
      const what = ISO_8601.test(value) ? "is not a real date-time" : "is not an ISO-8601 date-time with a time zone";
      return `expiresAt ${what} (got ${JSON.stringify(value)}: ${dateTimeProblem(value)}): expected ${WORDS.allowed["expiresAt"]}.`;
    }
    return undefined;
  },
  unknownNestedKey: (key, path) => (path[0] === "connection" ? unknownConnectionField(key) : unknownPermission(key)),
};

/** Validates raw inputs; `now` is compared with `expiresAt` only when it changes (an expired key is left alone). @internal */
export function validatePodApiKeyInputs(
  news: Record<string, unknown>,
  olds: Record<string, unknown>,
  now: number = Date.now(),
): { inputs: PodApiKeyInputs; failures: [] } | { inputs: undefined; failures: Failure[] } {
  const parsed = PodApiKeyInputsSchema.safeParse(compact(news));
  const failures: Failure[] = parsed.success ? connectionFailures(news) : failuresOf(parsed.error, news, WORDS);
  const expiresAt = news["expiresAt"];
  if (parsed.success && typeof expiresAt === "string" && expiresAt !== UNKNOWN && expiresAt !== olds["expiresAt"]) {
    if (Date.parse(expiresAt) <= now) {
      failures.push({ property: "expiresAt", reason: `expiresAt must be in the future; got ${expiresAt}.` });
    }
  }
  if (parsed.success) failures.push(...rotationFailures(news));
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
