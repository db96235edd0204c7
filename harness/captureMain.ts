/**
 * Child entry of `captureProgram`: `node captureMain.js <program.js>`.
 *
 * Installs Pulumi's mocks with a recording monitor, loads the program, waits until every
 * registration has been sent, and prints one line: `captureResultMarker` + JSON (`CaptureChildResult`).
 * @module
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import {
  captureResultMarker,
  type CaptureChildOptions,
  type CaptureChildResult,
  type CapturedExport,
  type CapturedOptions,
  type CapturedResource,
} from "./captureProgram";
import type { PropertyMap } from "./values";

// Minimal shapes of the SDK internals used here (they are `@internal`, absent from its .d.ts).
type Callback = (err: unknown, res: unknown) => void;
interface MockMonitorLike {
  registerResource(req: RegisterResourceRequestLike, callback: Callback): Promise<void>;
  newUrn(parent: string, type: string, name: string): string;
}
interface RegisterResourceRequestLike {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getParent(): string;
  getObject(): { toJavaScript(): PropertyMap } | undefined;
  getProvider(): string;
  getProtect(): boolean | undefined;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(f: (v: { getUrnsList(): string[] }, k: string) => void): void };
  getAdditionalsecretoutputsList(): string[];
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getDeletebeforereplace(): boolean;
  getDeletebeforereplacedefined(): boolean;
  getRetainondelete(): boolean | undefined;
  getImportid(): string;
  getVersion(): string;
  getAliasurnsList(): string[];
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
  getDeletedwith(): string;
}
interface MocksLike {
  newResource(args: { name: string; inputs: PropertyMap }): Promise<{ id: string; state: PropertyMap }>;
  call(args: { inputs: PropertyMap }): Promise<PropertyMap>;
}
interface OutputInternals {
  promise(withUnknowns?: boolean): Promise<unknown>;
  isKnown: Promise<boolean>;
  isSecret: Promise<boolean>;
}

/** Registrations, in the order the monitor received them. */
const resources: CapturedResource[] = [];
/** Errors seen while the program ran. */
const errors: string[] = [];
const describe = (e: unknown): string => (e instanceof Error ? (e.stack ?? e.message) : String(e));
// The SDK rejects several promises for one failure: keep each message once.
const addError = (e: unknown): void => {
  const d = describe(e);
  if (!errors.includes(d)) {
    errors.push(d);
  }
};
process.on("unhandledRejection", addError);
process.on("uncaughtException", addError);

function recordOptions(req: RegisterResourceRequestLike): CapturedOptions {
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((v, k) => (propertyDependencies[k] = v.getUrnsList()));
  const timeouts = req.getCustomtimeouts();
  return {
    parent: req.getParent(),
    provider: req.getProvider(),
    protect: req.getProtect(),
    dependencies: req.getDependenciesList(),
    propertyDependencies,
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    ignoreChanges: req.getIgnorechangesList(),
    replaceOnChanges: req.getReplaceonchangesList(),
    deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
    retainOnDelete: req.getRetainondelete(),
    importId: req.getImportid(),
    version: req.getVersion(),
    aliasUrns: req.getAliasurnsList(),
    customTimeouts: timeouts && {
      create: timeouts.getCreate(),
      update: timeouts.getUpdate(),
      delete: timeouts.getDelete(),
    },
    deletedWith: req.getDeletedwith(),
  };
}

async function main(): Promise<CaptureChildResult> {
  const modulePath = path.resolve(process.argv[2] ?? "");
  const opts = JSON.parse(process.env["HARNESS_CAPTURE_OPTIONS"] ?? "{}") as CaptureChildOptions;

  // Use the @pulumi/pulumi the PROGRAM resolves: its resources must talk to the monitor we install.
  const pulumiEntry = require.resolve("@pulumi/pulumi", { paths: [path.dirname(modulePath)] });
  const pulumi = require(pulumiEntry) as typeof import("@pulumi/pulumi");
  const sdkRequire = createRequire(pulumiEntry);
  const mocksModule = sdkRequire("./runtime/mocks") as { MockMonitor: new (mocks: MocksLike) => MockMonitorLike };
  const settings = sdkRequire("./runtime/settings") as {
    setMockOptions(monitor: unknown, project: string, stack: string, preview: boolean): void;
    waitForRPCs(): Promise<void>;
  };
  const state = sdkRequire("./runtime/state") as { getStore(): Record<string, unknown> & { logErrorCount: number } };

  class RecordingMonitor extends mocksModule.MockMonitor {
    override registerResource(req: RegisterResourceRequestLike, callback: Callback): Promise<void> {
      const type = req.getType();
      const name = req.getName();
      resources.push({
        type,
        name,
        urn: this.newUrn(req.getParent(), type, name),
        custom: req.getCustom(),
        inputs: req.getObject()?.toJavaScript() ?? {},
        options: recordOptions(req),
      });
      return super.registerResource(req, callback);
    }
  }
  const mocks: MocksLike = {
    newResource: async ({ name, inputs }) => ({ id: `${name}-id`, state: { ...inputs, ...opts.mockOutputs[name] } }),
    call: async ({ inputs }) => inputs,
  };

  // setMocks sets the monitor's feature flags (secrets, resource references, ...) in the store;
  // setMockOptions, which installs our monitor, resets them: keep setMocks' flags.
  await pulumi.runtime.setMocks(mocks, opts.project, opts.stack, opts.preview);
  const store = state.getStore();
  const flags = Object.entries(store).filter(([k]) => k.startsWith("supports"));
  settings.setMockOptions(new RecordingMonitor(mocks), opts.project, opts.stack, opts.preview);
  for (const [k, v] of flags) {
    store[k] = v;
  }

  // Like `cmd/run`: a CommonJS program's exports are the stack outputs; an exported function is run.
  let programExports: unknown = require(modulePath);
  if (typeof programExports === "function") {
    programExports = await (programExports as () => unknown)();
  }
  await settings.waitForRPCs();
  // A failed registration rejects a promise nobody awaits; let `unhandledRejection` see it.
  await new Promise((resolve) => setImmediate(resolve));
  // An output of a resource whose registration failed never resolves: then the event loop empties
  // and the `beforeExit` handler reports that instead.
  const exportsOut: Record<string, CapturedExport> = {};
  for (const [key, value] of Object.entries((programExports ?? {}) as Record<string, unknown>)) {
    const out = pulumi.output(value) as unknown as OutputInternals;
    const [known, secret] = await Promise.all([out.isKnown, out.isSecret]);
    exportsOut[key] = { value: known ? await out.promise() : undefined, secret, known };
  }
  if (state.getStore().logErrorCount > 0) {
    errors.push(`${state.getStore().logErrorCount} error(s) logged by the Pulumi runtime`);
  }
  return { resources, exports: exportsOut, errors };
}

let printed = false;
function print(result: CaptureChildResult): void {
  if (printed) {
    return;
  }
  printed = true;
  let line: string;
  try {
    line = JSON.stringify(result);
  } catch (e) {
    line = JSON.stringify({
      ...result,
      exports: {},
      errors: [...result.errors, `exports not serializable: ${describe(e)}`],
    });
  }
  process.stdout.write(`\n${captureResultMarker}${line}\n`, () => process.exit(0));
}

process.on("beforeExit", () =>
  print({
    resources,
    exports: {},
    errors: [...errors, "the program never finished: an output it awaits or exports never resolved"],
  }),
);
main().then(print, (e: unknown) => print({ resources, exports: {}, errors: [...errors, describe(e)] }));
