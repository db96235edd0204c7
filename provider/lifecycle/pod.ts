/**
 * The Pod dynamic provider's logic, as plain async functions over plain values.
 *
 * The API has no pod update, so a change of `name` or `clientId` replaces the pod. Creation sends a
 * `client_id`: AgentMail answers a repeated one with the ORIGINAL pod and creates nothing, so unlike a
 * key's, a pod's POST may be retried after an ambiguous failure (5xx, timeout, reset) without
 * creating a second pod.
 */
import type { AgentMailClient } from "../agentmail/client";
import type { Pod } from "../agentmail/schemas";
import { AgentMailError, isApiError, type ApiError } from "../agentmail/errors";
import type { LifecycleContext } from "./context";
import { isAmbiguous } from "./createKey";
import { nextCreateDelay } from "./backoff";
import { confirmGone, type Witness } from "./gone";
import { autoName } from "./naming";
import { compact } from "./outputs";
import type { Failure } from "./inputs";
import { generateClientId, isGeneratedClientId, validatePodInputs } from "./podInputs";
import { isUnknown } from "./unknown";

/** The outputs stored in state. @internal */
export interface PodState {
  podId: string;
  name: string;
  clientId: string;
  createdAt: string;
  updatedAt: string;
  autoNamePrefix?: string;
}

type Props = Record<string, unknown>;

const REPLACING = ["name", "clientId"] as const;

/**
 * Validates, auto-names, and picks the `clientId`: the given one, else the generated one from the old
 * inputs while the name stays the same, else a fresh one. A new name gets a fresh generated id because
 * the replacement pod is created before the old one is deleted, and the old id would return the old pod.
 * @internal
 */
export async function check(olds: Props, news: Props): Promise<{ inputs: Props; failures: Failure[] }> {
  const result = validatePodInputs(news);
  if (result.failures.length > 0) return { inputs: news, failures: result.failures };
  const prefix = typeof news["autoNamePrefix"] === "string" ? news["autoNamePrefix"] : "pod";
  const name = news["name"] ?? autoName(prefix, olds["name"]);
  const keep = isGeneratedClientId(olds["clientId"]) && !isUnknown(name) && olds["name"] === name;
  const clientId = news["clientId"] ?? (keep ? olds["clientId"] : generateClientId());
  return { inputs: compact({ ...news, name, clientId }), failures: [] };
}

/**
 * `name` and `clientId` replace the pod; an unknown (preview) value counts as a change. The new pod is
 * created first, unless it would carry the old `clientId` (an explicit one kept while the name changes,
 * or a forced replacement): AgentMail would answer that create with the old pod, so the old one is
 * deleted first.
 * @internal
 */
export async function diff(
  _id: string,
  olds: Props,
  news: Props,
): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
  const replaces: string[] = REPLACING.filter((field) => isUnknown(news[field]) || olds[field] !== news[field]);
  const sameClientId = !replaces.includes("clientId") && olds["clientId"] !== undefined;
  // Said even when nothing changed: a forced replacement (`pulumi up --replace`) keeps the clientId too,
  // and the engine takes deleteBeforeReplace from this answer.
  return { changes: replaces.length > 0, replaces, deleteBeforeReplace: sameClientId };
}

/** Creates the pod, retrying ambiguous failures: the `client_id` makes a repeat return the same pod. @internal */
export async function create(ctx: LifecycleContext, inputs: Props): Promise<{ id: string; outs: Props }> {
  const name = inputs["name"] as string;
  const clientId = inputs["clientId"] as string;
  const client = ctx.client();
  const pod = await createPodOnce(ctx, client, { name, client_id: clientId });
  if (pod.name !== name) {
    // A repeated client_id returns the pod it was first used for, whatever the name asked for now.
    throw new AgentMailError(
      "AGENTMAIL_CLIENT_ID_TAKEN",
      `clientId "${clientId}" already belongs to pod ${pod.pod_id} ("${pod.name}"), so AgentMail returned that pod ` +
        `instead of creating "${name}". Give this Pod another clientId, or omit clientId to have one generated.`,
    );
  }
  // Where the pod lives, so that a later 404 through another address or from another organization's key
  // is not read as "gone" (see gone.ts). A pod has no secret to vouch for it the way a key does.
  const where = { endpoint: client.transport.credentials.baseUrl, organizationId: await organizationOf(client) };
  return { id: pod.pod_id, outs: outputsOf({ ...inputs, ...where }, pod) };
}

/** The credential's organization, or undefined if AgentMail will not say (the pod is made either way). */
async function organizationOf(client: AgentMailClient): Promise<string | undefined> {
  try {
    return (await client.me()).organization_id;
  } catch {
    return undefined;
  }
}

