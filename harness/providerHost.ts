/**
 * Runs the real Pulumi dynamic provider host (`@pulumi/pulumi/cmd/dynamic-provider`) as a child
 * process, the way the engine does for `pulumi-nodejs:dynamic:*` resources, and speaks its gRPC
 * protocol (`pulumirpc.ResourceProvider`) with plain JavaScript values in and out.
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { CallOptions, ClientUnaryCall, Metadata, ServiceError } from "@grpc/grpc-js";
import type { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { ProviderHostError } from "./providerHostError";
import { dynamicProviderHostPath, grpc, provgrpc, provpb, emptypb } from "./pulumiModules";
import type {
  CheckResult,
  ConfigureResult,
  CreateResult,
  DiffResult,
  ProviderHost,
  ReadResult,
  StartProviderHostOptions,
  UpdateResult,
} from "./providerHostTypes";
import { urnParts } from "./providerHostTypes";
import { fromStruct, toStruct, type PropertyMap } from "./values";

// Hosts still running; killed synchronously when this process exits, so that a failing or
// aborted test run (mocha --exit calls process.exit) never leaves a host behind.
const liveHosts = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const c of liveHosts) {
        c.kill("SIGKILL");
      }
    });
  }
  liveHosts.add(child);
  child.once("exit", () => liveHosts.delete(child));
}

/**
 * Starts the dynamic provider host as the engine does: `node <sdk>/cmd/dynamic-provider/index.js
 * <engine-address>` with the project folder as working directory and `PULUMI_NODEJS_PROJECT` /
 * `PULUMI_CONFIG` set, then connects a gRPC client to the port it prints.
 */
export async function startProviderHost(opts: StartProviderHostOptions): Promise<ProviderHost> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...opts.env,
    PULUMI_NODEJS_PROJECT: opts.project ?? "test",
    PULUMI_CONFIG: JSON.stringify(opts.config ?? {}),
  };
  // The engine address is never contacted by the dynamic provider host; any value works.
  const child = spawn(process.execPath, [dynamicProviderHostPath, "127.0.0.1:1"], {
    cwd: opts.cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  track(child);
  let output = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (s: string) => (output += s));
  try {
    const port = await readPort(child, opts.startTimeoutMs ?? 20_000, (s) => (output += s));
    return new Host(child, port, opts.callTimeoutMs ?? 30_000, () => output);
  } catch (e) {
    child.kill("SIGKILL");
    throw new Error(`provider host did not start: ${(e as Error).message}\n--- host output ---\n${output}`);
  }
}

/** Waits for the first stdout line (the port), then forwards all stdout to `sink`. */
function readPort(child: ChildProcess, timeoutMs: number, sink: (s: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => finish(new Error(`no port after ${timeoutMs} ms`)), timeoutMs);
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`host exited (code ${code}, signal ${signal}) before printing its port`));
    const onData = (s: string) => {
      sink(s);
      buffered += s;
      const nl = buffered.indexOf("\n");
      if (nl >= 0) {
        const port = Number(buffered.slice(0, nl).trim());
        finish(
          Number.isInteger(port) && port > 0
            ? port
            : new Error(`unexpected first line ${JSON.stringify(buffered.slice(0, nl))}`),
        );
      }
    };
    function finish(result: number | Error): void {
      clearTimeout(timer);
      child.off("exit", onExit);
      child.stdout?.off("data", onData);
      child.stdout?.on("data", sink);
      if (typeof result === "number") {
        resolve(result);
      } else {
        reject(result);
      }
    }
    child.once("exit", onExit);
    child.stdout?.on("data", onData);
  });
}

type UnaryMethod<Req, Res> = (
  req: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (err: ServiceError | null, res: Res) => void,
) => ClientUnaryCall;

const diffChangesNames = new Map<number, DiffResult["changes"]>(
  Object.entries(provpb.DiffResponse.DiffChanges).map(([k, v]) => [v as number, k as DiffResult["changes"]]),
);

