/**
 * AgentMail answers 404 both for what does not exist and for what the credential may not see. Before
 * treating a 404 as "gone" (dropping a key from state), make sure it is not the second case: a refresh
 * or destroy run with the wrong pod's key must fail loudly, not forget live keys.
 */
import type { AgentMailClient } from "../agentmail/client";
import { AgentMailError } from "../agentmail/errors";

/** Resolves when a 404 about `podId` can be trusted; throws when the credential cannot see that pod. @internal */
export async function confirmGone(client: AgentMailClient, podId: string, keyId?: string): Promise<void> {
  const me = await client.me();
  if (me.scope_type === "organization" || (me.scope_type === "pod" && me.pod_id === podId)) return;
  const what = keyId === undefined ? `pod ${podId}` : `key ${keyId} of pod ${podId}`;
  throw new AgentMailError(
    "AGENTMAIL_OUT_OF_SCOPE",
    `AgentMail answered 404 for ${what}, but the credential in use (${client.transport.credentials.description}) ` +
      `is scoped to ${me.scope_type} ${me.scope_id} and cannot see that pod, so this may not mean it is gone. ` +
      "Use an organization API key (agentmail:apiKey or AGENTMAIL_API_KEY), or a key of that pod.",
  );
}