async function createPodOnce(
  ctx: LifecycleContext,
  client: AgentMailClient,
  body: { name: string; client_id: string },
): Promise<Pod> {
  const began = ctx.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.createPod(body);
    } catch (e) {
      if (!isAmbiguous(e)) throw e;
      const delay = nextCreateDelay(client.transport.policy, attempt, ctx.now() - began);
      if (delay === undefined) throw await createFailed(client, body, attempt, e as Error);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/**
 * The error after every attempt was ambiguous, once it is known whether a pod was left behind. Nothing
 * is written to the state after a failed create, and the next run generates a fresh `clientId`, so a
 * pod created by one of these attempts would never be returned by a rerun: it would stay behind, beside
 * a second pod. A pod with this run's generated `clientId` was created by it moments ago and is empty:
 * it is deleted. A `clientId` given by the user is left alone: the pod may be one they meant to adopt,
 * and a rerun sends the same `clientId`, so AgentMail returns that pod instead of creating another.
 */
async function createFailed(
  client: AgentMailClient,
  body: { name: string; client_id: string },
  attempts: number,
  last: Error,
): Promise<AgentMailError> {
  const fail = (outcome: string) =>
    new AgentMailError(
      "AGENTMAIL_CREATE_FAILED",
      `Creating pod "${body.name}" failed ${attempts} times; the last time: ${last.message} ${outcome}`,
    );
  if (!isGeneratedClientId(body.client_id)) {
    return fail(
      `The pod may exist: running again is safe, since its clientId "${body.client_id}" makes AgentMail ` +
        "return that pod rather than create a second one.",
    );
  }
  const which = `pod "${body.name}" (client_id "${body.client_id}")`;
  let found: Pod | undefined;
  try {
    found = (await client.listAllPods()).find((p) => p.client_id === body.client_id);
  } catch (e) {
    return fail(
      `Listing the pods to look for one left behind failed too (${(e as Error).message}), so ${which} may exist. ` +
        "Running again would generate a new clientId and so create a second pod. Either find that pod " +
        `(AgentMail console, or GET /v0/pods: the one whose client_id is "${body.client_id}") and delete it ` +
        `(DELETE /v0/pods/{pod_id}), or set clientId: "${body.client_id}" on this Pod: then running again is ` +
        "safe, since AgentMail returns that pod rather than create a second one.",
    );
  }
  if (found === undefined) {
    return fail(
      `AgentMail holds no pod with client_id "${body.client_id}": no pod left behind; running again is safe.`,
    );
  }
  const where = `pod ${found.pod_id} ("${found.name}", client_id "${body.client_id}")`;
  if (found.name !== body.name) {
    // Not the pod asked for (a generated id is never reused on purpose): not ours to delete.
    return fail(`AgentMail holds ${where}, which is not the pod asked for; it was left alone. Running again is safe.`);
  }
  try {
    await client.deletePod(found.pod_id);
  } catch (e) {
    if (!isApiError(e, 404)) {
      return fail(
        `One of the attempts did create ${where}, and deleting it failed (${(e as Error).message}). ` +
          `Delete it (AgentMail console, or DELETE /v0/pods/${found.pod_id}) before running again, or running ` +
          "again will create a second pod.",
      );
    }
  }
  return fail(`One of the attempts did create ${where}; it was deleted: no pod left behind; running again is safe.`);
}

function outputsOf(props: Props, pod: Pod): Props {
  return compact({
    ...props,
    podId: pod.pod_id,
    name: pod.name,
    clientId: pod.client_id ?? props["clientId"],
    createdAt: pod.created_at,
    updatedAt: pod.updated_at,
  });
}

/** What the state holds that can tell "gone" from "not visible to this credential" (see gone.ts). */
function witnessOf(props: Props): Witness {
  return { endpoint: props["endpoint"], organizationId: props["organizationId"] };
}

/** Refresh: the pod as Get Pod answers now, or `id: ""` when it is gone. @internal */
export async function read(ctx: LifecycleContext, id: string, props: Props): Promise<{ id: string; props: Props }> {
  const client = ctx.client();
  let pod: Pod;
  try {
    pod = await client.getPod(id);
  } catch (e) {
    if (isApiError(e, 404)) {
      await confirmGone(client, id, witnessOf(props));
      return { id: "", props: {} };
    }
    throw e;
  }
  return { id, props: outputsOf(props, pod) };
}

/** Nothing changes in place (every input replaces), but no output may ever be wiped. @internal */
export async function update(_id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
  return { outs: compact({ ...olds, ...news }) };
}

/** Delete. A pod already gone is success; a pod that still holds inboxes or domains is a clear error. @internal */
export async function remove(ctx: LifecycleContext, id: string, props: Props): Promise<void> {
  const client = ctx.client();
  try {
    await client.deletePod(id);
  } catch (e) {
    if (isApiError(e, 404)) {
      await confirmGone(client, id, witnessOf(props));
      return;
    }
    if (isApiError(e, 409)) throw notEmpty(id, props, e);
    throw e;
  }
}

function notEmpty(id: string, props: Props, e: ApiError): AgentMailError {
  const name = typeof props["name"] === "string" ? ` ("${props["name"]}")` : "";
  return new AgentMailError(
    "AGENTMAIL_POD_NOT_EMPTY",
    `Pod ${id}${name} cannot be deleted: it still holds inboxes or domains. Either delete its inboxes and ` +
      "domains first (AgentMail console or API) and run again, or, to leave the pod in AgentMail and only stop " +
      "managing it, set `retainOnDelete: true` on the Pod resource, run `pulumi up`, then run the deletion again. " +
      `AgentMail's answer: ${e.message}`,
  );
}
