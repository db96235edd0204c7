/**
 * Creating a key without ever orphaning one, duplicating one, or touching a key this create did not make.
 *
 * POST /api-keys has no idempotency key: an answer lost after the request may have arrived (5xx, timeout,
 * reset) leaves a key that may or may not exist, and nothing about it says who made it. Its name, grant and
 * creation time do not: another stack can share them, and so does the very key that `pulumi up --replace`
 * is replacing (the engine creates the replacement from the same checked inputs, so the same name).
 *
 * So each create makes its key under a one-off claim name (`pulumi-pending-` and 128 random bits), which no
 * other create can send, and gives it the user's name (PATCH) as soon as it holds the secret. After an
 * ambiguous failure, the keys under this claim name are exactly this create's own: they are revoked by id
 * and the create is tried again. Keys under any other name are never revoked here. No key is left under a
 * claim name: if the rename fails, the key is revoked; if that fails too, the key is reported to Pulumi as
 * created-but-failed, so the state holds it and the next run revokes it.
 *
 * Cost: a POST and a PATCH per create, plus a listing of the pod after an ambiguous failure. The other
 * way to attribute, a listing of the pod before the POST, costs as much in a small pod and more in a large
 * one, and is not exact: a key someone else creates with the same name between that listing and the
 * POST (or one a lagging listing had not shown yet) would pass for this create's own.
 */
import { randomBytes } from "node:crypto";
import type { AgentMailClient, CreateApiKeyBody } from "../agentmail/client";
import { AgentMailError, type ApiError, type NetworkError, type ResponseError, isApiError } from "../agentmail/errors";
import { grantShortfall } from "../agentmail/permissions";
import type { CreatedKey } from "../agentmail/schemas";
import { responseBody } from "../agentmail/transport";
import { nextCreateDelay } from "./backoff";
import type { LifecycleContext } from "./context";
import { compact } from "./outputs";

/** The start of every claim name: a key named so belongs to a create that is still running (or failed). */
export const CLAIM_PREFIX = "pulumi-pending-";

/** A fresh claim name: `pulumi-pending-` and 32 hex digits (128 random bits). @internal */
export function claimName(): string {
  return `${CLAIM_PREFIX}${randomBytes(16).toString("hex")}`;
}

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
 * True for a failure after which the request may or may not have taken effect: a 5xx, an answer lost after
 * the request may have arrived, or a 2xx whose body is unusable.
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

/** One create: where, what, and the claim name its attempts send. */
interface Job {
  readonly ctx: LifecycleContext;
  readonly client: AgentMailClient;
  readonly podId: string;
  /** The name the user's key gets. */
  readonly name: string;
  readonly claim: string;
  /** The checked inputs, for a created-but-failed report (they carry `__provider`). */
  readonly inputs: Record<string, unknown>;
  readonly began: number;
  /** Ambiguous attempts whose key, if they made one, has not been found yet: each made at most one. */
  unaccounted: number;
}

/**
 * Creates the key: one POST and one PATCH in the normal case. After an ambiguous POST failure, revokes
 * what that attempt made (found under the claim name) and tries again, until an attempt succeeds or
 * `maxAttempts` or `deadlineMs` runs out. Resolves to the created key under the user's name, and, when a
 * failed attempt's key may still appear (it was in no listing, which can lag), the claim name to sweep
 * later (`pendingClaim`, kept in the state: see `sweepClaim`).
 * @internal
 */
