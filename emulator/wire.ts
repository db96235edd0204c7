/**
 * Wire shapes (snake_case, as the API sends them) of the resources the emulator serves.
 */
import type { Permissions } from "./permissions";

/** A pod as the API returns it. */
export interface Pod {
  /** Pod id (a UUID here). */
  pod_id: string;
  /** Display name. */
  name: string;
  /** ISO-8601 creation time. */
  created_at: string;
  /** ISO-8601 time of the last change. */
  updated_at: string;
  /** The idempotency id the pod was created with, if any. */
  client_id?: string;
}

/**
 * An inbox as `GET /v0/pods/{pod_id}/inboxes` lists it (the `agentmail` SDK's `Inbox`, generated from the Fern
 * definition). The emulator has no inbox endpoints of its own: inboxes are seeded with `store.addInbox`, and
 * exist so that a pod holding some can be listed and refuses deletion.
 */
export interface Inbox {
  /** The pod holding the inbox. */
  pod_id: string;
  /** Inbox id: AgentMail uses the address itself. */
  inbox_id: string;
  /** The inbox's address. */
  email: string;
  /** ISO-8601 creation time. */
  created_at: string;
  /** ISO-8601 time of the last change. */
  updated_at: string;
}

/** A bearer API key's metadata as listed by the API (never the secret). */
export interface StoredKey {
  /** Kind of entry; lists may also hold `public_key` entries. */
  type: "bearer";
  /** Key id (`ak_` + 24 hex digits here). */
  api_key_id: string;
  /** First characters of the secret, for display. */
  prefix: string;
  /** Display name. */
  name: string;
  /** The pod the key is confined to. */
  pod_id: string;
  /** Absent when the key holds every permission of its scope (created with `permissions` omitted). */
  permissions?: Permissions;
  /** ISO-8601 creation time. */
  created_at: string;
  /** ISO-8601 time of the last change (name or permissions). */
  updated_at: string;
  /** ISO-8601 expiry, if any. */
  expires_at?: string;
  /** Time of the last authenticated request made with the key (inferred: updated on every use). */
  used_at?: string;
}

/** Public key material as the API shows it: the JWK and its RFC 7638 SHA-256 thumbprint (base64url). */
export interface PublicKeyMaterial {
  /** The public P-256 JWK: exactly `kty`, `crv`, `x` and `y`. */
  jwk: PublicJwk;
  /** RFC 7638 SHA-256 thumbprint of `jwk`, unpadded base64url (43 characters). */
  fingerprint: string;
}

/** A public P-256 JWK (coordinates: 43 characters of unpadded base64url each). */
export interface PublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
}

/**
 * A public-key credential, or an AgentID sign-in key, in a pod's key list. Shape after AgentMail's Fern definition
 * of `PublicKeyCredential` (`public_key`, `scope`, `expires_at`), plus `pod_id`, `client_id` and, for sign-in keys,
 * `status` (from the API reference; their exact placement is inferred). Clients that manage bearer keys must skip
 * these entries: they have no `prefix`, no `permissions` and no secret.
 */
export interface PublicKeyEntry {
  /** Kind of entry. */
  type: "public_key";
  /** Entry id (a UUID, as the Fern definition types it). */
  api_key_id: string;
  /** Display name. */
  name: string;
  /** The pod holding the entry. */
  pod_id: string;
  /** The scope the credential can approve sign-in for: here always its pod. */
  scope: { type: "pod"; id: string };
  /** The registered public key. */
  public_key: PublicKeyMaterial;
  /** The idempotency id it was registered with, if any. */
  client_id?: string;
  /** A sign-in key's state; absent on a plain public-key credential. */
  status?: "pending" | "active";
  /** ISO-8601 creation time. */
  created_at: string;
  /** ISO-8601 time of the last change. */
  updated_at: string;
  /** ISO-8601 expiry, if any (given, or inherited from the key that registered it). */
  expires_at?: string;
}

/** One item of `GET /v0/pods/{pod_id}/api-keys`. */
export type ApiKeyListItem = StoredKey | PublicKeyEntry;

/** The answer to `POST /v0/pods/{pod_id}/api-keys`: the only place where `api_key` (the secret) appears. */
export interface CreatedApiKey {
  /** Key id. */
  api_key_id: string;
  /** The secret: `am_<region>_` + 48 hex digits. Shown once. */
  api_key: string;
  /** First characters of the secret, for display. */
  prefix: string;
  /** Display name. */
  name: string;
  /** The pod the key is confined to. */
  pod_id: string;
  /** As stored after dropping unknown names; absent for full access. */
  permissions?: Permissions;
  /** ISO-8601 creation time. */
  created_at: string;
  /** ISO-8601 expiry, if any. */
  expires_at?: string;
}

/** The answer to `GET /v0/auth/me`. */
export interface AuthMe {
  /** What the key may reach. The emulator issues organization and pod keys only. */
  scope_type: "organization" | "pod" | "inbox";
  /** Id of the organization, pod or inbox the key is scoped to. */
  scope_id: string;
  /** The organization. */
  organization_id: string;
  /** The pod of a pod-scoped key. */
  pod_id?: string;
  /** The inbox of an inbox-scoped key (never set by the emulator). */
  inbox_id?: string;
  /** The key's id. */
  api_key_id?: string;
}
