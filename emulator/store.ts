/**
 * The emulator's in-memory state: pods, their API keys and the index of secrets used to authenticate.
 * {@link MemoryStore} implements the public {@link EmulatorStore} view and adds what the route handlers need.
 */
import { newApiKeyId, newInboxAddress, newPodId, newPublicKeyId, newSecret, prefixOf } from "./ids";
import { randomJwk, thumbprint } from "./jwk";
import { dropUnknown, type Permissions } from "./permissions";
import { inboxWire, keyWire, podWire, type KeyRecord, type PodRecord } from "./records";
import {
  DEFAULT_KEY_NAME,
  DEFAULT_POD_NAME,
  type ApiKeySeed,
  type EmulatorState,
  type EmulatorStore,
  type PodSeed,
  type PublicKeySeed,
} from "./storeView";
import type { CreatedApiKey, Inbox, Pod, PublicJwk, PublicKeyEntry, StoredKey } from "./wire";

/** The in-memory data of one emulator. */
export class MemoryStore implements EmulatorStore {
  private readonly podMap = new Map<string, PodRecord>();
  private readonly byClientId = new Map<string, PodRecord>();
  private readonly bySecret = new Map<string, KeyRecord>();
  private readonly secretById = new Map<string, string>();
  // Monotonic across resets so that page tokens of an older state can never point into a newer one.
  private seq = 0;

  /** @param clock the emulator's time in ms since the epoch (creation and update times). */
  constructor(
    private readonly orgId: string,
    private readonly region: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.reset();
  }

  // ----- public view -----

  pods(): Pod[] {
    return this.podRecords()
      .reverse()
      .map((r) => podWire(r));
  }

  pod(podId: string): Pod | undefined {
    const record = this.podMap.get(podId);
    return record && podWire(record);
  }

  createPod(seed: PodSeed = {}): Pod {
    return podWire(this.insertPod(seed.name, seed.client_id).record);
  }

  deletePod(podId: string): boolean {
    const record = this.podMap.get(podId);
    if (!record) return false;
    this.removePod(record);
    return true;
  }

  apiKeys(podId?: string): StoredKey[] {
    return this.keyRecords(podId)
      .filter((k) => k.type === "bearer")
      .map((k) => keyWire(k) as StoredKey);
  }

  publicKeys(podId?: string): PublicKeyEntry[] {
    return this.keyRecords(podId)
      .filter((k) => k.type === "public_key")
      .map((k) => keyWire(k) as PublicKeyEntry);
  }

  createApiKey(podId: string, seed: ApiKeySeed = {}): CreatedApiKey {
    const pod = this.requirePod(podId);
    const expires = seed.expires_at === undefined ? undefined : isoTime(seed.expires_at, "expires_at");
    const permissions = seed.permissions === undefined ? undefined : dropUnknown(seed.permissions);
    return this.insertKey(pod, seed.name ?? DEFAULT_KEY_NAME, permissions, expires).created;
  }

  revokeApiKey(podId: string, apiKeyId: string): boolean {
    const key = this.podMap.get(podId)?.keys.get(apiKeyId);
    if (!key) return false;
    this.removeKey(key);
    return true;
  }

  addPublicKey(podId: string, seed: string | PublicKeySeed = {}): PublicKeyEntry {
    const pod = this.requirePod(podId);
    const opts = typeof seed === "string" ? { name: seed } : seed;
    const jwk = opts.jwk ?? randomJwk();
    return keyWire(
      this.insertPublicKey(pod, {
        jwk,
        name: opts.name ?? defaultPublicKeyName(jwk),
        clientId: opts.client_id,
        expiresAt: opts.expires_at === undefined ? undefined : isoTime(opts.expires_at, "expires_at"),
        status: opts.status,
      }),
    ) as PublicKeyEntry;
  }

  addInbox(podId: string): Inbox {
    const pod = this.requirePod(podId);
    const now = new Date(this.clock()).toISOString();
    const email = newInboxAddress();
    const record = { seq: ++this.seq, pod_id: pod.pod_id, inbox_id: email, email, created_at: now, updated_at: now };
    pod.inboxes.push(record);
    return inboxWire(record);
  }

  removeInboxes(podId: string): void {
    this.requirePod(podId).inboxes = [];
  }

  reset(): void {
    this.podMap.clear();
    this.byClientId.clear();
    this.bySecret.clear();
    this.secretById.clear();
    this.insertPod(DEFAULT_POD_NAME, undefined);
  }

  organizationId(): string {
    return this.orgId;
  }

  state(): EmulatorState {
    return {
      organization_id: this.orgId,
      pods: this.podRecords().map((r) => ({
        ...podWire(r),
        inboxes: r.inboxes.length,
        api_keys: [...r.keys.values()].map(keyWire),
      })),
    };
  }

  // ----- for the route handlers -----

  /** Pods in creation order (oldest first). */
  podRecords(): PodRecord[] {
    return [...this.podMap.values()];
  }

  podRecord(podId: string): PodRecord | undefined {
    return this.podMap.get(podId);
  }

  podByClientId(clientId: string): PodRecord | undefined {
    return this.byClientId.get(clientId);
  }

  podCount(): number {
    return this.podMap.size;
  }

