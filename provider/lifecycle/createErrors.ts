/**
 * A key create's failures that deserve words of their own: the pod not found (naming `podId` and what the
 * credential reaches) and an expiry beyond the creating credential's own.
 */
import type { AgentMailClient } from "../agentmail/client";
import { AgentMailError, isApiError, type ApiError } from "../agentmail/errors";

/**
 * The create's POST answered 404: the pod does not exist, or the credential cannot see it (AgentMail answers
 * both alike). Names the input to fix and what the credential reaches (one `GET /v0/auth/me`, only here).
 * @internal
 */
export async function podNotFound(client: AgentMailClient, podId: string, e: ApiError): Promise<AgentMailError> {
  const credentials = client.transport.credentials;
  let reach = "";
  try {
    const me = await client.me();
    reach =
      me.scope_type === "organization"
        ? ` The credential in use (${credentials.description}) is an organization key of organization ` +
          `${me.organization_id}, so the pod does not exist there (or is in another region: ${credentials.baseUrl}).`
        : ` The credential in use (${credentials.description}) is scoped to ${me.scope_type} ${me.scope_id} and ` +
          "cannot see other pods: use an organization API key.";
  } catch {
    // The reach is a courtesy: the 404 is the error.
  }
  return new AgentMailError(
    "AGENTMAIL_POD_NOT_FOUND",
    `podId: AgentMail has no pod ${podId} that the credential can see.${reach} Set podId to the id of an existing ` +
      "pod (pod.podId of a Pod resource, getPod, or the AgentMail console). " +
      e.message,
  );
}

/**
 * 403 codes with a cause of their own. Any other coded 403 (`forbidden`) to a create that sent an expiry is
 * about that expiry; a bare 403 (a gateway's, no code) stays a permission problem.
 */
const OTHER_403 = new Set([
  "missing_permission",
  "permission_escalation",
  "unrestricted_key_required",
  "limit_exceeded",
]);

/** Whether a create's error is AgentMail refusing the expiry it was sent (see `OTHER_403`). @internal */
export function isExpiryRefusal(e: unknown): e is ApiError {
  return isApiError(e, 403) && e.apiCode !== undefined && !OTHER_403.has(e.apiCode);
}

/**
 * AgentMail refuses a key that would outlive the credential creating it (403, without a code of its own).
 * `policy` names the `expireAfter` that produced the expiry, or is empty for a given `expiresAt`. The API's
 * message, which names the credential's expiry when it is known, stays in the text.
 * @internal
 */
export function expiryRefused(name: string, policy: string, expiresAt: string, e: Error): AgentMailError {
  if (policy !== "") {
    return new AgentMailError(
      "AGENTMAIL_EXPIRY_REFUSED",
      `AgentMail refused key "${name}" with ${policy} (expires_at ${expiresAt}): a key cannot outlive the ` +
        "credential that creates it, so expireAfter must not reach beyond that credential's own expiry. Set a " +
        "shorter expireAfter, leave it out (the key then inherits the credential's expiry), or use a credential " +
        `that expires later. ${e.message}`,
    );
  }
  return new AgentMailError(
    "AGENTMAIL_EXPIRY_REFUSED",
    `AgentMail refused key "${name}" with expiresAt ${expiresAt}: a key cannot outlive the credential that creates ` +
      "it, so expiresAt must not be later than that credential's own expiry. Set an earlier expiresAt, leave it " +
      `out (the key then inherits the credential's expiry), or use a credential that expires later. ${e.message}`,
  );
}
