/**
 * The emulator's in-memory state: pods, their API keys and the index of secrets used to authenticate.
 * {@link MemoryStore} implements the public {@link EmulatorStore} view and adds what the route handlers need.
 */
import { newApiKeyId, newInboxAddress, newPodId, newSecret, prefixOf } from "./ids";
import { dropUnknown, type Permissions } from "./permissions";
import { inboxWire, keyWire, podWire, type KeyRecord, type PodRecord } from "./records";
import {
  DEFAULT_KEY_NAME,
  DEFAULT_POD_NAME,
  type ApiKeySeed,
  type EmulatorState,
  type EmulatorStore,
  type PodSeed,
} from "./storeView";
import type { CreatedApiKey, Inbox, Pod, PublicKeyEntry, StoredKey } from "./wire";

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
    let expires: string | undefined;
    if (seed.expires_at !== undefined) {
      const ms = new Date(seed.expires_at).getTime();
      if (Number.isNaN(ms)) throw new TypeError(`expires_at is not a valid time: ${String(seed.expires_at)}`);
      expires = new Date(ms).toISOString();
    }
    const permissions = seed.permissions === undefined ? undefined : dropUnknown(seed.permissions);
    return this.insertKey(pod, seed.name ?? DEFAULT_KEY_NAME, permissions, expires).created;
  }

  revokeApiKey(podId: string, apiKeyId: string): boolean {
    const key = this.podMap.get(podId)?.keys.get(apiKeyId);
    if (!key) return false;
    this.removeKey(key);
    return true;
  }

  addPublicKey(podId: string, name = "Public Key"): PublicKeyEntry {
    const pod = this.requirePod(podId);
    const now = new Date(this.clock()).toISOString();
    const record: KeyRecord = {
      seq: ++this.seq,
      type: "public_key",
      api_key_id: newApiKeyId(),
      pod_id: pod.pod_id,
      name,
      prefix: "",
      permissions: undefined,
      created_at: now,
      updated_at: now,
      expiresMs: Infinity,
      usedMs: undefined,
    };
    pod.keys.set(record.api_key_id, record);
    return keyWire(record) as PublicKeyEntry;
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
