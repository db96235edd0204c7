/**
 * AgentMail answers 404 both for what does not exist and for what the credential may not see (another
 * pod's scope, another organization, another region). Before treating a 404 as "gone" (dropping a
 * resource from state, leaving a live key unmanaged), make sure it is not the second case; a refresh or
 * destroy run with the wrong credential must fail loudly instead.
 */
import type { AgentMailClient } from "../agentmail/client";
import { AgentMailError, isApiError } from "../agentmail/errors";
import type { Credentials } from "../agentmail/credentials";
import { keyHint } from "../agentmail/redact";
import { IdentitySchema, type Identity } from "../agentmail/schemas";

/** What the state remembers that can vouch for a resource independently of the credential in use. */
export interface Witness {
  /** The API address the resource was created through (`endpoint` output). */
  readonly endpoint?: unknown;
  /** The organization the resource was created in (`organizationId` output of a Pod). */
  readonly organizationId?: unknown;
  /** The key's id, for messages. */
  readonly keyId?: string;
  /** For a key: the key itself. A live key answers `GET /v0/auth/me`; a revoked one answers 401. */
  readonly keySecret?: unknown;
}

/** Resolves when a 404 about `podId` can be trusted; throws when it may only mean "not visible". @internal */
export async function confirmGone(client: AgentMailClient, podId: string, witness: Witness = {}): Promise<void> {
  const credentials = client.transport.credentials;
  const what = witness.keyId === undefined ? `pod ${podId}` : `key ${witness.keyId} of pod ${podId}`;
  if (typeof witness.endpoint === "string" && witness.endpoint !== credentials.baseUrl) {
    throw outOfScope(
      `AgentMail at ${credentials.baseUrl} answered 404 for ${what}, which was created through ${witness.endpoint}`,
      `Set ${baseUrlSetting(credentials)} to the address it was created through.`,
    );
  }
  if (typeof witness.keySecret === "string" && witness.keySecret !== "") {
    // The key vouches for itself, whatever credential this run uses: a key that still authenticates is
    // alive, and then the 404 only means the credential cannot see its pod.
    if ((await identityOf(client, witness.keySecret)) === undefined) return; // revoked or expired: gone indeed
    throw outOfScope(
      `AgentMail answered 404 for ${what}, but the key still works: the credential in use ` +
        `(${credentials.description}) cannot see that pod, so this may not mean it is gone`,
      `Use an organization API key of the organization that owns the pod (${apiKeySetting(credentials)}).`,
    );
  }
  const me = await client.me();
  if (typeof witness.organizationId === "string" && witness.organizationId !== me.organization_id) {
    throw outOfScope(
      `AgentMail answered 404 for ${what}, which was created in organization ${witness.organizationId}, but the ` +
        `credential in use (${credentials.description}) belongs to organization ${me.organization_id}`,
      `Use an API key of the organization that owns it (${apiKeySetting(credentials)}).`,
    );
  }
  if (me.scope_type === "organization" || (me.scope_type === "pod" && me.pod_id === podId)) return;
  throw outOfScope(
    `AgentMail answered 404 for ${what}, but the credential in use (${credentials.description}) ` +
      `is scoped to ${me.scope_type} ${me.scope_id} and cannot see that pod, so this may not mean it is gone`,
    `Use an organization API key (${apiKeySetting(credentials)}), or a key of that pod.`,
  );
}

/**
 * What a key that its pod's listing does not show has become. The listing answered, so the credential sees the
 * pod, but listings lag behind creates: absence alone does not prove a revoke, and dropping a live key from
 * the state makes the next `pulumi up` create a second one beside it. Only the key's own secret can tell:
 * "gone" when AgentMail refuses it (401: revoked or expired), "alive" when it still authenticates as this key,
 * "unproven" when the state holds no secret to ask with. Costs one request, and only for a key not listed.
 * @internal
 */
export async function unlistedKey(
  client: AgentMailClient,
  podId: string,
  witness: Witness & { keyId: string },
): Promise<"gone" | "alive" | "unproven"> {
  const credentials = client.transport.credentials;
  const what = `key ${witness.keyId} of pod ${podId}`;
  if (typeof witness.endpoint === "string" && witness.endpoint !== credentials.baseUrl) {
    // Another address's listing says nothing about this key, and its 401 would not either.
    throw outOfScope(
      `AgentMail at ${credentials.baseUrl} does not list ${what}, which was created through ${witness.endpoint}`,
      `Set ${baseUrlSetting(credentials)} to the address it was created through.`,
    );
  }
  if (typeof witness.keySecret !== "string" || witness.keySecret === "") return "unproven";
  const me = await identityOf(client, witness.keySecret);
  if (me === undefined) return "gone";
  const mismatch =
    (me.api_key_id != null && me.api_key_id !== witness.keyId) || (me.pod_id != null && me.pod_id !== podId);
  if (mismatch) {
    throw new AgentMailError(
      "AGENTMAIL_STATE_MISMATCH",
      `The secret the state holds for ${what} authenticates as key ${me.api_key_id ?? "(unnamed)"} of ` +
        `${me.scope_type} ${me.scope_id}, not as that key: the state does not describe one key. Nothing was ` +
        "dropped from the state. Check the resource's state (pulumi stack export) before running again.",
    );
  }
  return "alive";
}

/** Who `secret` authenticates as (`GET /v0/auth/me` with the key itself), or undefined when AgentMail refuses it (401). */
async function identityOf(client: AgentMailClient, secret: string): Promise<Identity | undefined> {
  const self = client.transport.withCredentials({
    apiKey: secret,
    baseUrl: client.transport.credentials.baseUrl,
    description: `the key itself (${keyHint(secret)})`,
  });
  try {
    return await self.send({ method: "GET", path: "/v0/auth/me", schema: IdentitySchema });
  } catch (e) {
    if (isApiError(e, 401)) return undefined;
    throw e;
  }
}

/** The setting that holds the base URL in use: the resource's `connection.baseUrl`, or the stack's. */
function baseUrlSetting(credentials: Credentials): string {
  return credentials.baseUrlSetting ?? "agentmail:baseUrl / AGENTMAIL_BASE_URL";
}

/** The setting that holds the credential in use: the resource's `connection.apiKey`, or the stack's. */
function apiKeySetting(credentials: Credentials): string {
  return credentials.baseUrlSetting === undefined ? "agentmail:apiKey or AGENTMAIL_API_KEY" : "connection.apiKey";
}

function outOfScope(what: string, fix: string): AgentMailError {
  return new AgentMailError("AGENTMAIL_OUT_OF_SCOPE", `${what}. Nothing was dropped from the state. ${fix}`);
}
