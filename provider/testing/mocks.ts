/**
 * `agentmailMocks()`: Pulumi mocks that answer for this package's resources the way the provider does. A
 * resource's inputs go through the provider's own `check` (the same validation and auto-naming, no copy), and
 * its outputs are built by the provider's own `outputsOf` from an answer shaped like AgentMail's (ids, secret and
 * prefix of the emulator's shapes). Nothing is sent anywhere.
 */
import * as pulumi from "@pulumi/pulumi";
import { newApiKeyId, newPodId, newSecret, prefixOf } from "../../emulator/ids";
import { DEFAULT_BASE_URL } from "../agentmail/credentials";
import { grantOf, grantToWire } from "../agentmail/permissions";
import type { Failure } from "../lifecycle/inputs";
import * as podLifecycle from "../lifecycle/pod";
import * as podApiKeyLifecycle from "../lifecycle/podApiKey";
import * as rotationScheduleLifecycle from "../lifecycle/rotationSchedule";
import { generateClientId } from "../lifecycle/podInputs";
import { GET_POD_API_KEYS_TOKEN, GET_POD_TOKEN } from "../lookups";
import { CheckFailedError } from "./checkFailure";
import { SeededPods, type MockPod } from "./seeds";
import { asProviderSees, isSecretWrapper, wrapSecret } from "./wire";

/** The type token of a `PodApiKey` resource, as mocks' `newResource` receives it. */
export const POD_API_KEY_TYPE = "pulumi-nodejs:dynamic/agentmail:PodApiKey";
/** The type token of a `Pod` resource, as mocks' `newResource` receives it. */
export const POD_TYPE = "pulumi-nodejs:dynamic/agentmail:Pod";
/** The type token of a `RotatingPodApiKey`'s schedule, as mocks' `newResource` receives it. */
export const ROTATION_SCHEDULE_TYPE = "pulumi-nodejs:dynamic/agentmail:RotationSchedule";

/** Options of {@link agentmailMocks}. */
export interface AgentMailMocksOptions {
  /** The pods (and their keys) that `getPod` and `getPodApiKeys` find. Default: none. */
  readonly pods?: readonly MockPod[];
  /** The clock for `createdAt` / `updatedAt` (ms since the epoch). Default: `Date.now`. */
  readonly now?: () => number;
}

type Props = Record<string, unknown>;
type Outcome = { id: string | undefined; state: Props };

/**
 * Mocks to pass to `pulumi.runtime.setMocks` in a unit test of a program that uses this package.
 *
 * - `PodApiKey` and `Pod` are answered as the provider would answer `pulumi up`: their inputs go through the
 *   provider's own validation, so a bad input (a typo in `permissions`, an unsafe `podId`, a past `expiresAt`)
 *   fails the resource with the lines `pulumi preview` prints, naming the input path (the error is a
 *   {@link CheckFailedError}); the name is chosen as the provider chooses it (`<resource name>-<7 hex>` unless
 *   given); the outputs are realistic: `apiKeyId` (`ak_` + hex, also the id), `apiKey` (`am_us_` + 48 hex, a
 *   secret as `additionalSecretOutputs` makes it), `prefix` (its first 12 characters), `createdAt`, `podId` (a
 *   UUID for a `Pod`), `clientId` (generated unless given). Ids and the secret are random, as AgentMail's are.
 * - The lookups `getPod` / `getPodApiKeys` are answered from `options.pods`: `getPodApiKeys` of a pod not seeded
 *   lists no key, and `getPod` of a pod not seeded fails, as AgentMail's 404 would.
 * - A `RotatingPodApiKey`'s schedule is answered as its first `up` makes it: both keys in generation 1 (their
 *   `rotationTrigger` is `"generation 1"`, their names `<name>-a-<token>-g1` and `<name>-b-<token>-g1`); with
 *   the keys' equal `createdAt`, `apiKey` is `a`'s key and `rotatesAt` one `rotationPeriod` after the clock's
 *   minute.
 * - Every other resource type, and every other call, goes to `inner` (your own mocks); without one, a resource's
 *   state is its inputs (id `<name>_id`) and a call returns its inputs.
 *
 * @param inner Your mocks for everything else. Default: echo the inputs.
 * @param options Seeds for the lookups, and the clock.
 * @example
 * ```ts
 * pulumi.runtime.setMocks(agentmailMocks(), "project", "stack", false);
 * ```
 */
