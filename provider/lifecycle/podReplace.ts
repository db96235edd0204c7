/**
 * Refusing, in `diff`, a Pod replacement that cannot finish.
 *
 * AgentMail will not delete a pod that still holds inboxes. Replacing such a pod fails only at its last step,
 * the old pod's deletion: by then the engine has created the new pod and the keys that follow it, and revoked
 * the old keys (create first), or, for a delete-first replacement, deleted the keys that depend on the pod
 * (pulumi/pulumi `pkg/resource/deploy/step_generator.go`: `calculateDependentReplacements`, called when
 * `deleteBeforeReplace`). `diff` runs before any step, in preview too, so it asks AgentMail first: one GET
 * of at most one inbox, only when a replacement is being decided.
 *
 * What the user may want instead, keeping the old pod out of Pulumi's delete with `retainOnDelete`, cannot
 * be seen here (diff receives no resource options), so the message says how to get there: the engine reads
 * `retainOnDelete` from the state (`step.go`: `s.old.RetainOnDelete`), and a targeted replacement
 * (`pulumi up --replace`) is decided without calling diff (`step_generator.go`, `diff`: `isTargetedReplace`).
 */
import type { AgentMailClient } from "../agentmail/client";
import { AgentMailError, isApiError } from "../agentmail/errors";
import { connectionOf } from "./connection";
import type { LifecycleContext } from "./context";
import { isUnknown } from "./unknown";

type Props = Record<string, unknown>;

/** What `diff` decided, as far as this check needs it. */
interface Replacement {
  readonly replaces: readonly string[];
  readonly deleteBeforeReplace: boolean;
}

/**
 * Throws when the pod `id` is to be replaced and still holds inboxes; resolves when it is not replaced, holds
 * none, or is gone (404: the deletion's own checks then decide). An id not known yet makes no request.
 * @internal
 */
export async function refuseReplacingNonEmpty(
  ctx: LifecycleContext,
  id: string,
  olds: Props,
  decision: Replacement,
): Promise<void> {
  if (decision.replaces.length === 0 || id === "" || isUnknown(id)) return;
  let inbox: string | undefined;
  try {
    // The pod to be replaced lives where its state's connection (or the stack's credential) reaches.
    inbox = await firstInbox(ctx.client(connectionOf(olds)), id);
  } catch (e) {
    if (isApiError(e, 404)) return;
    throw new AgentMailError(
      "AGENTMAIL_POD_REPLACE_UNCHECKED",
      `${describe(id, olds, decision)} AgentMail refuses to delete a pod that still holds inboxes, and checking ` +
        `that failed, so nothing was changed: ${(e as Error).message}`,
    );
  }
  if (inbox !== undefined) throw refusal(id, olds, decision, inbox);
}

/** The first inbox of the pod, or undefined. A page may be empty and still carry a token: it is followed. */
async function firstInbox(client: AgentMailClient, podId: string): Promise<string | undefined> {
  const seen = new Set<string>();
  for (let token: string | undefined; ;) {
    const page = await client.listInboxes(podId, token, 1);
    if (page.inboxes[0] !== undefined) return page.inboxes[0].inbox_id;
    token = page.nextPageToken;
    if (token === undefined) return undefined;
    if (seen.has(token)) {
      throw new AgentMailError(
        "AGENTMAIL_UNEXPECTED_RESPONSE",
        `AgentMail GET /v0/pods/${podId}/inboxes repeated a page token; the listing cannot be completed.`,
      );
    }
    seen.add(token);
  }
}

function describe(id: string, olds: Props, decision: Replacement): string {
  const name = typeof olds["name"] === "string" ? ` ("${olds["name"]}")` : "";
  return `Pod ${id}${name} is to be replaced (${decision.replaces.join(" and ")} changed).`;
}

function refusal(id: string, olds: Props, decision: Replacement, inbox: string): AgentMailError {
  const clientId = typeof olds["clientId"] === "string" ? olds["clientId"] : undefined;
  const lost = decision.deleteBeforeReplace
    ? `Since its clientId "${clientId}" stays the same, the old pod would be deleted first, after Pulumi had ` +
      "deleted the keys that depend on it, and that deletion would fail."
    : "The new pod and its keys would be created, and the old keys revoked, before that deletion failed.";
  const newClientId = decision.deleteBeforeReplace
    ? " with another clientId (AgentMail answers a clientId in use with the pod that has it)"
    : "";
  return new AgentMailError(
    "AGENTMAIL_POD_REPLACE_REFUSED",
    `${describe(id, olds, decision)} It still holds inboxes (${inbox} among them), and AgentMail refuses to ` +
      `delete a pod that holds inboxes or domains. ${lost} Nothing was changed. To go on, either delete the ` +
      "pod's inboxes and domains (AgentMail console or API) and run again; or, to keep the old pod and its " +
      "inboxes in AgentMail, no longer managed by Pulumi: undo the change, set `retainOnDelete: true` on this " +
      "Pod and run `pulumi up` (Pulumi reads that option from the state, so it must be there first), then redo " +
      `the change${newClientId} and run \`pulumi up --replace <this Pod's URN>\` (a replacement asked for by ` +
      "URN skips this check; `pulumi stack --show-urns` lists the URNs); or undo the change.",
  );
}
