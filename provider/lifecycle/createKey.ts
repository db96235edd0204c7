/**
 * Creating a key without ever orphaning or duplicating one.
 *
 * The API has no idempotency for POST /api-keys, so an answer lost after the request may have arrived
 * (5xx, timeout, reset) leaves a key in an unknown state. Retrying blindly could create a second key;
 * giving up could leave one nobody manages. Instead: list the pod's keys, revoke the ones this attempt
 * created (same name, same grant, created since the attempt began), then try again or fail cleanly.
 */
import type { CreateApiKeyBody } from "../agentmail/client";
import { AgentMailError, type NetworkError, type ResponseError, isApiError } from "../agentmail/errors";
import { grantFromWire, sameGrant, type Grant } from "../agentmail/permissions";
import type { CreatedKey } from "../agentmail/schemas";
import { responseBody } from "../agentmail/transport";
import type { LifecycleContext } from "./context";
import { compact } from "./outputs";

/**
 * How far the server's clock may lag ours when matching `created_at` against the attempt's start.
 * @internal
 */
export const CLOCK_SKEW_MS = 60_000;

/**
 * The error Pulumi's provider host reports as "created but failed to initialize": it keeps the resource,
 * with `properties` as its outputs, in state, so that a later run replaces it and revokes the key.
 * @internal
 */
export class InitFailedError extends AgentMailError {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];
  constructor(id: string, properties: Record<string, unknown>, reason: string) {
    super("AGENTMAIL_INIT_FAILED", reason);
    this.name = "AgentMailInitFailedError";
    this.id = id;
    this.properties = properties;
    this.reasons = [reason];
  }
}

/**
 * True for a failure after which the key may or may not exist: a 5xx, an answer lost after the request
 * may have arrived, or a 2xx whose body is unusable.
 * @internal
 */
export function isAmbiguous(e: unknown): boolean {
  if (isApiError(e)) return e.status >= 500;
  if (AgentMailError.isInstance(e) && e.code === "AGENTMAIL_UNEXPECTED_RESPONSE") return true;
  if (AgentMailError.isInstance(e) && e instanceof Object && "maybeReceived" in e) {
    return (e as NetworkError).maybeReceived;
  }
  return false;
}

/** @internal */
export async function createKeyOnce(
  ctx: LifecycleContext,
  podId: string,
  body: CreateApiKeyBody & { name: string },
  grant: Grant,
  inputs: Record<string, unknown>,
): Promise<CreatedKey> {
  const client = ctx.client();
  const maxAttempts = client.transport.policy.maxAttempts;
  let revokedTotal = 0;
  for (let attempt = 1; ; attempt++) {
    const startedAt = ctx.now();
    try {
      return await client.createApiKey(podId, body);
    } catch (e) {
      const createdId = createdIdOf(e);
      if (createdId !== undefined) throw initFailure(e as Error, createdId, inputs);
      if (!isAmbiguous(e)) throw e;
      try {
        revokedTotal += await revokeAttempt(ctx, podId, body, grant, startedAt);
      } catch (cleanup) {
        throw new AgentMailError(
          "AGENTMAIL_CREATE_UNVERIFIED",
          `Creating key "${body.name}" in pod ${podId} failed in a way that may have created it ` +
            `(${(e as Error).message}), and the check for it failed too (${(cleanup as Error).message}). ` +
            `A key named "${body.name}" may exist in pod ${podId}: revoke it in the AgentMail console, then run again.`,
        );
      }
      if (attempt >= maxAttempts) {
        throw new AgentMailError(
          "AGENTMAIL_CREATE_FAILED",
          `Creating key "${body.name}" in pod ${podId} failed ${attempt} times; the last time: ${(e as Error).message} ` +
            `No key was left behind (${revokedTotal} created by the failed attempts and revoked). Run again later.`,
        );
      }
      const policy = client.transport.policy;
      await new Promise((r) => setTimeout(r, Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))));
    }
  }
}

/**
 * Revokes the keys the failed attempt may have created; returns how many. A key matches on everything
 * the attempt sent (name, grant, expiry) and on its creation time, so that the key being replaced (same
 * pod, but another name, grant or expiry) is never taken for it.
 */
async function revokeAttempt(
  ctx: LifecycleContext,
  podId: string,
  body: CreateApiKeyBody & { name: string },
  grant: Grant,
  startedAt: number,
): Promise<number> {
  const client = ctx.client();
  const keys = await client.listAllApiKeys(podId);
  const expiry = (v: string | null | undefined) => (v ? Date.parse(v) : undefined);
  const ours = keys.filter(
    (k) =>
      k.name === body.name &&
      Date.parse(k.created_at) >= startedAt - CLOCK_SKEW_MS &&
      sameGrant(grantFromWire(k.permissions), grant) &&
      expiry(k.expires_at) === expiry(body.expires_at),
  );
  for (const k of ours) {
    try {
      await client.deleteApiKey(podId, k.api_key_id);
    } catch (e) {
      if (!isApiError(e, 404)) throw e;
    }
  }
  return ours.length;
}

/** The id of the key a 2xx-but-invalid answer names, if any. */
function createdIdOf(e: unknown): string | undefined {
  if (!AgentMailError.isInstance(e) || e.code !== "AGENTMAIL_UNEXPECTED_RESPONSE") return undefined;
  const body = responseBody(e as ResponseError);
  const id = body !== null && typeof body === "object" ? (body as Record<string, unknown>)["api_key_id"] : undefined;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/**
 * A 2xx answer that names the new key's id but is otherwise unusable: the key exists. Report it as
 * created-but-failed so that Pulumi keeps it in state; the next run replaces it (its secret is
 * deliberately not kept) and revokes this one. The properties carry `__provider` (from the inputs) so
 * that a later delete can load the provider.
 */
function initFailure(e: Error, id: string, inputs: Record<string, unknown>): InitFailedError {
  const properties = compact({ ...inputs, apiKeyId: id });
  return new InitFailedError(id, properties, `${e.message} Key ${id} was created; the next \`pulumi up\` replaces it.`);
}
