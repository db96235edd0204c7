/**
 * Lookups for programs: read a pod, or the metadata of its API keys, while the program runs (in
 * `pulumi preview` too: they only read). Unlike the resources, these run in the program's own process,
 * so they call the API directly. Key secrets are never returned: AgentMail shows a key only once, at
 * creation (a `PodApiKey`'s `apiKey` output).
 *
 * Under Pulumi's mocks (`pulumi.runtime.setMocks`) they never open a connection: each lookup becomes an
 * invoke that the mocks' `call` answers (see {@link GET_POD_TOKEN} and {@link GET_POD_API_KEYS_TOKEN}),
 * so a unit test cannot reach AgentMail with whatever credential its environment holds.
 */
import * as pulumi from "@pulumi/pulumi";
import { AgentMailClient } from "./agentmail/client";
import { connectionCredentials, resolveCredentials, type Credentials } from "./agentmail/credentials";
import type { ConnectionArgs } from "./connection";
import { ID_SHAPE, idProblem, quoteId } from "./agentmail/ids";
import { toCamel } from "./agentmail/permissions";
import type { BearerKey } from "./agentmail/schemas";
import { compact } from "./lifecycle/outputs";
import { retryOverrides } from "./runtime";
import type { PodApiKeyPermissions } from "./podApiKey";

// Internal to the SDK, but the only place that says whether mocks are installed (see `underMocks`).
const pulumiState = require("@pulumi/pulumi/runtime/state") as unknown;

/** The arguments of {@link getPod}. */
export interface GetPodArgs {
  /**
   * The pod's id, e.g. from the AgentMail console. Required: letters, digits, `-`, `_` and `.` (not `.` or
   * `..` alone); anything else is refused before any request, as it would change the request's path.
   */
  readonly podId: string;
  /**
   * The credential to read with, in place of the stack's (see {@link ConnectionArgs}), e.g. for a pod in
   * another organization or region. Default: the stack's credential.
   */
  readonly connection?: LookupConnection;
}

/** A lookup's `connection`: a {@link ConnectionArgs} of plain values. */
export interface LookupConnection {
  /** The AgentMail API key. Required, non-empty. */
  readonly apiKey: string;
  /** The API's address; default as for {@link ConnectionArgs.baseUrl}. */
  readonly baseUrl?: string;
}

/** The arguments of {@link getPodOutput}: those of {@link getPod}, each may be an `Output`. */
export interface GetPodOutputArgs {
  /** The pod's id, e.g. `pod.podId`. Required. */
  readonly podId: pulumi.Input<string>;
  /** As {@link GetPodArgs.connection}. A secret `apiKey` makes the result secret. */
  readonly connection?: pulumi.Input<ConnectionArgs>;
}

/** A pod, as {@link getPod} reads it. */
export interface GetPodResult {
  /** The pod's id. */
  readonly podId: string;
  /** The pod's name. */
  readonly name: string;
  /** The `client_id` the pod was created with; undefined when it was created without one. */
  readonly clientId?: string;
  /** When the pod was created (ISO-8601). */
  readonly createdAt: string;
  /** When the pod was last updated (ISO-8601). */
  readonly updatedAt: string;
}

/** The arguments of {@link getPodApiKeys}. */
export interface GetPodApiKeysArgs {
  /** The pod whose keys to list. Required; the same id shape as {@link GetPodArgs.podId}. */
  readonly podId: string;
  /** As {@link GetPodArgs.connection}. */
  readonly connection?: LookupConnection;
}

/** The arguments of {@link getPodApiKeysOutput}: those of {@link getPodApiKeys}, each may be an `Output`. */
export interface GetPodApiKeysOutputArgs {
  /** The pod whose keys to list, e.g. `pod.podId`. Required. */
  readonly podId: pulumi.Input<string>;
  /** As {@link GetPodArgs.connection}. A secret `apiKey` makes the result secret. */
  readonly connection?: pulumi.Input<ConnectionArgs>;
}

/** One API key of a pod: metadata only, never the key itself. */
export interface PodApiKeyInfo {
  /** The key's id. */
  readonly apiKeyId: string;
  /** The key's name. */
  readonly name: string;
  /** The key's first characters, as the AgentMail console shows them: safe to log. */
  readonly prefix: string;
  /** When the key was created (ISO-8601). */
  readonly createdAt: string;
  /** What the key may do, in camelCase (`messageSend`); undefined means the pod's full access. */
  readonly permissions?: PodApiKeyPermissions;
  /** When the key expires (ISO-8601); undefined when it never does. */
  readonly expiresAt?: string;
  /** The inbox the key is scoped to, for inbox keys; undefined for pod keys. */
  readonly inboxId?: string;
  /** When the key was last used (ISO-8601); undefined when never (or not reported). */
  readonly usedAt?: string;
}

