/**
 * The PodApiKey dynamic provider's logic, as plain async functions over plain values.
 * Every input change replaces the key (the API cannot change a key's pod or expiry, and a new key with
 * the new grant is the only way to narrow one safely): the new key is created first, then the old one
 * revoked, so a rotation never leaves the consumer without a working key.
 */
import type { BearerKey, CreatedKey } from "../agentmail/schemas";
import {
  asFullIfComplete,
  grantFromWire,
  grantOf,
  grantToObject,
  grantToWire,
  sameGrant,
  type Grant,
} from "../agentmail/permissions";
import { AgentMailError, isApiError } from "../agentmail/errors";
import { listPodKeys, type LifecycleContext } from "./context";
import { withName } from "./naming";
import { compact } from "./outputs";
import type { Failure } from "./inputs";
import { validatePodApiKeyInputs } from "./podApiKeyInputs";
import { isKnown, isUnknown } from "./unknown";
import { createKeyOnce, sweepClaim } from "./createKey";
import type { AgentMailClient } from "../agentmail/client";
import { expiryRefused, isExpiryRefusal, podNotFound } from "./createErrors";
import { after, isDue, POLICY_INPUTS, policyChanged, rotatesAt } from "./rotation";
import { confirmGone, unlistedKey, type Witness } from "./gone";
import { connectionChanged, connectionOf } from "./connection";

/** The outputs stored in state. `apiKey` is the secret. @internal */
export interface PodApiKeyState {
  podId: string;
  name: string;
  permissions?: Record<string, boolean>;
  /** When the key stops working: the given `expiresAt`, else the expiry AgentMail gave it (inherited). */
  expiresAt?: string;
  /** True when `expiresAt` was not given but inherited from the credential that created the key. */
  expiresAtInherited?: boolean;
  /** True when `expiresAt` was set by `expireAfter` at the create (a given expiry, not an inherited one). */
  expiresAtByPolicy?: boolean;
  /** The rotation policy in force (inputs, see rotation.ts). */
  rotateAfter?: string;
  expireAfter?: string;
  /** When the key becomes due for rotation under the policy in force. */
  rotatesAt?: string;
  apiKeyId: string;
  apiKey?: string;
  prefix: string;
  createdAt: string;
  inboxId?: string;
  autoNamePrefix?: string;
}

type Props = Record<string, unknown>;

const REPLACING = ["podId", "name", "permissions", "expiresAt", "rotationTrigger"] as const;

/** @internal */
export async function check(olds: Props, news: Props): Promise<{ inputs: Props; failures: Failure[] }> {
  const result = validatePodApiKeyInputs(news, olds);
  if (result.failures.length > 0) return { inputs: news, failures: result.failures };
  return { inputs: withName(olds, news, "key"), failures: [] };
}

/**
 * Every change of `podId`, `name`, `permissions`, a given `expiresAt` or `rotationTrigger` replaces the key. An expiry the key
 * inherited (none given) or got from `expireAfter` is compared with nothing: it changes nothing by itself. A key
 * whose expiry has passed, given or inherited, no longer works, and is replaced. A key due for rotation under
 * the new policy (see rotation.ts) is replaced, with `rotateAfter` as the reason; a policy change alone
 * (`rotateAfter`, `expireAfter`) is an in-place update of the state.
 * @internal
 */
export async function diff(
  _id: string,
  olds: Props,
  news: Props,
  now: () => number = Date.now,
): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
  const replaces: string[] = REPLACING.filter((field) =>
    field === "expiresAt" ? expiryChanged(olds, news["expiresAt"]) : changed(field, olds[field], news[field]),
  );
  const stops = instant(olds["expiresAt"]);
  if (stops !== undefined && stops <= now() && !replaces.includes("expiresAt")) replaces.push("expiresAt");
  // A state without the secret (a create that failed half-way, or one imported from a pending create) holds a
  // key nobody can use: replace it.
  if (olds["apiKey"] === undefined) replaces.push("apiKey");
  if (replaces.length === 0 && isDue(olds["createdAt"], news, now())) replaces.push("rotateAfter");
  // A new connection or rotation policy alone replaces nothing: the update stores it (see connectionChanged).
  const inPlace = connectionChanged(olds, news) || policyChanged(olds, news);
  return { changes: replaces.length > 0 || inPlace, replaces, deleteBeforeReplace: false };
}

/** A given expiry is compared by instant; none given now replaces only a key whose expiry was given before. */
function expiryChanged(olds: Props, now: unknown): boolean {
  if (isUnknown(now)) return true;
  if (now === undefined) {
    const given = olds["expiresAtInherited"] !== true && olds["expiresAtByPolicy"] !== true;
    return olds["expiresAt"] !== undefined && given;
  }
  return instant(olds["expiresAt"]) !== instant(now);
}