export async function createKeyOnce(
  ctx: LifecycleContext,
  client: AgentMailClient,
  podId: string,
  body: CreateApiKeyBody & { name: string },
  inputs: Record<string, unknown>,
): Promise<{ key: CreatedKey; pendingClaim?: string }> {
  const job: Job = {
    ctx,
    client,
    podId,
    name: body.name,
    claim: (ctx.claimName ?? claimName)(),
    inputs,
    began: ctx.now(),
    unaccounted: 0,
  };
  let revoked = 0;
  let created: CreatedKey | undefined;
  for (let attempt = 1; created === undefined; attempt++) {
    try {
      const answer = await client.createApiKey(podId, { ...body, name: job.claim });
      // An answer about any other key (another name) says nothing about this attempt's: it is as unusable
      // as a lost one, and the key it names is never touched.
      if (answer.name !== job.claim) throw notThisKey(answer);
      created = answer;
    } catch (e) {
      const madeId = createdIdOf(e, job.claim);
      // The answer names the key it made: that key is this attempt's, whatever else is wrong with the answer.
      if (madeId !== undefined) throw await revokeOwn(job, madeId, e as Error, "its answer was unusable");
      if (!isAmbiguous(e)) throw e;
      job.unaccounted++;
      try {
        const found = await revokeClaimed(job);
        revoked += found;
        job.unaccounted = Math.max(0, job.unaccounted - found);
      } catch (cleanup) {
        throw unverified(job, e as Error, cleanup as Error);
      }
      const delay = nextCreateDelay(client.transport.policy, attempt, ctx.now() - job.began);
      if (delay === undefined) throw exhausted(job, attempt, e as Error, revoked);
      await sleep(delay);
    }
  }
  if (job.unaccounted > 0) {
    // A failed attempt may have committed after it was looked for: look once more, now that one succeeded.
    try {
      job.unaccounted = Math.max(0, job.unaccounted - (await revokeClaimed(job, created.api_key_id)));
    } catch (cleanup) {
      // An earlier attempt's key may be loose, and was not looked for: this key goes to the state with the
      // claim (created-but-failed, see revokeOwn), so that the next run sweeps both.
      throw await revokeOwn(
        job,
        created.api_key_id,
        cleanup as Error,
        "an earlier attempt's key could not be looked for",
      );
    }
  }
  const shortfall = grantShortfall(body.permissions, created.permissions);
  if (shortfall.missing.length > 0 || shortfall.extra.length > 0) {
    const cause = new AgentMailError("AGENTMAIL_GRANT_MISMATCH", describeShortfall(shortfall));
    const advice = shortfall.missing.length > 0 ? FIX_MISSING : FIX_EXTRA;
    throw await revokeOwn(job, created.api_key_id, cause, "AgentMail granted other permissions than asked", advice);
  }
  await rename(job, created.api_key_id);
  const key = { ...created, name: job.name };
  // Nothing found of an attempt that failed ambiguously: it may have made nothing, or a lagging listing may
  // not show its key yet. The state keeps the claim, so that later refreshes and the delete sweep it.
  return job.unaccounted > 0 ? { key, pendingClaim: job.claim } : { key };
}

/**
 * Revokes the keys of `keys` (a listing of the pod) under `claim`, a claim name of this resource's create,
 * except `keep` (the resource's own key); returns how many. Such keys are provably this resource's: no other
 * create sends that name. `revokeOne` defaults to a DELETE for which 404 (already gone) is success.
 * @internal
 */
export async function sweepClaim(
  client: AgentMailClient,
  podId: string,
  claim: string,
  keys: readonly { api_key_id: string; name: string }[],
  keep: string | undefined,
  revokeOne: (id: string) => Promise<void> = (id) => deleteIfThere(client, podId, id),
): Promise<number> {
  if (!claim.startsWith(CLAIM_PREFIX)) return 0;
  const strays = keys.filter((k) => k.name === claim && k.api_key_id !== keep);
  for (const k of strays) await revokeOne(k.api_key_id);
  return strays.length;
}

async function deleteIfThere(client: AgentMailClient, podId: string, id: string): Promise<void> {
  try {
    await client.deleteApiKey(podId, id);
  } catch (e) {
    if (!isApiError(e, 404)) throw e;
  }
}

/**
 * Gives the created key the user's name. A rename is idempotent, so an ambiguous failure is simply tried
 * again (within the same budget); any other failure revokes the key, which must not stay under the claim.
 */
async function rename(job: Job, id: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const renamed = await job.client.renameApiKey(job.podId, id, job.name);
      if (renamed.api_key_id === id && renamed.name === job.name) return;
      throw new AgentMailError(
        "AGENTMAIL_UNEXPECTED_RESPONSE",
        `AgentMail answered the rename of key ${id} with key ${renamed.api_key_id} named "${renamed.name}".`,
      );
    } catch (e) {
      const delay = isAmbiguous(e)
        ? nextCreateDelay(job.client.transport.policy, attempt, job.ctx.now() - job.began)
        : undefined;
      if (delay === undefined) throw await revokeOwn(job, id, e as Error, "it could not be given its name");
      await sleep(delay);
    }
  }
}

/**
 * Revokes the keys under this create's claim name (except `keep`); returns how many. Nothing else is
 * touched: no other create sends this name.
 */
async function revokeClaimed(job: Job, keep?: string): Promise<number> {
  const keys = await job.client.listAllApiKeys(job.podId);
  return sweepClaim(job.client, job.podId, job.claim, keys, keep, (id) => revoke(job, id));
}

async function revoke(job: Job, id: string): Promise<void> {
  try {
    await job.client.deleteApiKey(job.podId, id);
  } catch (e) {
    if (!isApiError(e, 404)) throw e;
    // A key this create made seconds ago answered 404: believe it only if the pod's listing agrees.
    const keys = await job.client.listAllApiKeys(job.podId);
    if (keys.some((k) => k.api_key_id === id)) {
      throw new AgentMailError(
        "AGENTMAIL_REVOKE_UNCONFIRMED",
        `AgentMail answered 404 to revoking key ${id}, yet lists it.`,
      );
    }
  }
}

/**
 * Revokes a key this create made and returns the error to throw: the create failed, and nothing is left.
 * If the revoke fails too, the key is reported as created-but-failed (Pulumi keeps it in state, without its
 * secret, and the next run replaces it, revoking this one).
 */