/** What {@link getPodApiKeys} returns. */
export interface GetPodApiKeysResult {
  /** The pod whose keys these are. */
  readonly podId: string;
  /** Every bearer key of the pod, newest first (public-key entries are skipped). */
  readonly keys: PodApiKeyInfo[];
}

/**
 * Reads a pod (`GET /v0/pods/{podId}`). Fails when it does not exist or the credential cannot see it.
 *
 * Credentials: `connection` when given, else stack config `agentmail:apiKey` and `agentmail:baseUrl`, else
 * the environment variables `AGENTMAIL_API_KEY` and `AGENTMAIL_BASE_URL`.
 *
 * Under Pulumi's mocks it sends nothing: the mocks' `call` receives `{ token: "agentmail:index:getPod",
 * inputs: { podId } }` ({@link GET_POD_TOKEN}) and its answer, a {@link GetPodResult}, is returned. A
 * `connection` is checked (the same rules as outside mocks) but never passed to the invoke: its key stays
 * out of the mocks' `call` and anything a test records.
 *
 * @example
 * ```ts
 * const existing = await getPod({ podId: "pod_123" });
 * ```
 */
export async function getPod(args: GetPodArgs): Promise<GetPodResult> {
  const podId = requirePodId(args.podId, "getPod");
  const credentials = lookupCredentials(args.connection, "getPod");
  if (underMocks()) return mockedResult(GET_POD_TOKEN, podId);
  const pod = await programClient(credentials).getPod(podId);
  return compact({
    podId: pod.pod_id,
    name: pod.name,
    clientId: pod.client_id ?? undefined,
    createdAt: pod.created_at,
    updatedAt: pod.updated_at,
  }) as GetPodResult;
}

/**
 * {@link getPod} with inputs that may be `Output`s, e.g. `getPodOutput({ podId: pod.podId })`. The
 * result is an `Output`: unknown during a preview while the pod id is unknown, secret if an input is.
 */
export function getPodOutput(args: GetPodOutputArgs): pulumi.Output<GetPodResult> {
  return pulumi.output(args).apply((a) => getPod(lookupArgs(a)));
}

/**
 * Lists a pod's API keys (`GET /v0/pods/{podId}/api-keys`, every page): metadata only, never a key's
 * secret. Credentials as for {@link getPod}.
 *
 * Under Pulumi's mocks it sends nothing: the mocks' `call` receives `{ token: "agentmail:index:getPodApiKeys",
 * inputs: { podId } }` ({@link GET_POD_API_KEYS_TOKEN}) and its answer, a {@link GetPodApiKeysResult}, is
 * returned.
 *
 * @example
 * ```ts
 * const { keys } = await getPodApiKeys({ podId: "pod_123" });
 * const stale = keys.filter((k) => k.usedAt === undefined);
 * ```
 */
export async function getPodApiKeys(args: GetPodApiKeysArgs): Promise<GetPodApiKeysResult> {
  const podId = requirePodId(args.podId, "getPodApiKeys");
  const credentials = lookupCredentials(args.connection, "getPodApiKeys");
  if (underMocks()) return mockedResult(GET_POD_API_KEYS_TOKEN, podId);
  const keys = await programClient(credentials).listAllApiKeys(podId);
  return { podId, keys: keys.map(keyInfo) };
}

/** {@link getPodApiKeys} with inputs that may be `Output`s, e.g. `getPodApiKeysOutput({ podId: pod.podId })`. */
export function getPodApiKeysOutput(args: GetPodApiKeysOutputArgs): pulumi.Output<GetPodApiKeysResult> {
  return pulumi.output(args).apply((a) => getPodApiKeys(lookupArgs(a)));
}

