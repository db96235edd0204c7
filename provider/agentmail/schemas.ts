/**
 * zod schemas of AgentMail's wire format (snake_case, as agentmail-api.md documents it). Every answer
 * the client reads goes through one of these: an unexpected body becomes a clear error, never
 * `undefined` further down. Unknown fields are dropped so that a new API field does not break us.
 */
import { z } from "zod";

const timestamp = z.string().min(1);
// Lenient on purpose: a newer API may send a value that is not a boolean (null, an object) for some
// permission. Only `true` grants anything, so every value that is not a boolean is dropped here rather
// than failing the whole answer (which would make a live key unreadable).
const permissionsWire = z
  .record(z.string(), z.unknown())
  .transform((r): Record<string, boolean> =>
    Object.fromEntries(Object.entries(r).filter((e): e is [string, boolean] => typeof e[1] === "boolean")),
  );

/** @internal */
export const PodSchema = z.object({
  pod_id: z.string().min(1),
  name: z.string(),
  created_at: timestamp,
  updated_at: timestamp,
  client_id: z.string().nullish(),
});
/** @internal */
export type Pod = z.infer<typeof PodSchema>;

/** @internal */
export const PodListSchema = z.object({
  count: z.number().int().nonnegative(),
  limit: z.number().int().nullish(),
  next_page_token: z.string().nullish(),
  pods: z.array(PodSchema),
});

/**
 * An inbox as `GET /v0/pods/{pod_id}/inboxes` lists it (the `agentmail` SDK 0.5.27's `Inbox`, generated from
 * AgentMail's Fern definition). Only the id is read; the other documented fields are optional here so that a
 * change to them cannot make a pod's inboxes unreadable.
 * @internal
 */
export const InboxSchema = z.object({
  inbox_id: z.string().min(1),
  pod_id: z.string().nullish(),
  email: z.string().nullish(),
  created_at: timestamp.nullish(),
  updated_at: timestamp.nullish(),
});
/** @internal */
export type Inbox = z.infer<typeof InboxSchema>;

/** The SDK's `ListInboxesResponse`: `count` is the number of inboxes on this page, newest first. @internal */
export const InboxListSchema = z.object({
  count: z.number().int().nonnegative(),
  limit: z.number().int().nullish(),
  next_page_token: z.string().nullish(),
  inboxes: z.array(InboxSchema),
});

/** A bearer key as lists show it: never the secret. @internal */
export const BearerKeySchema = z.object({
  type: z.literal("bearer"),
  api_key_id: z.string().min(1),
  prefix: z.string(),
  name: z.string(),
  created_at: timestamp,
  updated_at: timestamp.nullish(),
  pod_id: z.string().nullish(),
  inbox_id: z.string().nullish(),
  used_at: timestamp.nullish(),
  permissions: permissionsWire.nullish(),
  expires_at: timestamp.nullish(),
});
/** @internal */
export type BearerKey = z.infer<typeof BearerKeySchema>;

// Lists may also hold public keys (and maybe kinds not known yet): they are skipped, not rejected. A
// bearer entry is validated on its own by the client (`BearerKeySchema`): one that does not fit is an
// error, never skipped, since skipping it would make a live key look revoked.
const ListedKeySchema = z.object({ type: z.string() }).loose();

/** @internal */
export const ApiKeyListSchema = z.object({
  count: z.number().int().nonnegative(),
  next_page_token: z.string().nullish(),
  api_keys: z.array(ListedKeySchema),
});

/** The answer to Create API Key: the only time the secret `api_key` is returned. @internal */
export const CreatedKeySchema = z.object({
  api_key_id: z.string().min(1),
  api_key: z.string().min(1),
  prefix: z.string(),
  name: z.string(),
  pod_id: z.string().nullish(),
  inbox_id: z.string().nullish(),
  permissions: permissionsWire.nullish(),
  created_at: timestamp,
  expires_at: timestamp.nullish(),
});
/** @internal */
export type CreatedKey = z.infer<typeof CreatedKeySchema>;

/**
 * The answer to Update API Key: an `ApiKey`. Only what a rename needs is required (the id and the new
 * name); the rest is not read, so it is not held to a shape. @internal
 */
export const RenamedKeySchema = z.object({ api_key_id: z.string().min(1), name: z.string() }).loose();

/** @internal */
export const IdentitySchema = z.object({
  scope_type: z.enum(["organization", "pod", "inbox"]),
  scope_id: z.string(),
  organization_id: z.string(),
  pod_id: z.string().nullish(),
  inbox_id: z.string().nullish(),
  api_key_id: z.string().nullish(),
});
/** @internal */
export type Identity = z.infer<typeof IdentitySchema>;

/** `ErrorResponse`, `ValidationErrorResponse` and the gateway's bare `{message}`, in one lenient shape. @internal */
export const ErrorBodySchema = z.object({
  name: z.string().optional(),
  message: z.string().optional(),
  code: z.string().optional(),
  fix: z.string().optional(),
  docs: z.string().optional(),
  errors: z.array(z.object({ path: z.unknown().optional(), message: z.string().optional() }).loose()).optional(),
});
/** @internal */
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