  /** Creates a pod, or returns the existing one with the same `client_id` (`created: false`). */
  insertPod(name: string | undefined, clientId: string | undefined): { record: PodRecord; created: boolean } {
    if (clientId !== undefined) {
      const existing = this.byClientId.get(clientId);
      if (existing) return { record: existing, created: false };
    }
    const now = new Date(this.clock()).toISOString();
    const podId = newPodId();
    const record: PodRecord = {
      seq: ++this.seq,
      pod_id: podId,
      // Inferred: the API description does not say what a pod created without a name is called.
      name: name ?? podId,
      created_at: now,
      updated_at: now,
      ...(clientId === undefined ? {} : { client_id: clientId }),
      inboxes: [],
      keys: new Map(),
    };
    this.podMap.set(podId, record);
    if (clientId !== undefined) this.byClientId.set(clientId, record);
    return { record, created: true };
  }

  /** Deletes a pod and (inferred) every key it holds. */
  removePod(record: PodRecord): void {
    for (const key of [...record.keys.values()]) this.removeKey(key);
    this.podMap.delete(record.pod_id);
    // Inferred: the pod's client_id may be used again once the pod is gone (the doc is silent).
    if (record.client_id !== undefined) this.byClientId.delete(record.client_id);
  }

  insertKey(
    pod: PodRecord,
    name: string,
    permissions: Permissions | undefined,
    expiresAt: string | undefined,
  ): { record: KeyRecord; created: CreatedApiKey } {
    const secret = newSecret(this.region);
    const now = new Date(this.clock()).toISOString();
    const record: KeyRecord = {
      seq: ++this.seq,
      type: "bearer",
      api_key_id: newApiKeyId(),
      pod_id: pod.pod_id,
      name,
      prefix: prefixOf(secret),
      permissions,
      created_at: now,
      updated_at: now,
      ...(expiresAt === undefined ? {} : { expires_at: expiresAt }),
      expiresMs: expiresAt === undefined ? Infinity : Date.parse(expiresAt),
      usedMs: undefined,
    };
    pod.keys.set(record.api_key_id, record);
    this.bySecret.set(secret, record);
    this.secretById.set(record.api_key_id, secret);
    const created: CreatedApiKey = {
      api_key_id: record.api_key_id,
      api_key: secret,
      prefix: record.prefix,
      name: record.name,
      pod_id: record.pod_id,
      ...(permissions === undefined ? {} : { permissions: { ...permissions } }),
      created_at: record.created_at,
      ...(expiresAt === undefined ? {} : { expires_at: expiresAt }),
    };
    return { record, created };
  }

  /** Registers a public-key entry (a credential, or a sign-in key when `status` is given). */
  insertPublicKey(
    pod: PodRecord,
    fields: {
      jwk: PublicJwk;
      name: string;
      clientId: string | undefined;
      expiresAt: string | undefined;
      status?: "pending" | "active" | undefined;
    },
  ): KeyRecord {
    const now = new Date(this.clock()).toISOString();
    const record: KeyRecord = {
      seq: ++this.seq,
      type: "public_key",
      api_key_id: newPublicKeyId(),
      pod_id: pod.pod_id,
      name: fields.name,
      prefix: "",
      permissions: undefined,
      created_at: now,
      updated_at: now,
      ...(fields.expiresAt === undefined ? {} : { expires_at: fields.expiresAt }),
      expiresMs: fields.expiresAt === undefined ? Infinity : Date.parse(fields.expiresAt),
      usedMs: undefined,
      public_key: { jwk: { ...fields.jwk }, fingerprint: thumbprint(fields.jwk) },
      ...(fields.clientId === undefined ? {} : { client_id: fields.clientId }),
      ...(fields.status === undefined ? {} : { status: fields.status }),
    };
    pod.keys.set(record.api_key_id, record);
    return record;
  }

  /** The pod's public-key entry registered with `clientId`, if any (inferred: `client_id` is unique per pod). */
  publicKeyByClientId(pod: PodRecord, clientId: string): KeyRecord | undefined {
    return [...pod.keys.values()].find((k) => k.type === "public_key" && k.client_id === clientId);
  }

  removeKey(record: KeyRecord): void {
    this.podMap.get(record.pod_id)?.keys.delete(record.api_key_id);
    const secret = this.secretById.get(record.api_key_id);
    if (secret !== undefined) {
      this.bySecret.delete(secret);
      this.secretById.delete(record.api_key_id);
    }
  }

  /** The key a secret belongs to, expired or not. */
  keyBySecret(secret: string): KeyRecord | undefined {
    return this.bySecret.get(secret);
  }

  private keyRecords(podId: string | undefined): KeyRecord[] {
    const pods = podId === undefined ? this.podRecords() : [this.podMap.get(podId)].filter((p) => p !== undefined);
    const keys = pods.flatMap((p) => [...p.keys.values()]);
    return keys.sort((a, b) => b.seq - a.seq);
  }

  private requirePod(podId: string): PodRecord {
    const record = this.podMap.get(podId);
    if (!record) throw new Error(`emulator: no pod ${podId}`);
    return record;
  }
}

/** Name of a public-key credential registered without one (documented in the Fern definition). */
export function defaultPublicKeyName(jwk: PublicJwk): string {
  return `AgentID key ${thumbprint(jwk).slice(0, 8)}`;
}

/** An ISO instant from a seed's time; throws a `TypeError` naming `field` when it is not a time. */
function isoTime(value: string | Date, field: string): string {
  const ms = new Date(value).getTime();
  if (Number.isNaN(ms)) throw new TypeError(`${field} is not a valid time: ${String(value)}`);
  return new Date(ms).toISOString();
}
