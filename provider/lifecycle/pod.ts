/**
 * The Pod dynamic provider's logic, as plain async functions over plain values.
 *
 * The API has no pod update, so a change of `name` or `clientId` replaces the pod. Creation sends a
 * `client_id`: AgentMail answers a repeated one with the ORIGINAL pod and creates nothing, so unlike a
 * key's, a pod's POST may be retried after an ambiguous failure (5xx, timeout, reset) without
 * creating a second pod.
 */
import type { Pod } from "../agentmail/schemas";
import { AgentMailError, isApiError, type ApiError } from "../agentmail/errors";
import type { LifecycleContext } from "./context";
import { isAmbiguous } from "./createKey";
import { confirmGone } from "./gone";
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
  const pod = await createPodOnce(ctx, { name, client_id: clientId });
  if (pod.name !== name) {
    // A repeated client_id returns the pod it was first used for, whatever the name asked for now.
    throw new AgentMailError(
      "AGENTMAIL_CLIENT_ID_TAKEN",
      `clientId "${clientId}" already belongs to pod ${pod.pod_id} ("${pod.name}"), so AgentMail returned that pod ` +
        `instead of creating "${name}". Give this Pod another clientId, or omit clientId to have one generated.`,
    );
  }
  return { id: pod.pod_id, outs: outputsOf(inputs, pod) };
}

async function createPodOnce(ctx: LifecycleContext, body: { name: string; client_id: string }): Promise<Pod> {
  const client = ctx.client();
  const policy = client.transport.policy;
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.createPod(body);
    } catch (e) {
      if (!isAmbiguous(e)) throw e;
      if (attempt >= policy.maxAttempts) {
        throw new AgentMailError(
          "AGENTMAIL_CREATE_FAILED",
          `Creating pod "${body.name}" failed ${attempt} times; the last time: ${(e as Error).message} ` +
            `The pod may exist: running again is safe, since its clientId "${body.client_id}" makes AgentMail ` +
            "return that pod rather than create a second one.",
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))));
    }
  }
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

/** Refresh: the pod as Get Pod answers now, or `id: ""` when it is gone. @internal */
export async function read(ctx: LifecycleContext, id: string, props: Props): Promise<{ id: string; props: Props }> {
  const client = ctx.client();
  let pod: Pod;
  try {
    pod = await client.getPod(id);
  } catch (e) {
    if (isApiError(e, 404)) {
      await confirmGone(client, id);
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
      await confirmGone(client, id);
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
