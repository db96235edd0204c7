/**
 * One method per AgentMail endpoint this package uses, over `Transport`. Knows nothing of Pulumi.
 */
import { AgentMailError, ResponseError, type RequestInfo } from "./errors";
import { apiPath } from "./ids";
import { Transport, type TransportOptions } from "./transport";
import {
  ApiKeyListSchema,
  BearerKeySchema,
  CreatedKeySchema,
  IdentitySchema,
  InboxListSchema,
  PodListSchema,
  PodSchema,
  RenamedKeySchema,
  type BearerKey,
  type CreatedKey,
  type Identity,
  type Inbox,
  type Pod,
} from "./schemas";

/** The body of Create API Key. @internal */
export interface CreateApiKeyBody {
  readonly name?: string;
  readonly permissions?: Readonly<Record<string, boolean>>;
  readonly expires_at?: string;
}

/** A page of bearer keys (public keys already skipped). @internal */
export interface KeyPage {
  readonly keys: BearerKey[];
  readonly nextPageToken: string | undefined;
}

/** @internal */
export class AgentMailClient {
  readonly transport: Transport;

  constructor(options: TransportOptions) {
    this.transport = new Transport(options);
  }

  /** `GET /v0/auth/me`: what the credential is and may reach. */
  me(): Promise<Identity> {
    return this.transport.send({ method: "GET", path: "/v0/auth/me", schema: IdentitySchema });
  }

  getPod(podId: string): Promise<Pod> {
    return this.transport.send({
      method: "GET",
      path: apiPath("/v0/pods/{pod_id}", { pod_id: podId }),
      schema: PodSchema,
      permission: "pod_read",
    });
  }

  async listPods(pageToken?: string, limit?: number): Promise<{ pods: Pod[]; nextPageToken: string | undefined }> {
    const page = await this.transport.send({
      method: "GET",
      path: "/v0/pods",
      query: { limit, page_token: pageToken },
      schema: PodListSchema,
      permission: "pod_read",
    });
    return { pods: page.pods, nextPageToken: page.next_page_token ?? undefined };
  }

  /** Every pod the credential can see, across all pages (a page may be empty and still carry a token). */
  listAllPods(): Promise<Pod[]> {
    return allPages("/v0/pods", async (token) => {
      const page = await this.listPods(token);
      return { items: page.pods, nextPageToken: page.nextPageToken };
    });
  }

  createPod(body: { name?: string; client_id?: string }): Promise<Pod> {
    return this.transport.send({ method: "POST", path: "/v0/pods", body, schema: PodSchema, permission: "pod_create" });
  }

  async deletePod(podId: string): Promise<void> {
    await this.transport.send({
      method: "DELETE",
      path: apiPath("/v0/pods/{pod_id}", { pod_id: podId }),
      schema: undefined,
      permission: "pod_delete",
    });
  }

  /** One page of a pod's inboxes, newest first (`GET /v0/pods/{pod_id}/inboxes`, in the `agentmail` SDK). */
  async listInboxes(
    podId: string,
    pageToken?: string,
    limit?: number,
  ): Promise<{ inboxes: Inbox[]; nextPageToken: string | undefined }> {
    const page = await this.transport.send({
      method: "GET",
      path: apiPath("/v0/pods/{pod_id}/inboxes", { pod_id: podId }),
      query: { limit, page_token: pageToken },
      schema: InboxListSchema,
      permission: "inbox_read",
    });
    return { inboxes: page.inboxes, nextPageToken: page.next_page_token ?? undefined };
  }

  async listApiKeys(podId: string, pageToken?: string, limit?: number): Promise<KeyPage> {
    const path = apiPath("/v0/pods/{pod_id}/api-keys", { pod_id: podId });
    const page = await this.transport.send({
      method: "GET",
      path,
      query: { limit, page_token: pageToken },
      schema: ApiKeyListSchema,
      permission: "api_key_read",
    });
    const keys = page.api_keys.flatMap((k, index) => {
      // Other kinds (public keys, kinds not known yet) are skipped. A bearer entry that does not fit is
      // an error: skipping it would make a live key look revoked (refresh would drop it from the state,
      // and the clean-up after an ambiguous create could not see it).
      if (k.type !== "bearer") return [];
      const bearer = BearerKeySchema.safeParse(k);
      if (bearer.success) return [bearer.data];
      const info: RequestInfo = { method: "GET", path, credential: this.transport.credentials.description };
      // zod's messages name paths and expected types, never the received values.
      const problem = bearer.error.issues
        .slice(0, 3)
        .map((i) => `api_keys.${[index, ...i.path].join(".")}: ${i.message}`)
        .join("; ");
      throw new ResponseError(info, 200, `a bearer key that does not match the documented ApiKey (${problem})`);
    });
    return { keys, nextPageToken: page.next_page_token ?? undefined };
  }

  /** Every bearer key of a pod, across all pages (a page may be empty and still carry a token). */
  listAllApiKeys(podId: string): Promise<BearerKey[]> {
    return allPages(apiPath("/v0/pods/{pod_id}/api-keys", { pod_id: podId }), async (token) => {
      const page = await this.listApiKeys(podId, token);
      return { items: page.keys, nextPageToken: page.nextPageToken };
    });
  }

  createApiKey(podId: string, body: CreateApiKeyBody): Promise<CreatedKey> {
    return this.transport.send({
      method: "POST",
      path: apiPath("/v0/pods/{pod_id}/api-keys", { pod_id: podId }),
      body,
      schema: CreatedKeySchema,
      permission: "api_key_create",
    });
  }

  /** `PATCH .../api-keys/{id}` with a new `name` only (idempotent: the same rename twice is one rename). */
  async renameApiKey(podId: string, apiKeyId: string, name: string): Promise<{ api_key_id: string; name: string }> {
    return this.transport.send({
      method: "PATCH",
      path: apiPath("/v0/pods/{pod_id}/api-keys/{api_key_id}", { pod_id: podId, api_key_id: apiKeyId }),
      body: { name },
      schema: RenamedKeySchema,
      permission: "api_key_update",
    });
  }

  async deleteApiKey(podId: string, apiKeyId: string): Promise<void> {
    await this.transport.send({
      method: "DELETE",
      path: apiPath("/v0/pods/{pod_id}/api-keys/{api_key_id}", { pod_id: podId, api_key_id: apiKeyId }),
      schema: undefined,
      permission: "api_key_delete",
    });
  }
}

/**
 * Follows `next_page_token` until it is absent. A server that hands back a token it gave before would
 * loop forever, and a partial list would make a live key or pod look gone: that fails loudly.
 */
async function allPages<T>(
  path: string,
  fetchPage: (token: string | undefined) => Promise<{ items: T[]; nextPageToken: string | undefined }>,
): Promise<T[]> {
  const all: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    all.push(...page.items);
    token = page.nextPageToken;
    if (token !== undefined) {
      if (seen.has(token)) {
        throw new AgentMailError(
          "AGENTMAIL_UNEXPECTED_RESPONSE",
          `AgentMail GET ${path} repeated a page token; the listing cannot be completed.`,
        );
      }
      seen.add(token);
    }
  } while (token !== undefined);
  return all;
}