export function agentmailMocks(
  inner: Partial<pulumi.runtime.Mocks> = {},
  options: AgentMailMocksOptions = {},
): pulumi.runtime.Mocks {
  const now = options.now ?? Date.now;
  const seeds = new SeededPods(options.pods ?? [], new Date(now()).toISOString());
  return {
    newResource: async (args) => {
      if (args.type === POD_API_KEY_TYPE) return podApiKey(args, now);
      if (args.type === POD_TYPE) return pod(args, now);
      if (args.type === ROTATION_SCHEDULE_TYPE) return rotationSchedule(args, now);
      return inner.newResource?.(args) ?? { id: `${args.name}_id`, state: args.inputs };
    },
    call: async (args) => {
      const podId = String(args.inputs["podId"]);
      if (args.token === GET_POD_TOKEN) return { ...seeds.pod(podId) };
      if (args.token === GET_POD_API_KEYS_TOKEN) return seeds.keys(podId);
      return inner.call?.(args) ?? args.inputs;
    },
  };
}

/** The provider's check of `args`' inputs, as the host runs it; throws the engine's lines on failures. */
async function checked(
  args: pulumi.runtime.MockResourceArgs,
  check: (olds: Props, news: Props) => Promise<{ inputs: Props; failures: Failure[] }>,
): Promise<Props> {
  // No old inputs: under mocks every run is a first `pulumi up`.
  const { inputs, failures } = await check({}, asProviderSees(args.inputs) as Props);
  if (failures.length > 0) throw new CheckFailedError(args.type, args.name, args.inputs, failures);
  return inputs;
}

async function podApiKey(args: pulumi.runtime.MockResourceArgs, now: () => number): Promise<Outcome> {
  const inputs = await checked(args, podApiKeyLifecycle.check);
  const grant = grantOf(inputs["permissions"] as Props | undefined);
  const secret = newSecret("us");
  const expiresAt = inputs["expiresAt"];
  // What AgentMail answers to POST /v0/pods/{pod_id}/api-keys; a credential without expiry passes none on.
  const created = {
    api_key_id: newApiKeyId(),
    api_key: secret,
    prefix: prefixOf(secret),
    name: inputs["name"] as string,
    pod_id: inputs["podId"] as string,
    permissions: grantToWire(grant) ?? null,
    created_at: new Date(now()).toISOString(),
    expires_at: typeof expiresAt === "string" ? new Date(expiresAt).toISOString() : null,
  };
  const outs = podApiKeyLifecycle.outputsOf(inputs, created, grant, DEFAULT_BASE_URL);
  // The mock monitor ignores `additionalSecretOutputs`; the engine would keep apiKey secret.
  return { id: created.api_key_id, state: { ...keptSecret(args.inputs, outs), apiKey: wrapSecret(outs["apiKey"]) } };
}

async function pod(args: pulumi.runtime.MockResourceArgs, now: () => number): Promise<Outcome> {
  const inputs = await checked(args, podLifecycle.check);
  const clientId = (inputs["clientId"] as string | undefined) ?? generateClientId();
  const at = new Date(now()).toISOString();
  // What AgentMail answers to POST /v0/pods.
  const created = {
    pod_id: newPodId(),
    name: inputs["name"] as string,
    client_id: clientId,
    created_at: at,
    updated_at: at,
  };
  return {
    id: created.pod_id,
    state: keptSecret(args.inputs, podLifecycle.outputsOf({ ...inputs, clientId }, created)),
  };
}

/** A pair's schedule as its first `up` makes it: both keys in their first generation, `a` the newer. */
async function rotationSchedule(args: pulumi.runtime.MockResourceArgs, now: () => number): Promise<Outcome> {
  // No listing under mocks: the schedule starts as a new pair's does.
  const inputs = await checked(args, (olds, news) => rotationScheduleLifecycle.check({ now }, olds, news));
  const made = await rotationScheduleLifecycle.create(inputs);
  return { id: made.id, state: keptSecret(args.inputs, made.outs) };
}

/** `outs` with every output whose input was a secret wrapped again: the engine keeps a secret input's output secret. */
function keptSecret(given: Props, outs: Props): Props {
  return Object.fromEntries(Object.entries(outs).map(([k, v]) => [k, isSecretWrapper(given[k]) ? wrapSecret(v) : v]));
}
