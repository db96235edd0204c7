/**
 * What the lookups (`getPod`, `getPodApiKeys`) answer under {@link agentmailMocks}: the pods and keys a test
 * seeds, checked when the mocks are made (a seed AgentMail could never hold fails there, naming it).
 */
import { ID_SHAPE, idProblem, quoteId } from "../agentmail/ids";
import { isPermissionName } from "../agentmail/permissions";
import type { GetPodApiKeysResult, GetPodResult, PodApiKeyInfo } from "../lookups";
import { compact } from "../lifecycle/outputs";
import type { PodApiKeyPermissions } from "../podApiKey";

/** A pod the lookups know, as a test seeds it. Only `podId` is required. */
export interface MockPod {
  /** The pod's id: letters, digits, `-`, `_` and `.`, as AgentMail's ids. Required. */
  readonly podId: string;
  /** The pod's name. Default: the pod's id (what AgentMail names a pod created without a name). */
  readonly name?: string;
  /** The `client_id` it was created with. Default: none. */
  readonly clientId?: string;
  /** When it was created (ISO-8601). Default: the mocks' clock when they were made. */
  readonly createdAt?: string;
  /** When it was last updated (ISO-8601). Default: `createdAt`. */
  readonly updatedAt?: string;
  /** Its API keys, as `getPodApiKeys` lists them, in this order (AgentMail lists newest first). Default: none. */
  readonly keys?: readonly MockPodApiKey[];
}

/** An API key of a seeded pod (metadata only: a listing never shows a key's secret). Only `apiKeyId` is required. */
export interface MockPodApiKey {
  /** The key's id, of the same shape as a pod id. Required. */
  readonly apiKeyId: string;
  /** The key's name. Default: `"API Key"` (AgentMail's name for a key created without one). */
  readonly name?: string;
  /** The key's first characters. Default: `am_us_` and the first hex digits of the id. */
  readonly prefix?: string;
  /** When it was created (ISO-8601). Default: the mocks' clock when they were made. */
  readonly createdAt?: string;
  /** What it may do, in camelCase; omitted: the pod's full access. Unknown names are refused. */
  readonly permissions?: PodApiKeyPermissions;
  /** When it expires (ISO-8601). Default: never. */
  readonly expiresAt?: string;
  /** The inbox it is scoped to. Default: none (a pod key). */
  readonly inboxId?: string;
  /** When it was last used (ISO-8601). Default: never. */
  readonly usedAt?: string;
}

/** The lookups' answers, by pod id. */
export class SeededPods {
  private readonly pods = new Map<string, { pod: GetPodResult; keys: PodApiKeyInfo[] }>();

  /** @param now When the mocks were made: the default `createdAt`. */
  constructor(seeds: readonly MockPod[], now: string) {
    seeds.forEach((seed, i) => {
      const where = `agentmailMocks: pods[${i}]`;
      requireId(seed?.podId, `${where}.podId`);
      if (this.pods.has(seed.podId)) throw new TypeError(`${where}.podId: pod ${quoteId(seed.podId)} is seeded twice.`);
      const createdAt = seed.createdAt ?? now;
      const pod = compact({
        podId: seed.podId,
        name: seed.name ?? seed.podId,
        clientId: seed.clientId,
        createdAt,
        updatedAt: seed.updatedAt ?? createdAt,
      }) as GetPodResult;
      const keys = (seed.keys ?? []).map((k, j) => keyInfo(k, `${where}.keys[${j}]`, now));
      this.pods.set(seed.podId, { pod, keys });
    });
  }

  /** `getPod`'s answer; a pod not seeded fails as AgentMail's 404 would. */
  pod(podId: string): GetPodResult {
    const found = this.pods.get(podId);
    if (found === undefined) {
      const message =
        `getPod: no pod ${quoteId(podId)} among the pods given to agentmailMocks (AgentMail would answer 404 not_found). ` +
        `Seed it: agentmailMocks(inner, { pods: [{ podId: ${quoteId(podId)} }] }).`;
      // The SDK's invoke rethrows `new Error(err.details)` (runtime/invoke.js), as for a gRPC error: keep the words.
      throw Object.assign(new Error(message), { details: message });
    }
    return found.pod;
  }

  /** `getPodApiKeys`' answer: the seeded keys, none for a pod not seeded. */
  keys(podId: string): GetPodApiKeysResult {
    return { podId, keys: [...(this.pods.get(podId)?.keys ?? [])] };
  }
}

function keyInfo(seed: MockPodApiKey, where: string, now: string): PodApiKeyInfo {
  requireId(seed?.apiKeyId, `${where}.apiKeyId`);
  for (const name of Object.keys(seed.permissions ?? {})) {
    if (!isPermissionName(name)) {
      throw new TypeError(
        `${where}.permissions.${name}: "${name}" is not an AgentMail permission. ` +
          "Allowed: the camelCase names listed in the README's permissions table (e.g. messageSend, inboxRead).",
      );
    }
  }
  return compact({
    apiKeyId: seed.apiKeyId,
    name: seed.name ?? "API Key",
    prefix: seed.prefix ?? `am_us_${seed.apiKeyId.replace(/[^0-9a-f]/g, "").slice(0, 6)}`,
    createdAt: seed.createdAt ?? now,
    permissions: seed.permissions,
    expiresAt: seed.expiresAt,
    inboxId: seed.inboxId,
    usedAt: seed.usedAt,
  }) as PodApiKeyInfo;
}

function requireId(value: unknown, input: string): asserts value is string {
  const problem = idProblem(value);
  if (problem !== undefined) {
    throw new TypeError(`${input} is not an AgentMail id (got ${quoteId(value)}: ${problem}): expected ${ID_SHAPE}.`);
  }
}
