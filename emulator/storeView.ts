/**
 * The public, synchronous view of the emulator's data ({@link EmulatorStore}) and the shapes it takes and gives.
 */
import type { ApiKeyListItem, CreatedApiKey, Inbox, Pod, PublicJwk, PublicKeyEntry, StoredKey } from "./wire";

/** Fields for seeding a pod with {@link EmulatorStore.createPod}. */
export interface PodSeed {
  /** Name of the pod; default: its id. */
  name?: string;
  /** Idempotency id; a pod with the same `client_id` is returned instead of creating one. */
  client_id?: string;
}

/** Fields for seeding a key with {@link EmulatorStore.createApiKey}. */
export interface ApiKeySeed {
  /** Name of the key; default {@link DEFAULT_KEY_NAME}. */
  name?: string;
  /** Allowlist; unknown names are dropped as the API does. Omitted: every permission. */
  permissions?: Readonly<Record<string, unknown>>;
  /** Expiry; unlike the API, a past time is accepted here so that tests can seed an expired key. */
  expires_at?: string | Date;
}

/**
 * Fields for seeding a public-key entry with {@link EmulatorStore.addPublicKey}: a public-key credential, or an
 * AgentID sign-in key when `status` is given. Nothing is inherited here (no caller): what is given is stored.
 */
export interface PublicKeySeed {
  /** Name; default `AgentID key <first 8 characters of the fingerprint>`, as the API names one. */
  name?: string;
  /** The public JWK; default a random (well-formed, not necessarily on-curve) P-256 JWK. */
  jwk?: PublicJwk;
  /** Idempotency id, shown in listings; not checked for uniqueness here. */
  client_id?: string;
  /** Makes the entry a sign-in key in this state. */
  status?: "pending" | "active";
  /** Expiry; a past time is accepted. */
  expires_at?: string | Date;
}

/** The admin view of the whole state (`GET /__emulator/state`): no secrets. */
export interface EmulatorState {
  organization_id: string;
  pods: Array<Pod & { inboxes: number; api_keys: ApiKeyListItem[] }>;
}

/** Synchronous view of the emulator's data. Every method returns copies in the wire (snake_case) shape. */
export interface EmulatorStore {
  /** Every pod, newest first (the API's default order). */
  pods(): Pod[];
  /** One pod, or `undefined`. */
  pod(podId: string): Pod | undefined;
  /** Creates a pod (or returns the one holding the same `client_id`). */
  createPod(seed?: PodSeed): Pod;
  /** Deletes a pod and its keys, whatever it holds; `false` when it did not exist. */
  deletePod(podId: string): boolean;
  /** Bearer keys of one pod, or of every pod, newest first; never a secret. */
  apiKeys(podId?: string): StoredKey[];
  /** Public-key entries (registered over the API or with {@link addPublicKey}), newest first. */
  publicKeys(podId?: string): PublicKeyEntry[];
  /** Creates a bearer key and returns it with its secret. Throws when the pod does not exist. */
  createApiKey(podId: string, seed?: ApiKeySeed): CreatedApiKey;
  /** Removes a key out of band (as if revoked elsewhere); `false` when it did not exist. */
  revokeApiKey(podId: string, apiKeyId: string): boolean;
  /**
   * Adds a `{ type: "public_key" }` entry (a credential, or a sign-in key with `status`) to a pod's key list, as
   * other software sharing the pod would: clients that manage bearer keys must skip it. A string is the name.
   * Throws when the pod does not exist.
   */
  addPublicKey(podId: string, seed?: string | PublicKeySeed): PublicKeyEntry;
  /**
   * Adds an inbox to the pod: `GET /v0/pods/{pod_id}/inboxes` lists it, and deleting the pod fails with 409
   * `cannot_delete`. Throws when the pod does not exist.
   */
  addInbox(podId: string): Inbox;
  /** Forgets the pod's inboxes. */
  removeInboxes(podId: string): void;
  /** Removes everything and creates a fresh "Default Pod". */
  reset(): void;
  /** The organization's id. */
  organizationId(): string;
  /** Whole state without secrets. */
  state(): EmulatorState;
}

/** Name given to a key created without one (inferred). */
export const DEFAULT_KEY_NAME = "API Key";
/** Name of the pod every organization starts with. */
export const DEFAULT_POD_NAME = "Default Pod";
