/**
 * Shared set-up of the mocks-level suites (level 3). Pulumi's mocks are global to the process, and every
 * file in test/mocks runs in the same mocha process (.mocharc.mocks.json): this module installs them
 * once, whichever suite loads it first, and records what the monitor receives through a MockMonitor
 * subclass, because the mock API does not pass `additionalSecretOutputs` or dependencies to `newResource`.
 *
 * Import it before the package (`import { ... } from "./setup"` first), as a program is loaded after the
 * engine's set-up.
 */
import * as pulumi from "@pulumi/pulumi";

/** A credential in the environment, which must never reach a `__provider` text. */
/** Pulumi's wire markers of a secret (`runtime/rpc.js` `specialSigKey`, `specialSecretSig`). */
export const SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export const SECRET_CREDENTIAL = "am_us_mockscredential0123456789abcdef";
process.env["AGENTMAIL_API_KEY"] = SECRET_CREDENTIAL;

/** One `registerResource` call, as the monitor received it. */
export interface Registration {
  type: string;
  name: string;
  urn: string;
  inputs: Record<string, unknown>;
  additionalSecretOutputs: string[];
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  retainOnDelete: boolean | undefined;
  /** The `deleteBeforeReplace` option, `undefined` when the program left it unset. */
  deleteBeforeReplace: boolean | undefined;
}

/** Every registration so far, in order, across all the suites of the process. */
export const registrations: Registration[] = [];

const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
  MockMonitor: new (mocks: pulumi.runtime.Mocks) => {
    registerResource(req: RegisterRequest, cb: (err: unknown, res: unknown) => void): Promise<void>;
    newUrn(parent: string, type: string, name: string): string;
  };
};
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getAdditionalsecretoutputsList(): string[];
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(f: (v: { getUrnsList(): string[] }, k: string) => void): void };
  getRetainondelete(): boolean | undefined;
  getDeletebeforereplace(): boolean;
  getDeletebeforereplacedefined(): boolean;
}

class RecordingMonitor extends MockMonitor {
  override registerResource(req: RegisterRequest, cb: (err: unknown, res: unknown) => void): Promise<void> {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((v, k) => (propertyDependencies[k] = v.getUrnsList()));
    registrations.push({
      type: req.getType(),
      name: req.getName(),
      urn: this.newUrn(req.getParent(), req.getType(), req.getName()),
      inputs: req.getObject()?.toJavaScript() ?? {},
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      dependencies: req.getDependenciesList(),
      propertyDependencies,
      retainOnDelete: req.getRetainondelete(),
      deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
    });
    return super.registerResource(req, cb);
  }
}

/** Every `mocks.call` (invoke) so far, in order, across all the suites of the process. */
export const calls: pulumi.runtime.MockCallArgs[] = [];

/** What `mocks.call` answers to the lookups' invokes (`agentmail:index:getPod`, `...:getPodApiKeys`). */
export const MOCK_LOOKUPS: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>> = {
  "agentmail:index:getPod": (inputs) => ({
    podId: inputs["podId"],
    name: "mocked pod",
    createdAt: "2026-11-27T00:00:00Z",
    updatedAt: "2026-11-27T00:00:01Z",
  }),
  "agentmail:index:getPodApiKeys": (inputs) => ({
    podId: inputs["podId"],
    keys: [{ apiKeyId: "ak_mock", name: "mocked key", prefix: "am_us_mock", createdAt: "2026-11-27T00:00:00Z" }],
  }),
};

/** What the mock "provider" answers: the inputs, plus what AgentMail would add for each type. */
const mocks: pulumi.runtime.Mocks = {
  newResource: async (args) => {
    const state: Record<string, unknown> = { ...args.inputs };
    if (args.type === "pulumi-nodejs:dynamic/agentmail:PodApiKey") {
      Object.assign(state, {
        name: args.inputs["name"] ?? `${args.name}-abc1234`,
        apiKeyId: `${args.name}-id`,
        apiKey: `am_us_created_${args.name}_0123456789`,
        prefix: "am_us_creat",
        // A key of a pair's generation N was made on November 10 + N; any other key on November 27.
        createdAt: /^generation \d+$/.test(String(args.inputs["rotationTrigger"]))
          ? `2026-11-${10 + Number(String(args.inputs["rotationTrigger"]).slice(11))}T00:00:00Z`
          : "2026-11-27T00:00:00Z",
      });
    }
    if (args.type === "pulumi-nodejs:dynamic/agentmail:RotationSchedule") {
      // A schedule some rotations in: b's generation is the later one.
      Object.assign(state, {
        keyName: args.inputs["name"] ?? args.inputs["autoNamePrefix"],
        generationA: 2,
        generationB: 3,
      });
    }
    if (args.type === "pulumi-nodejs:dynamic/agentmail:Pod") {
      Object.assign(state, {
        name: args.inputs["name"] ?? `${args.name}-abc1234`,
        clientId: args.inputs["clientId"] ?? "pulumi-0123456789abcdef0123456789abcdef",
        podId: `pod_${args.name}`,
        createdAt: "2026-11-27T00:00:00Z",
        updatedAt: "2026-11-27T00:00:01Z",
      });
      return { id: `pod_${args.name}`, state };
    }
    return { id: `${args.name}-id`, state };
  },
  call: async (args) => {
    calls.push(args);
    return MOCK_LOOKUPS[args.token]?.(args.inputs) ?? args.inputs;
  },
};

const settings = require("@pulumi/pulumi/runtime/settings") as {
  setMockOptions(monitor: unknown, project: string, stack: string, preview: boolean): void;
};
void pulumi.runtime.setMocks(mocks, "mocks-test", "dev", false);
// setMocks sets the monitor's feature flags (secrets above all) in the store, synchronously; setMockOptions,
// which installs the recording monitor, resets them to false: keep setMocks' flags (as harness/captureMain.ts
// does), or secret inputs would be registered in plaintext here while the engine receives them as secrets.
const store = (require("@pulumi/pulumi/runtime/state") as { getStore(): Record<string, unknown> }).getStore();
const flags = Object.entries(store).filter(([k]) => k.startsWith("supports"));
settings.setMockOptions(new RecordingMonitor(mocks), "mocks-test", "dev", false);
for (const [k, v] of flags) store[k] = v;

/** The value of an output, once known. */
export function value<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}
