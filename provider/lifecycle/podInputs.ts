/**
 * Validation of Pod inputs (the `check` step), with zod, before any HTTP call. Problems come back as
 * `{ property, reason }` naming the input, what is allowed, and a suggestion for a near miss.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { failuresOf, isPadded, orUnknown, paddedReason, unpadded, type Failure, type InputsVocabulary } from "./inputs";
import {
  CONNECTION_ALLOWED,
  ConnectionSchema,
  connectionFailures,
  connectionReason,
  unknownConnectionField,
} from "./connection";
import { compact } from "./outputs";

/** What AgentMail accepts as a pod's `client_id`: 1-256 of `A-Za-z0-9-._~`. @internal */
export const CLIENT_ID = /^[A-Za-z0-9\-._~]{1,256}$/;

/** @internal */
export const PodInputsSchema = z.strictObject({
  name: orUnknown(unpadded()).optional(),
  clientId: orUnknown(z.string().regex(CLIENT_ID)).optional(),
  connection: ConnectionSchema,
  // Set by the resource class, not by users.
  autoNamePrefix: z.string().optional(),
  // Set by check itself (see naming.ts), and so present when checked inputs are checked again.
  __defaults: z.array(z.string()).optional(),
  __provider: z.string().optional(),
});

/** @internal */
export type PodInputs = z.infer<typeof PodInputsSchema>;

const WORDS: InputsVocabulary = {
  resource: "Pod",
  allowed: {
    name: "a non-empty string without leading or trailing spaces, or omit it for an auto-generated name",
    clientId:
      "1 to 256 characters among A-Z a-z 0-9 - . _ ~ (e.g. tenant-42.prod), or omit it for one generated at creation",
    connection: CONNECTION_ALLOWED,
  },
  reasonFor: (path, news) => {
    if (path[0] === "connection") return connectionReason(path, news);
    if (path.length === 1 && path[0] === "name" && isPadded(news["name"])) {
      return paddedReason("name", news["name"], WORDS.allowed["name"]!);
    }
    const value = news["clientId"];
    if (path[0] !== "clientId" || typeof value !== "string") return undefined;
    return `clientId is not valid (got ${describeClientId(value)}): expected ${WORDS.allowed["clientId"]}.`;
  },
  unknownNestedKey: unknownConnectionField,
};

/** Validates raw inputs. @internal */
export function validatePodInputs(
  news: Record<string, unknown>,
): { inputs: PodInputs; failures: [] } | { inputs: undefined; failures: Failure[] } {
  const parsed = PodInputsSchema.safeParse(compact(news));
  const failures = parsed.success ? connectionFailures(news) : [];
  if (parsed.success && failures.length === 0) return { inputs: parsed.data, failures: [] };
  if (parsed.success) return { inputs: undefined, failures };
  return { inputs: undefined, failures: failuresOf(parsed.error, news, WORDS) };
}

/** A fresh `clientId` for one create: `pulumi-` and 32 hex digits. @internal */
export function generateClientId(): string {
  return `pulumi-${randomUUID().replace(/-/g, "")}`;
}

function describeClientId(v: string): string {
  if (v.length === 0) return "an empty string";
  if (v.length > 256) return `${v.length} characters`;
  const bad = [...new Set(v.replace(/[A-Za-z0-9\-._~]/g, ""))].map((c) => JSON.stringify(c)).join(" ");
  return `the character(s) ${bad}`;
}