function changed(field: Exclude<(typeof REPLACING)[number], "expiresAt">, old: unknown, now: unknown): boolean {
  if (!isKnown(now)) return true;
  switch (field) {
    case "permissions": {
      return !sameGrant(grantOf(old as Props | undefined), grantOf(now as Props | undefined));
    }
    default:
      return old !== now;
  }
}

function instant(v: unknown): number | undefined {
  return typeof v === "string" ? Date.parse(v) : undefined;
}

/** @internal */
export async function create(ctx: LifecycleContext, inputs: Props): Promise<{ id: string; outs: Props }> {
  const podId = inputs["podId"] as string;
  const name = inputs["name"] as string;
  const grant = grantOf(inputs["permissions"] as Props | undefined);
  const permissions = grantToWire(grant);
  const given = inputs["expiresAt"];
  // expireAfter gives this key its expiry now, by the provider's clock (the API's own is not known before).
  const expiresAt = typeof given === "string" ? given : after(ctx.now(), inputs["expireAfter"]);
  if (typeof given === "string" && Date.parse(given) <= ctx.now()) {
    // check() lets an unchanged past expiry through (the key was valid when made); a replacement cannot.
    throw new AgentMailError(
      "AGENTMAIL_EXPIRED",
      `expiresAt (${expiresAt}) is in the past, so the replacement key of "${name}" cannot be created: ` +
        "set expiresAt to a future date-time (or remove it).",
    );
  }
  const body = {
    name,
    ...(permissions === undefined ? {} : { permissions }),
    // Sent in the strictest form (RFC 3339, UTC); the output keeps the user's spelling (diff compares instants).
    ...(typeof expiresAt === "string" ? { expires_at: new Date(expiresAt).toISOString() } : {}),
  };
  const client = ctx.client(connectionOf(inputs));
  let created: CreatedKey;
  let pendingClaim: string | undefined;
  try {
    ({ key: created, pendingClaim } = await createKeyOnce(ctx, client, podId, body, inputs));
  } catch (e) {
    if (typeof expiresAt === "string" && isExpiryRefusal(e)) {
      throw expiryRefused(
        name,
        given === undefined ? `expireAfter ${String(inputs["expireAfter"])}` : "",
        expiresAt,
        e,
      );
    }
    if (isApiError(e, 404) && e.request.method === "POST") throw await podNotFound(client, podId, e);
    throw e;
  } finally {
    // Even a failed create may have added (or cleaned up) keys: a later read here must list afresh.
    ctx.listings?.invalidate(client, podId);
  }
  const outs = outputsOf(inputs, created, grant, client.transport.credentials.baseUrl);
  return { id: created.api_key_id, outs: compact({ ...outs, pendingClaim }) };
}

/**
 * The outputs of a created key: the checked inputs plus what AgentMail answered. Also what
 * `pulumi-agentmail/testing` answers under Pulumi's mocks, so that its outputs are the provider's own.
 * @internal
 */
export function outputsOf(inputs: Props, created: CreatedKey, grant: Grant, endpoint: string): Props {
  return compact({
    ...inputs,
    // Where the key lives: a later 404 from another address must not read as "gone" (see gone.ts).
    endpoint,
    permissions: grantToObject(grant),
    apiKeyId: created.api_key_id,
    apiKey: created.api_key,
    prefix: created.prefix,
    createdAt: created.created_at,
    inboxId: created.inbox_id,
    ...expiryOf(inputs, created.expires_at),
    rotatesAt: rotatesAt(created.created_at, inputs),
  });
}

/**
 * `expiresAt` as stored: the given value in the user's spelling (diff compares instants), else the expiry
 * `expireAfter` gave (as AgentMail answered it), else the expiry AgentMail answered, which a key created without
 * one inherits from the credential that made it.
 */
function expiryOf(inputs: Props, answered: string | null | undefined): Props {
  const given = inputs["expiresAt"];
  if (typeof given === "string") return { expiresAt: given };
  if (inputs["expireAfter"] !== undefined && answered) return { expiresAt: answered, expiresAtByPolicy: true };
  return answered ? { expiresAt: answered, expiresAtInherited: true } : {};
}

/**
 * Refresh: the key as the API lists it now, or `id: ""` when it (or its pod) is gone. A key its pod's listing
 * does not show is dropped only once its own secret is refused (see `unlistedKey`): listings lag behind creates.
 * Without a secret nothing can prove it gone, and it stays: such a state is replaced by the next `up` (see
 * `diff`), whose delete of this id succeeds either way, while dropping a live key would leave it unmanaged.
 * `props` may be the inputs alone (what `pulumi refresh --import-pending-creates` passes for an interrupted
 * create): `apiKeyId` is restored from the id, so that the key is known, and replaced, from then on.
 * @internal
 */
