/**
 * The provider implementation the serialized shims load at call time (`pulumi-agentmail/runtime`).
 * It runs inside Pulumi's provider host, never in the user's program. It holds the settings that
 * `configure()` passed (stack config), and builds an API client from them, or from the environment,
 * each time an operation runs.
 * @packageDocumentation
 */
import { z } from "zod";
import { AgentMailClient } from "./agentmail/client";
import { connectionCredentials, resolveCredentials } from "./agentmail/credentials";
import { ListCache } from "./agentmail/listCache";
import { AgentMailError, CredentialsError } from "./agentmail/errors";
import type { RetryPolicy } from "./agentmail/retry";
import type { LifecycleContext } from "./lifecycle/context";
import * as podApiKeyLifecycle from "./lifecycle/podApiKey";
import * as podLifecycle from "./lifecycle/pod";
import * as rotationScheduleLifecycle from "./lifecycle/rotationSchedule";

/** Settings read from the stack config by `configure()`. */
export interface RuntimeSettings {
  readonly apiKey?: string | undefined;
  readonly baseUrl?: string | undefined;
  /** JSON of a partial `RetryPolicy` (`agentmail:retry`), e.g. `{"maxAttempts":6}`. */
  readonly retry?: string | undefined;
}

let settings: RuntimeSettings = {};

/** The part of Pulumi's dynamic `Config` that `configure()` uses. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

/**
 * Called by the shims' `configure()`: remembers the stack's settings. Never throws: the provider host
 * caches a provider before `configure()` resolves, so a throw here would fail one call and leave the
 * later ones silently unconfigured.
 */
export async function configure(config: ConfigSource): Promise<void> {
  const get = (key: string): string | undefined => {
    try {
      const v: unknown = config.get(key);
      return typeof v === "string" ? v : undefined;
    } catch {
      return undefined;
    }
  };
  settings = { apiKey: get("agentmail:apiKey"), baseUrl: get("agentmail:baseUrl"), retry: get("agentmail:retry") };
}

const RetryOverrides = z
  .object({
    maxAttempts: z.number().int().min(1).max(20),
    baseDelayMs: z.number().int().min(0),
    maxDelayMs: z.number().int().min(0),
    maxRetryAfterMs: z.number().int().min(0),
    deadlineMs: z.number().int().min(1),
    connectTimeoutMs: z.number().int().min(1),
    headersTimeoutMs: z.number().int().min(1),
    bodyTimeoutMs: z.number().int().min(1),
    sharedBudget: z.boolean(),
    startRate: z.number().min(0).max(100_000),
    maxInFlight: z.number().int().min(1).max(1_000),
  })
  .partial()
  .strict();

/** Retry overrides from `agentmail:retry` or `AGENTMAIL_RETRY` (JSON). @internal */
export function retryOverrides(raw: string | undefined): Partial<RetryPolicy> {
  if (raw === undefined || raw.trim() === "") return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new CredentialsError(
      `agentmail:retry / AGENTMAIL_RETRY is not JSON. Example: {"maxAttempts":6,"deadlineMs":60000}`,
    );
  }
  const parsed = RetryOverrides.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(value)"}: ${i.message}`).join("; ");
    throw new CredentialsError(
      `agentmail:retry / AGENTMAIL_RETRY is not valid (${problems}). Allowed keys: ${Object.keys(RetryOverrides.shape).join(", ")}.`,
    );
  }
  return parsed.data as Partial<RetryPolicy>;
}

const context: LifecycleContext = {
  // A resource's own connection replaces the stack's credential; each gets its own client, so whatever is
  // kept per credential (listings, rate budgets) never mixes two organizations.
  client: (connection) =>
    new AgentMailClient({
      credentials: connection === undefined ? resolveCredentials(settings) : connectionCredentials(connection),
      policy: retryOverrides(settings.retry ?? process.env["AGENTMAIL_RETRY"]),
    }),
  now: Date.now,
  // One per host process: a refresh's reads of keys in the same pod share one listing.
  listings: new ListCache(),
};

type Props = Record<string, unknown>;

