/**
 * Creating a key without ever orphaning or duplicating one.
 *
 * The API has no idempotency for POST /api-keys, so an answer lost after the request may have arrived
 * (5xx, timeout, reset) leaves a key in an unknown state. Retrying blindly could create a second key;
 * giving up could leave one nobody manages. Instead: list the pod's keys, revoke the ones this attempt
 * created (same name, same grant, created since the attempt began), then try again or fail cleanly.
 */
import type { AgentMailClient, CreateApiKeyBody } from "../agentmail/client";
import { AgentMailError, type NetworkError, type ResponseError, isApiError } from "../agentmail/errors";
import { grantFromWire, sameGrant, type Grant } from "../agentmail/permissions";
import type { CreatedKey } from "../agentmail/schemas";
import { responseBody } from "../agentmail/transport";
import { nextCreateDelay } from "./backoff";
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

/**
 * One POST in the normal case. After an ambiguous failure: look for what that attempt may have made,
 * revoke it, and try again, until an attempt succeeds or `maxAttempts` or `deadlineMs` runs out.
 * @internal
 */
export async function createKeyOnce(
  ctx: LifecycleContext,
  client: AgentMailClient,
  podId: string,
  body: CreateApiKeyBody & { name: string },
  grant: Grant,
  inputs: Record<string, unknown>,
): Promise<CreatedKey> {
  const began = ctx.now();
  const leftovers = { podId, body, grant, since: began };
  // Ambiguous attempts whose key, if they made one, has not been found yet: each made at most one.
  let unaccounted = 0;
  let revoked = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      const created = await client.createApiKey(podId, body);
      if (unaccounted > 0) {
        // A failed attempt may have committed after it was checked: one more look, best effort.
        await revokeLeftovers(client, leftovers, unaccounted, created.api_key_id).catch(() => 0);
      }
      return created;
    } catch (e) {
      const createdId = createdIdOf(e);
      if (createdId !== undefined) throw initFailure(e as Error, createdId, inputs);
      if (!isAmbiguous(e)) throw e;
      unaccounted++;
      try {
        const found = await revokeLeftovers(client, leftovers, unaccounted);
        revoked += found;
        unaccounted -= found;
      } catch (cleanup) {
        throw unverified(podId, body.name, e as Error, cleanup as Error);
      }
      const delay = nextCreateDelay(client.transport.policy, attempt, ctx.now() - began);
      if (delay === undefined) {
        throw new AgentMailError(
          "AGENTMAIL_CREATE_FAILED",
          `Creating key "${body.name}" in pod ${podId} failed ${attempt} times; the last time: ${(e as Error).message} ` +
            `No key was left behind (${revoked} created by the failed attempts and revoked), unless AgentMail ` +
            `commits one after it was looked for: if a key named "${body.name}" appears later, revoke it. Run again later.`,
        );
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** What the failed attempts sent, and since when they ran. */
interface Attempts {
  readonly podId: string;
  readonly body: CreateApiKeyBody & { name: string };
  readonly grant: Grant;
  readonly since: number;
}

/**
 * Revokes the keys the failed attempts may have made; returns how many. A key matches on everything
 * the attempts sent (name, grant, expiry) and on its creation time, so that the key being replaced
 * (same pod, another name, grant or expiry) is never taken for one. If more keys match than the attempts
 * can have made, another key shares the name: then nothing is revoked, and the error names them all.
 */
async function revokeLeftovers(client: AgentMailClient, a: Attempts, atMost: number, keep?: string): Promise<number> {
  const keys = await client.listAllApiKeys(a.podId);
  const expiry = (v: string | null | undefined) => (v ? Date.parse(v) : undefined);
  const matches = keys.filter(
    (k) =>
      k.api_key_id !== keep &&
      k.name === a.body.name &&
      Date.parse(k.created_at) >= a.since - CLOCK_SKEW_MS &&
      sameGrant(grantFromWire(k.permissions), a.grant) &&
      expiry(k.expires_at) === expiry(a.body.expires_at),
  );
  if (matches.length > atMost) {
    const listed = matches.map((k) => `${k.api_key_id} (${k.prefix}…, created ${k.created_at})`).join(", ");
    throw new AgentMailError(
      "AGENTMAIL_CREATE_UNVERIFIED",
      `${matches.length} keys named "${a.body.name}" with the same permissions were created in pod ${a.podId} ` +
        `while this create ran, more than its failed attempts can have made, so another key shares the name and ` +
        `none was revoked: ${listed}. Keep the ones in use, revoke the others, and give keys unique names.`,
    );
  }
  for (const k of matches) {
    try {
      await client.deleteApiKey(a.podId, k.api_key_id);
    } catch (e) {
      if (!isApiError(e, 404)) throw e;
    }
  }
  return matches.length;
}

function unverified(podId: string, name: string, failure: Error, cleanup: Error): AgentMailError {
  if (AgentMailError.isInstance(cleanup) && cleanup.code === "AGENTMAIL_CREATE_UNVERIFIED") return cleanup;
  return new AgentMailError(
    "AGENTMAIL_CREATE_UNVERIFIED",
    `Creating key "${name}" in pod ${podId} failed in a way that may have created it ` +
      `(${failure.message}), and the check for it failed too (${cleanup.message}). ` +
      `A key named "${name}" may exist in pod ${podId}: revoke it in the AgentMail console, then run again.`,
  );
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