export async function read(ctx: LifecycleContext, id: string, props: Props): Promise<{ id: string; props: Props }> {
  const client = ctx.client(connectionOf(props));
  const podId = props["podId"] as string;
  let found: BearerKey | undefined;
  let pendingClaim: string | undefined;
  try {
    const listing = await listPodKeys(ctx, client, podId);
    found = listing.byId.get(id);
    pendingClaim = await settleClaim(ctx, client, podId, id, props, listing.keys);
  } catch (e) {
    if (isApiError(e, 404)) {
      await confirmGone(client, podId, witnessOf(id, props));
      return { id: "", props: {} };
    }
    throw e;
  }
  if (found === undefined) {
    const verdict = await unlistedKey(client, podId, witnessOf(id, props));
    // Kept as stored (a refresh cannot tell more about it), with the id it was read by.
    return verdict === "gone"
      ? { id: "", props: {} }
      : { id, props: compact({ ...props, apiKeyId: id, pendingClaim }) };
  }
  const storedGrant = grantOf(props["permissions"] as Props | undefined);
  const liveGrant = grantFromWire(found.permissions);
  const expires = found.expires_at ?? undefined;
  return {
    id,
    props: compact({
      ...props,
      apiKeyId: found.api_key_id,
      name: found.name,
      prefix: found.prefix,
      createdAt: found.created_at,
      inboxId: found.inbox_id ?? props["inboxId"],
      // Keep the stored form when the meaning is the same, so that a refresh alone never shows a diff.
      permissions: sameGrant(storedGrant, liveGrant)
        ? props["permissions"]
        : grantToObject(asFullIfComplete(liveGrant)),
      ...refreshedExpiry(props, expires),
      pendingClaim,
      // The API never returns the secret again: `apiKey` stays as stored.
    }),
  };
}

/** The expiry a refresh stores: a given one keeps its spelling while the instant is the same. */
function refreshedExpiry(props: Props, listed: string | undefined): Props {
  const given = props["expiresAt"] !== undefined && props["expiresAtInherited"] !== true;
  if (given && instant(listed) === instant(props["expiresAt"])) {
    return { expiresAt: props["expiresAt"], expiresAtInherited: undefined };
  }
  if (given || listed === undefined) return { expiresAt: listed, expiresAtInherited: undefined };
  return { expiresAt: listed, expiresAtInherited: true };
}

/** How long after its create a pending claim is still looked for: a listing lags seconds, not a day. */
const CLAIM_WATCH_MS = 24 * 3600_000;

/**
 * A create that could not find a failed attempt's key left its claim name in the state (`pendingClaim`):
 * each refresh looks for keys under it in the listing it made anyway, and revokes them (they are this
 * resource's own). The claim is dropped once a key was found, or a day after the create.
 */
async function settleClaim(
  ctx: LifecycleContext,
  client: AgentMailClient,
  podId: string,
  id: string,
  props: Props,
  keys: readonly BearerKey[],
): Promise<string | undefined> {
  const claim = props["pendingClaim"];
  if (typeof claim !== "string") return undefined;
  if ((await sweepClaim(client, podId, claim, keys, id)) > 0) {
    ctx.listings?.invalidate(client, podId);
    return undefined;
  }
  const created = Date.parse(String(props["createdAt"]));
  return Number.isNaN(created) || ctx.now() - created > CLAIM_WATCH_MS ? undefined : claim;
}

/** What the state holds that can tell "gone" from "not visible to this credential" (see gone.ts). */
function witnessOf(id: string, props: Props): Witness & { keyId: string } {
  return { keyId: id, keySecret: props["apiKey"], endpoint: props["endpoint"] };
}

/**
 * Only the rotation policy and `connection` change in place (every other input replaces): the key, its
 * secret and its expiry stay, with no API call; the new policy's `rotatesAt` is stored. No output may ever be
 * wiped. A connection dropped from the inputs is dropped from the state too: the stack's credential is used
 * from now on.
 * @internal
 */
export async function update(_id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
  const policy = Object.fromEntries(POLICY_INPUTS.map((p) => [p, news[p]]));
  return {
    outs: compact({
      ...olds,
      ...news,
      // A policy removed from the inputs is removed from the state too, or the next diff would see it again.
      ...policy,
      permissions: grantToObject(grantOf(news["permissions"] as Props | undefined)),
      connection: news["connection"],
      rotatesAt: rotatesAt(olds["createdAt"], news),
    }),
  };
}

/** Revoke. A key already gone is success. @internal */
export async function remove(ctx: LifecycleContext, id: string, props: Props): Promise<void> {
  const client = ctx.client(connectionOf(props));
  const podId = props["podId"] as string;
  try {
    if (typeof props["pendingClaim"] === "string") {
      // A key a failed attempt of this resource's create may have left: this resource's to revoke.
      await sweepClaim(client, podId, props["pendingClaim"], await client.listAllApiKeys(podId), id);
    }
    await client.deleteApiKey(podId, id);
  } catch (e) {
    if (isApiError(e, 404)) {
      await confirmGone(client, podId, witnessOf(id, props));
      return;
    }
    throw e;
  } finally {
    ctx.listings?.invalidate(client, podId);
  }
}
