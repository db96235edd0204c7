/**
 * Validation of Pod inputs (the `check` step), with zod, before any HTTP call. Problems come back as
 * `{ property, reason }` naming the input, what is allowed, and a suggestion for a near miss.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Failure } from "./podApiKeyInputs";
import { suggest } from "./suggest";
import { UNKNOWN } from "./unknown";

/** What AgentMail accepts as a pod's `client_id`: 1-256 of `A-Za-z0-9-._~`. @internal */
export const CLIENT_ID = /^[A-Za-z0-9\-._~]{1,256}$/;

/** The form of a `clientId` this package generated (so that `check` knows it may keep it). */
const GENERATED_CLIENT_ID = /^pulumi-[0-9a-f]{32}$/;

const unknown = z.literal(UNKNOWN);
const orUnknown = <T extends z.ZodType>(t: T) => z.union([unknown, t]);

/** @internal */
export const PodInputsSchema = z.strictObject({
  name: orUnknown(z.string().trim().min(1)).optional(),
  clientId: orUnknown(z.string().regex(CLIENT_ID)).optional(),
  // Set by the resource class, not by users.
  autoNamePrefix: z.string().optional(),
  __provider: z.string().optional(),
});

/** @internal */
export type PodInputs = z.infer<typeof PodInputsSchema>;

const USER_INPUTS = ["name", "clientId"];

const ALLOWED: Record<string, string> = {
  name: "a non-empty string, or omit it for an auto-generated name",
  clientId:
    "1 to 256 characters among A-Z a-z 0-9 - . _ ~ (e.g. tenant-42.prod), or omit it for one generated once and kept",
};

/** Validates raw inputs. @internal */
export function validatePodInputs(
  news: Record<string, unknown>,
): { inputs: PodInputs; failures: [] } | { inputs: undefined; failures: Failure[] } {
  const parsed = PodInputsSchema.safeParse(stripUndefined(news));
  if (parsed.success) return { inputs: parsed.data, failures: [] };
  return { inputs: undefined, failures: parsed.error.issues.flatMap((i) => describeIssue(i, [], news)) };
}

/** A fresh `clientId`, in the form {@link isGeneratedClientId} recognizes. @internal */
export function generateClientId(): string {
  return `pulumi-${randomUUID().replace(/-/g, "")}`;
}

/** True for a `clientId` this package generated. @internal */
export function isGeneratedClientId(v: unknown): v is string {
  return typeof v === "string" && GENERATED_CLIENT_ID.test(v);
}

function describeIssue(issue: z.core.$ZodIssue, prefix: readonly string[], news: Record<string, unknown>): Failure[] {
  const path = [...prefix, ...issue.path.map(String)];
  if (issue.code === "invalid_union") {
    // The first branch is the preview's unknown-value sentinel; the last one says what is really wrong.
    const real = issue.errors[issue.errors.length - 1] ?? [];
    return real.flatMap((i) => describeIssue(i, path, news));
  }
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ property: [...path, key].join("."), reason: unknownInput(key) }));
  }
  const top = path[0] ?? "(inputs)";
  const property = path.join(".") || top;
  const allowed = ALLOWED[top] ?? "a documented input";
  const value = news[top];
  const got = top === "clientId" && typeof value === "string" ? ` (got ${describeClientId(value)})` : "";
  return [{ property, reason: `${property} is not valid${got}: expected ${allowed}.` }];
}

function describeClientId(v: string): string {
  if (v.length === 0) return "an empty string";
  if (v.length > 256) return `${v.length} characters`;
  const bad = [...new Set(v.replace(/[A-Za-z0-9\-._~]/g, ""))].map((c) => JSON.stringify(c)).join(" ");
  return `the character(s) ${bad}`;
}

function unknownInput(key: string): string {
  const near = suggest(key, USER_INPUTS);
  return `"${key}" is not an input of Pod.${near === undefined ? "" : ` Did you mean "${near}"?`} Allowed: ${USER_INPUTS.join(", ")}.`;
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}