function keyInfo(k: BearerKey): PodApiKeyInfo {
  // Built field by field: whatever else the API sends (now or later) does not reach the program.
  return compact({
    apiKeyId: k.api_key_id,
    name: k.name,
    prefix: k.prefix,
    createdAt: k.created_at,
    permissions:
      k.permissions === null || k.permissions === undefined
        ? undefined
        : Object.fromEntries(Object.entries(k.permissions).map(([p, v]) => [toCamel(p), v])),
    expiresAt: k.expires_at ?? undefined,
    inboxId: k.inbox_id ?? undefined,
    usedAt: k.used_at ?? undefined,
  }) as PodApiKeyInfo;
}

/**
 * A client for the program's process: the lookup's `connection` when given (resolved by the caller, so that
 * a bad one fails under mocks too), else stack config `agentmail:*`, then the environment.
 */
function programClient(connection: Credentials | undefined): AgentMailClient {
  const config = new pulumi.Config("agentmail");
  return new AgentMailClient({
    credentials: connection ?? resolveCredentials({ apiKey: config.get("apiKey"), baseUrl: config.get("baseUrl") }),
    policy: retryOverrides(config.get("retry") ?? process.env["AGENTMAIL_RETRY"]),
  });
}

/** The credentials of a lookup's `connection`, checked before anything is sent; undefined without one. */
function lookupCredentials(connection: LookupConnection | undefined, fn: string): Credentials | undefined {
  if (connection === undefined) return undefined;
  if (typeof connection !== "object" || connection === null || typeof connection.apiKey !== "string") {
    throw new TypeError(`${fn}: connection must be an object { apiKey, baseUrl? } with a non-empty apiKey string.`);
  }
  try {
    return connectionCredentials(connection);
  } catch (e) {
    throw new TypeError(`${fn}: ${(e as Error).message}`);
  }
}

/** The resolved arguments of an `...Output` lookup, without an absent connection. */
function lookupArgs(a: {
  podId: string;
  connection?: { apiKey: string; baseUrl?: string | undefined } | undefined;
}): GetPodArgs {
  const c = a.connection;
  if (c === undefined) return { podId: a.podId };
  return {
    podId: a.podId,
    connection: c.baseUrl === undefined ? { apiKey: c.apiKey } : { apiKey: c.apiKey, baseUrl: c.baseUrl },
  };
}

/**
 * The pod id, checked before anything is sent: it goes into the request's path, where `..` or `/` would
 * reach another route (`getPodApiKeys({ podId: ".." })` would list the organization's keys).
 */
function requirePodId(podId: unknown, fn: string): string {
  if (typeof podId !== "string" || podId.trim() === "") {
    throw new TypeError(`${fn}: podId must be a non-empty string (a pod id such as a Pod resource's podId).`);
  }
  const problem = idProblem(podId);
  if (problem !== undefined) {
    throw new TypeError(`${fn}: podId is not a pod id (got ${quoteId(podId)}: ${problem}): expected ${ID_SHAPE}.`);
  }
  return podId;
}

/**
 * The invoke token of {@link getPod} under Pulumi's mocks. The mocks' `call` receives
 * `{ token: "agentmail:index:getPod", inputs: { podId } }` and must return a {@link GetPodResult}.
 */
export const GET_POD_TOKEN = "agentmail:index:getPod";

/**
 * The invoke token of {@link getPodApiKeys} under Pulumi's mocks. The mocks' `call` receives
 * `{ token: "agentmail:index:getPodApiKeys", inputs: { podId } }` and must return a
 * {@link GetPodApiKeysResult} (`{ podId, keys: [...] }`).
 */
export const GET_POD_API_KEYS_TOKEN = "agentmail:index:getPodApiKeys";

/**
 * True when the program runs under Pulumi's mocks: `setMocks` and `setMockOptions` both set the monitor
 * address to the literal "mock" (`runtime/settings.js` `setMockOptions`; `getMonitor` tests the same
 * value). The settings live in a process-wide store, so this holds even with two copies of the SDK.
 */
function underMocks(): boolean {
  const store = (
    pulumiState as { getStore?: () => { settings?: { options?: { monitorAddr?: unknown } } } }
  ).getStore?.();
  return store?.settings?.options?.monitorAddr === "mock";
}

/** The mocks' answer to a lookup, as an invoke (`mocks.call`); nothing leaves the process. */
async function mockedResult<T>(token: string, podId: string): Promise<T> {
  const result: unknown = await pulumi.runtime.invoke(token, { podId });
  if (typeof result !== "object" || result === null) {
    throw new TypeError(`Under Pulumi mocks, ${token} is answered by mocks.call, which returned ${String(result)}.`);
  }
  return result as T;
}
