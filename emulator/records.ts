/**
 * How pods and keys are held in memory, and their wire forms.
 */
import type { Permissions } from "./permissions";
import type { ApiKeyListItem, Inbox, Pod, PublicKeyEntry, PublicKeyMaterial, StoredKey } from "./wire";

/** A pod as held in memory. */
export interface PodRecord {
  readonly seq: number;
  readonly pod_id: string;
  name: string;
  readonly created_at: string;
  updated_at: string;
  readonly client_id?: string;
  /** Inboxes in creation order (oldest first). */
  inboxes: InboxRecord[];
  /** Keys in creation order (oldest first). */
  readonly keys: Map<string, KeyRecord>;
}

/** An inbox as held in memory: its wire form and its place in the creation order. */
export interface InboxRecord extends Inbox {
  readonly seq: number;
}

/** The wire form of an inbox. */
export function inboxWire(r: InboxRecord): Inbox {
  return { pod_id: r.pod_id, inbox_id: r.inbox_id, email: r.email, created_at: r.created_at, updated_at: r.updated_at };
}

/** A key (bearer or public) as held in memory. */
export interface KeyRecord {
  readonly seq: number;
  readonly type: "bearer" | "public_key";
  readonly api_key_id: string;
  readonly pod_id: string;
  name: string;
  readonly prefix: string;
  permissions: Permissions | undefined;
  readonly created_at: string;
  updated_at: string;
  readonly expires_at?: string;
  /** Expiry in ms since the epoch; `Infinity` when none. */
  readonly expiresMs: number;
  usedMs: number | undefined;
  /** A public-key entry's key material. */
  readonly public_key?: PublicKeyMaterial;
  /** A public-key entry's idempotency id. */
  readonly client_id?: string;
  /** A sign-in key's state. */
  readonly status?: "pending" | "active";
}

/** The wire form of a pod. */
export function podWire(r: PodRecord): Pod {
  const pod: Pod = { pod_id: r.pod_id, name: r.name, created_at: r.created_at, updated_at: r.updated_at };
  if (r.client_id !== undefined) pod.client_id = r.client_id;
  return pod;
}

/** The wire form of a key as lists show it (never the secret). */
export function keyWire(r: KeyRecord): ApiKeyListItem {
  if (r.type === "public_key") return publicKeyWire(r);
  const key: StoredKey = {
    type: "bearer",
    api_key_id: r.api_key_id,
    prefix: r.prefix,
    name: r.name,
    pod_id: r.pod_id,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
  if (r.permissions !== undefined) key.permissions = { ...r.permissions };
  if (r.expires_at !== undefined) key.expires_at = r.expires_at;
  if (r.usedMs !== undefined) key.used_at = new Date(r.usedMs).toISOString();
  return key;
}

/** The wire form of a public-key entry. */
function publicKeyWire(r: KeyRecord): PublicKeyEntry {
  if (r.public_key === undefined) throw new Error(`emulator: public-key entry ${r.api_key_id} has no key material`);
  const entry: PublicKeyEntry = {
    type: "public_key",
    api_key_id: r.api_key_id,
    name: r.name,
    pod_id: r.pod_id,
    scope: { type: "pod", id: r.pod_id },
    public_key: { jwk: { ...r.public_key.jwk }, fingerprint: r.public_key.fingerprint },
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
  if (r.client_id !== undefined) entry.client_id = r.client_id;
  if (r.status !== undefined) entry.status = r.status;
  if (r.expires_at !== undefined) entry.expires_at = r.expires_at;
  return entry;
}
