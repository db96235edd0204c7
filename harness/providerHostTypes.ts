/**
 * Types of the provider host harness (`startProviderHost`) and URN helpers.
 * @module
 */
import type { PropertyMap } from "./values";

/** Options of {@link startProviderHost}. */
export interface StartProviderHostOptions {
  /**
   * Working directory of the host: the stack's project folder. The serialized provider's `require`
   * resolves packages from here (see {@link makeProjectDir}).
   */
  cwd: string;
  /** Project name, passed as `PULUMI_NODEJS_PROJECT`; used by `config.get` for keys without `:`. Default `"test"`. */
  project?: string;
  /** Stack config passed as `PULUMI_CONFIG` (JSON), as the engine does. Default `{}`. */
  config?: Record<string, string>;
  /** Environment of the host, merged over this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the host to print its port. Default 20 000 ms. */
  startTimeoutMs?: number;
  /** Deadline of each RPC. Default 30 000 ms. */
  callTimeoutMs?: number;
}

/** Result of Configure. The dynamic provider host answers `acceptSecrets: false`, `supportsPreview: false`. */
export interface ConfigureResult {
  acceptSecrets: boolean;
  acceptResources: boolean;
  acceptOutputs: boolean;
  supportsPreview: boolean;
}

/** A validation failure returned by Check. */
export interface CheckFailure {
  /** Input path the failure is about (may be `""`). */
  property: string;
  reason: string;
}

/** Result of Check. */
export interface CheckResult {
  /** The checked inputs (the host re-adds `__provider`). */
  inputs: PropertyMap;
  failures: CheckFailure[];
}

/** Result of Diff. */
export interface DiffResult {
  changes: "DIFF_UNKNOWN" | "DIFF_NONE" | "DIFF_SOME";
  replaces: string[];
  stables: string[];
  deleteBeforeReplace: boolean;
  diffs: string[];
  hasDetailedDiff: boolean;
}

/** Result of Create. */
export interface CreateResult {
  id: string;
  /** Outputs, including `__provider`. */
  properties: PropertyMap;
}

/** Result of Read. `id === ""` means the resource is gone. */
export interface ReadResult {
  id: string;
  properties: PropertyMap;
  /** Present only if the provider's `read` returned `inputs`. */
  inputs: PropertyMap | undefined;
}

/** Result of Update. */
export interface UpdateResult {
  /** New outputs, including `__provider`. */
  properties: PropertyMap;
}

/**
 * A running provider host. CRUD arguments follow the engine's conventions: `olds` of Check are the old
 * INPUTS; `olds` of Diff and Update, and `properties` of Read and Delete, are the stored OUTPUTS (state).
 * Every call rejects with {@link ProviderHostError} on a gRPC error.
 */
export interface ProviderHost {
  /** Port the host listens on (127.0.0.1). */
  readonly port: number;
  /** Process ID of the host. */
  readonly pid: number;
  /** Exit code once the host has exited, else `null`. */
  readonly exitCode: number | null;
  /** `GetPluginInfo`: the SDK version of the host. */
  getPluginInfo(): Promise<{ version: string }>;
  /**
   * `Configure` as the engine sends it for the default `pulumi-nodejs` provider: `variables` (stack
   * config, keys like `"agentmail:apiKey"`) go both in `args` (which the host reads) and in `variables`.
   */
  configure(variables: Record<string, string>): Promise<ConfigureResult>;
  check(urn: string, olds: PropertyMap, news: PropertyMap, opts?: { randomSeed?: Uint8Array }): Promise<CheckResult>;
  diff(
    id: string,
    urn: string,
    olds: PropertyMap,
    news: PropertyMap,
    opts?: { oldInputs?: PropertyMap; ignoreChanges?: string[] },
  ): Promise<DiffResult>;
  create(urn: string, properties: PropertyMap, opts?: { preview?: boolean; timeout?: number }): Promise<CreateResult>;
  read(id: string, urn: string, properties: PropertyMap, inputs?: PropertyMap): Promise<ReadResult>;
  update(
    id: string,
    urn: string,
    olds: PropertyMap,
    news: PropertyMap,
    opts?: { oldInputs?: PropertyMap; preview?: boolean; ignoreChanges?: string[]; timeout?: number },
  ): Promise<UpdateResult>;
  delete(
    id: string,
    urn: string,
    properties: PropertyMap,
    opts?: { oldInputs?: PropertyMap; timeout?: number },
  ): Promise<void>;
  /** Everything the host printed so far (stdout and stderr, interleaved), for diagnostics. */
  output(): string;
  /** Closes the client and kills the host (SIGTERM, then SIGKILL). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Builds a resource URN: `urn:pulumi:<stack>::<project>::<type>::<name>`.
 * @param type Type token, such as `pulumi-nodejs:dynamic/agentmail:PodApiKey`.
 */
export function urn(type: string, name: string, stack = "dev", project = "test"): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

/** @internal Splits a URN into the `type` and `name` fields the engine also sends. */
export function urnParts(u: string): { type: string; name: string } {
  const parts = u.split("::");
  const qualified = parts[2] ?? "";
  return { type: qualified.split("$").pop() ?? "", name: parts.slice(3).join("::") };
}
