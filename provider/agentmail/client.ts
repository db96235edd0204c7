/**
 * One method per AgentMail endpoint this package uses, over `Transport`. Knows nothing of Pulumi.
 */
import { AgentMailError } from "./errors";
import { Transport, type TransportOptions } from "./transport";
import {
  ApiKeyListSchema,
  BearerKeySchema,
  CreatedKeySchema,
  IdentitySchema,
  PodListSchema,
  PodSchema,
  type BearerKey,
  type CreatedKey,
  type Identity,
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

const seg = encodeURIComponent;

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
      path: `/v0/pods/${seg(podId)}`,
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

  createPod(body: { name?: string; client_id?: string }): Promise<Pod> {
    return this.transport.send({ method: "POST", path: "/v0/pods", body, schema: PodSchema, permission: "pod_create" });
  }

  async deletePod(podId: string): Promise<void> {
    await this.transport.send({
      method: "DELETE",
      path: `/v0/pods/${seg(podId)}`,
      schema: undefined,
      permission: "pod_delete",
    });
  }

  async listApiKeys(podId: string, pageToken?: string, limit?: number): Promise<KeyPage> {
    const page = await this.transport.send({
      method: "GET",
      path: `/v0/pods/${seg(podId)}/api-keys`,
      query: { limit, page_token: pageToken },
      schema: ApiKeyListSchema,
      permission: "api_key_read",
    });
    const keys = page.api_keys.flatMap((k) => {
      const bearer = BearerKeySchema.safeParse(k);
      return bearer.success ? [bearer.data] : [];
    });
    return { keys, nextPageToken: page.next_page_token ?? undefined };
  }

  /** Every bearer key of a pod, across all pages (a page may be empty and still carry a token). */
  async listAllApiKeys(podId: string): Promise<BearerKey[]> {
    const all: BearerKey[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const page = await this.listApiKeys(podId, token);
      all.push(...page.keys);
      token = page.nextPageToken;
      // A server that hands back a token it gave before would loop forever; a partial list would make
      // a live key look revoked. Neither is acceptable: fail loudly.
      if (token !== undefined) {
        if (seen.has(token)) {
          throw new AgentMailError(
            "AGENTMAIL_UNEXPECTED_RESPONSE",
            `AgentMail GET /v0/pods/${podId}/api-keys repeated a page token; the listing cannot be completed.`,
          );
        }
        seen.add(token);
      }
    } while (token !== undefined);
    return all;
  }

  createApiKey(podId: string, body: CreateApiKeyBody): Promise<CreatedKey> {
    return this.transport.send({
      method: "POST",
      path: `/v0/pods/${seg(podId)}/api-keys`,
      body,
      schema: CreatedKeySchema,
      permission: "api_key_create",
    });
  }

  async deleteApiKey(podId: string, apiKeyId: string): Promise<void> {
    await this.transport.send({
      method: "DELETE",
      path: `/v0/pods/${seg(podId)}/api-keys/${seg(apiKeyId)}`,
      schema: undefined,
      permission: "api_key_delete",
    });
  }
}