class Host implements ProviderHost {
  private readonly client: ResourceProviderClient;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly callTimeoutMs: number,
    private readonly getOutput: () => string,
  ) {
    this.client = new provgrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get exitCode(): number | null {
    return this.child.exitCode;
  }

  output(): string {
    return this.getOutput();
  }

  private call<Req, Res>(name: string, method: UnaryMethod<Req, Res>, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      method.call(this.client, req, new grpc.Metadata(), { deadline: Date.now() + this.callTimeoutMs }, (err, res) =>
        err ? reject(ProviderHostError.fromServiceError(name, err)) : resolve(res),
      );
    });
  }

  async getPluginInfo(): Promise<{ version: string }> {
    const res = await this.call("getPluginInfo", this.client.getPluginInfo, new emptypb.Empty());
    return { version: res.getVersion() };
  }

  async configure(variables: Record<string, string>): Promise<ConfigureResult> {
    const req = new provpb.ConfigureRequest();
    const map = req.getVariablesMap();
    for (const [k, v] of Object.entries(variables)) {
      map.set(k, v);
    }
    req.setArgs(toStruct(variables));
    // What the engine announces about itself.
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    req.setSendsOldInputs(true);
    req.setSendsOldInputsToDelete(true);
    const res = await this.call("configure", this.client.configure, req);
    return {
      acceptSecrets: res.getAcceptsecrets(),
      acceptResources: res.getAcceptresources(),
      acceptOutputs: res.getAcceptoutputs(),
      supportsPreview: res.getSupportspreview(),
    };
  }

  async check(
    u: string,
    olds: PropertyMap,
    news: PropertyMap,
    opts: { randomSeed?: Uint8Array } = {},
  ): Promise<CheckResult> {
    const req = new provpb.CheckRequest();
    const { type, name } = urnParts(u);
    req.setUrn(u).setType(type).setName(name).setOlds(toStruct(olds)).setNews(toStruct(news));
    if (opts.randomSeed !== undefined) {
      req.setRandomseed(opts.randomSeed);
    }
    const res = await this.call("check", this.client.check, req);
    return {
      inputs: fromStruct(res.getInputs()),
      failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(
    id: string,
    u: string,
    olds: PropertyMap,
    news: PropertyMap,
    opts: { oldInputs?: PropertyMap; ignoreChanges?: string[] } = {},
  ): Promise<DiffResult> {
    const req = new provpb.DiffRequest();
    const { type, name } = urnParts(u);
    req.setId(id).setUrn(u).setType(type).setName(name).setOlds(toStruct(olds)).setNews(toStruct(news));
    req.setOldInputs(toStruct(opts.oldInputs ?? {})).setIgnorechangesList(opts.ignoreChanges ?? []);
    const res = await this.call("diff", this.client.diff, req);
    return {
      changes: diffChangesNames.get(res.getChanges()) ?? "DIFF_UNKNOWN",
      replaces: res.getReplacesList(),
      stables: res.getStablesList(),
      deleteBeforeReplace: res.getDeletebeforereplace(),
      diffs: res.getDiffsList(),
      hasDetailedDiff: res.getHasdetaileddiff(),
    };
  }

  async create(
    u: string,
    properties: PropertyMap,
    opts: { preview?: boolean; timeout?: number } = {},
  ): Promise<CreateResult> {
    const req = new provpb.CreateRequest();
    const { type, name } = urnParts(u);
    req.setUrn(u).setType(type).setName(name).setProperties(toStruct(properties));
    req.setPreview(opts.preview ?? false).setTimeout(opts.timeout ?? 0);
    const res = await this.call("create", this.client.create, req);
    return { id: res.getId(), properties: fromStruct(res.getProperties()) };
  }

  async read(id: string, u: string, properties: PropertyMap, inputs: PropertyMap = {}): Promise<ReadResult> {
    const req = new provpb.ReadRequest();
    const { type, name } = urnParts(u);
    req.setId(id).setUrn(u).setType(type).setName(name).setProperties(toStruct(properties)).setInputs(toStruct(inputs));
    const res = await this.call("read", this.client.read, req);
    const resInputs = res.getInputs();
    return {
      id: res.getId(),
      properties: fromStruct(res.getProperties()),
      inputs: resInputs === undefined ? undefined : fromStruct(resInputs),
    };
  }

  async update(
    id: string,
    u: string,
    olds: PropertyMap,
    news: PropertyMap,
    opts: { oldInputs?: PropertyMap; preview?: boolean; ignoreChanges?: string[]; timeout?: number } = {},
  ): Promise<UpdateResult> {
    const req = new provpb.UpdateRequest();
    const { type, name } = urnParts(u);
    req.setId(id).setUrn(u).setType(type).setName(name).setOlds(toStruct(olds)).setNews(toStruct(news));
    req.setOldInputs(toStruct(opts.oldInputs ?? {})).setPreview(opts.preview ?? false);
    req.setIgnorechangesList(opts.ignoreChanges ?? []).setTimeout(opts.timeout ?? 0);
    const res = await this.call("update", this.client.update, req);
    return { properties: fromStruct(res.getProperties()) };
  }

  async delete(
    id: string,
    u: string,
    properties: PropertyMap,
    opts: { oldInputs?: PropertyMap; timeout?: number } = {},
  ): Promise<void> {
    const req = new provpb.DeleteRequest();
    const { type, name } = urnParts(u);
    req.setId(id).setUrn(u).setType(type).setName(name).setProperties(toStruct(properties));
    req.setOldInputs(toStruct(opts.oldInputs ?? {})).setTimeout(opts.timeout ?? 0);
    await this.call("delete", this.client.delete, req);
  }

  stop(): Promise<void> {
    this.stopping ??= this.kill();
    return this.stopping;
  }

  private async kill(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return;
    }
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 3_000);
    await exited;
    clearTimeout(timer);
  }
}