/** The shape both resources' lifecycle modules share. */
interface Lifecycle {
  check(olds: Props, news: Props): Promise<unknown>;
  diff(id: string, olds: Props, news: Props): Promise<unknown>;
  create(ctx: LifecycleContext, inputs: Props): Promise<{ id: string; outs: Props }>;
  read(ctx: LifecycleContext, id: string, props: Props): Promise<{ id: string; props: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  remove(ctx: LifecycleContext, id: string, props: Props): Promise<void>;
}

/** What `check` answers, in the shape of both lifecycles' checks. */
interface Checked {
  inputs: Props;
  failures: { property: string; reason: string }[];
}

/**
 * The settings every operation of this resource will need, checked where `check` runs (so `pulumi preview`
 * fails, not `up`): a credential, a usable base URL and retry overrides. The same errors `create` would
 * give, with no request. A resource with its own `connection` does not use the stack's credential.
 * A failure without a property is shown by the engine as the resource being invalid (pulumi/pulumi
 * `pkg/resource/deploy/step_generator.go`, `issueCheckErrors`: an empty `Property` takes
 * `diag.GetResourceInvalidError`).
 */
function settingsFailures(news: Props): Checked["failures"] {
  try {
    // The stack's retry settings apply to every resource; its credential only to those without a connection.
    retryOverrides(settings.retry ?? process.env["AGENTMAIL_RETRY"]);
    if (news["connection"] === undefined) resolveCredentials(settings);
    return [];
  } catch (e) {
    if (!AgentMailError.isInstance(e) || e.code !== "AGENTMAIL_CREDENTIALS") throw e;
    return [{ property: "", reason: (e as Error).message }];
  }
}

/** The lifecycle's own check, then (when the inputs are valid) the settings every operation will need. */
async function checkAll(lifecycle: Lifecycle, olds: Props, news: Props): Promise<Checked> {
  const checked = (await lifecycle.check(olds, news)) as Checked;
  if (checked.failures.length > 0) return checked;
  return { ...checked, failures: settingsFailures(news) };
}

/** A lifecycle's functions as a dynamic provider's methods, bound to this process's context. */
function methods<L extends Lifecycle>(lifecycle: L) {
  return {
    check: (olds: Props, news: Props) => checkAll(lifecycle, olds, news) as ReturnType<L["check"]>,
    diff: (id: string, olds: Props, news: Props) => lifecycle.diff(id, olds, news) as ReturnType<L["diff"]>,
    create: (inputs: Props) => lifecycle.create(context, inputs),
    read: (id: string, props: Props) => lifecycle.read(context, id, props),
    update: (id: string, olds: Props, news: Props) => lifecycle.update(id, olds, news),
    delete: (id: string, props: Props) => lifecycle.remove(context, id, props),
  };
}

/** The PodApiKey provider's methods, as the shim calls them. */
export const podApiKey = methods(podApiKeyLifecycle);

/**
 * The Pod provider's methods, as the shim calls them. Its diff also asks AgentMail whether a pod to be
 * replaced can be deleted at all (lifecycle/podReplace.ts).
 */
export const pod = {
  ...methods(podLifecycle),
  diff: (id: string, olds: Props, news: Props) => podLifecycle.diffChecked(context, id, olds, news),
};

/**
 * The rotation schedule's methods (see lifecycle/rotationSchedule.ts). Its check lists the pod's keys, so it
 * needs the same settings as a key's: a missing credential fails it (and so `pulumi preview`) the same way.
 */
export const rotationSchedule = {
  check: async (olds: Props, news: Props): Promise<Checked> => {
    const failures = settingsFailures(news);
    if (failures.length > 0) return { inputs: news, failures };
    return rotationScheduleLifecycle.check(rotationScheduleLifecycle.scheduleEnv(context), olds, news);
  },
  diff: (id: string, olds: Props, news: Props) => rotationScheduleLifecycle.diff(id, olds, news),
  create: (inputs: Props) => rotationScheduleLifecycle.create(inputs),
  read: (id: string, props: Props) => rotationScheduleLifecycle.read(id, props),
  update: (id: string, olds: Props, news: Props) => rotationScheduleLifecycle.update(id, olds, news),
  delete: () => rotationScheduleLifecycle.remove(),
};