async function revokeOwn(
  job: Job,
  id: string,
  cause: Error,
  why: string,
  advice = "Run again.",
): Promise<AgentMailError> {
  const what = `Key "${job.name}" was created in pod ${job.podId} (${id}), but ${why}: ${cause.message}`;
  if (job.unaccounted > 0) {
    // An earlier attempt's key may still appear (no listing showed it): revoking this one would leave no state
    // to remember that claim. Keep this key in the state instead (without its secret), with the claim: the next
    // `pulumi up` replaces it, and its delete sweeps the claim too.
    return new InitFailedError(
      id,
      compact({ ...job.inputs, apiKeyId: id, pendingClaim: job.claim }),
      `${what} An earlier attempt failed without an answer, and its key, if it made one, was in no listing yet: ` +
        `this key is kept in the state (its secret is not), so that the next \`pulumi up\` replaces it and revokes ` +
        `it and any key named "${job.claim}".${renameHint(cause)} ${advice}`,
    );
  }
  try {
    await revoke(job, id);
  } catch (revokeError) {
    const properties = compact({ ...job.inputs, apiKeyId: id });
    return new InitFailedError(
      id,
      properties,
      `${what} Revoking it failed too (${(revokeError as Error).message}); ` +
        "it is kept in the state, and the next `pulumi up` replaces it and revokes this one.",
    );
  }
  return new AgentMailError(
    "AGENTMAIL_CREATE_FAILED",
    `${what} It was revoked, so no key was left behind.${renameHint(cause)} ${advice}`,
  );
}

/** Creating a key also renames it: a credential without `api_key_update` fails there, and should be told why. */
function renameHint(cause: Error): string {
  if (!isApiError(cause, 403) || (cause as ApiError).request.method !== "PATCH") return "";
  return (
    " Creating a key needs the api_key_update permission as well as api_key_create: each key is created under " +
    "a one-off name and then renamed, so that a failed create can tell its own keys from everyone else's."
  );
}

const FIX_EXTRA =
  "A key with more than it was asked for is never kept. AgentMail's answer disagrees with its documentation: " +
  "upgrade pulumi-agentmail, or report the issue.";
const FIX_MISSING =
  "AgentMail silently drops permission names it does not know: this package's list of names is ahead of " +
  "the service (a name it has not shipped yet, such as messageReply or podUpdate, which no published " +
  "AgentMail SDK lists), or the name was retired. Remove those names from `permissions`, or upgrade " +
  "pulumi-agentmail if AgentMail renamed them.";

function describeShortfall(s: { missing: string[]; extra: string[] }): string {
  const parts: string[] = [];
  if (s.missing.length > 0) parts.push(`asked for but not granted: ${s.missing.join(", ")}`);
  if (s.extra.length > 0) parts.push(`granted but not asked for: ${s.extra.join(", ")}`);
  return `${parts.join("; ")}.`;
}

function exhausted(job: Job, attempts: number, last: Error, revoked: number): AgentMailError {
  const late =
    job.unaccounted > 0
      ? ` If AgentMail commits one of them later, it appears in pod ${job.podId} named "${job.claim}": no resource ` +
        "owns it, revoke it."
      : "";
  return new AgentMailError(
    "AGENTMAIL_CREATE_FAILED",
    `Creating key "${job.name}" in pod ${job.podId} failed ${attempts} times; the last time: ${last.message} ` +
      `No key was left behind (${revoked} made by the failed attempts, found under their one-off name, and ` +
      `revoked), and no other key was touched.${late} Run again later.`,
  );
}

function unverified(job: Job, failure: Error, cleanup: Error): AgentMailError {
  return new AgentMailError(
    "AGENTMAIL_CREATE_UNVERIFIED",
    `Creating key "${job.name}" in pod ${job.podId} failed in a way that may have created it ` +
      `(${failure.message}), and looking for it failed too (${cleanup.message}). If a key named "${job.claim}" ` +
      `exists in pod ${job.podId}, this create made it and no resource owns it: revoke it, then run again. ` +
      "No other key was touched.",
  );
}

/**
 * The id of the key a 2xx-but-invalid answer names, if it is this create's: only an answer that also names
 * the claim can be trusted to be about this attempt's key.
 */
function createdIdOf(e: unknown, claim: string): string | undefined {
  if (!AgentMailError.isInstance(e) || e.code !== "AGENTMAIL_UNEXPECTED_RESPONSE") return undefined;
  const body = responseBody(e as ResponseError);
  if (body === null || typeof body !== "object") return undefined;
  const { api_key_id: id, name } = body as Record<string, unknown>;
  return typeof id === "string" && id !== "" && name === claim ? id : undefined;
}

/** A create answered with a key of another name: treated as an unusable answer (ambiguous). */
function notThisKey(answer: CreatedKey): AgentMailError {
  return new AgentMailError(
    "AGENTMAIL_UNEXPECTED_RESPONSE",
    `AgentMail answered a key create with key ${answer.api_key_id} named "${answer.name}", not the key it was ` +
      "asked to make; that key was not touched.",
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
