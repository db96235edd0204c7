/**
 * Runs a Pulumi program under Pulumi's mocks in a fresh child process and returns what the engine
 * would have received: every resource registration (type, name, inputs in wire form, options) and
 * the stack outputs.
 *
 * A child process keeps Pulumi's global mock state (settings, config, the monitor) out of the test
 * process, so captures of different programs or configs cannot leak into each other.
 * @module
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { PropertyMap } from "./values";

/** Marks the one stdout line the child writes its JSON result to. */
export const captureResultMarker = "@@pulumi-harness-capture@@ ";

/** Options of {@link captureProgram}. */
export interface CaptureProgramOptions {
  /**
   * Stack config, full keys (`"<project>:key"`, `"agentmail:apiKey"`), passed as `PULUMI_CONFIG`
   * so that `new pulumi.Config()` works in the program.
   */
  config?: Record<string, string>;
  /** Config keys to mark secret (`PULUMI_CONFIG_SECRET_KEYS`). */
  secretConfigKeys?: string[];
  /** Environment of the child, merged over this process's environment. */
  env?: Record<string, string>;
  /** Project name. Default `"test"`. */
  project?: string;
  /** Stack name. Default `"dev"`. */
  stack?: string;
  /** Run as a preview (`pulumi.runtime.isDryRun()`). Default false. */
  preview?: boolean;
  /**
   * Outputs the mock returns per resource name, merged over its inputs (the mock's state is the
   * inputs otherwise). The mock's ID is `<name>-id`.
   */
  mockOutputs?: Record<string, PropertyMap>;
  /** Working directory of the child. Default: this process's. */
  cwd?: string;
  /** Kill the child after this long. Default 60 000 ms. */
  timeoutMs?: number;
}

/** Custom timeouts of a registration. */
export interface CapturedCustomTimeouts {
  create: string;
  update: string;
  delete: string;
}

/** Resource options as the monitor received them in `RegisterResourceRequest`. */
export interface CapturedOptions {
  /** Parent URN, `""` if none. */
  parent: string;
  /** Provider reference, `""` for the default provider. */
  provider: string;
  protect: boolean | undefined;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  additionalSecretOutputs: string[];
  ignoreChanges: string[];
  replaceOnChanges: string[];
  /** Only meaningful if the program set it; `undefined` when not set. */
  deleteBeforeReplace: boolean | undefined;
  retainOnDelete: boolean | undefined;
  importId: string;
  version: string;
  aliasUrns: string[];
  customTimeouts: CapturedCustomTimeouts | undefined;
  deletedWith: string;
}

/** One `registerResource` call, as the engine would receive it. */
export interface CapturedResource {
  type: string;
  name: string;
  urn: string;
  custom: boolean;
  /**
   * Inputs in wire form (`RegisterResourceRequest.object`): secrets are
   * `{ [specialSigKey]: secretSig, value }` wrappers (see `unwrapSecrets`), unknowns are
   * `unknownValue`; for a dynamic resource `__provider` holds the serialized provider text.
   */
  inputs: PropertyMap;
  options: CapturedOptions;
}

/** A stack output (a top-level export of the program). */
export interface CapturedExport {
  /** The resolved value; `undefined` when not known (preview). */
  value: unknown;
  secret: boolean;
  known: boolean;
}

/** What {@link captureProgram} returns. */
export interface CapturedProgram {
  /** Registrations in the order the monitor received them. */
  resources: CapturedResource[];
  /** Stack outputs by export name. */
  exports: Record<string, CapturedExport>;
  /** Everything else the child printed (program logs, Pulumi warnings). */
  output: string;
}

/** The program failed under mocks: it threw, an error was logged, or the child crashed. */
export class CaptureError extends Error {
  constructor(
    message: string,
    /** Error messages reported by the program run. */
    readonly errors: string[],
    /** Everything the child printed. */
    readonly output: string,
  ) {
    super(message);
    this.name = "CaptureError";
  }
}

/** @internal The JSON the child prints after {@link captureResultMarker}. */
export interface CaptureChildResult {
  resources: CapturedResource[];
  exports: Record<string, CapturedExport>;
  errors: string[];
}

/** @internal Options passed to the child in `HARNESS_CAPTURE_OPTIONS`. */
export interface CaptureChildOptions {
  project: string;
  stack: string;
  preview: boolean;
  mockOutputs: Record<string, PropertyMap>;
}

/**
 * Runs the compiled Pulumi program `modulePath` (a CommonJS module that registers resources when
 * loaded, possibly exporting stack outputs or a function returning them) under mocks, in a child
 * process running `captureMain.js`.
 * @throws {@link CaptureError} if the program fails.
 */
export function captureProgram(modulePath: string, opts: CaptureProgramOptions = {}): Promise<CapturedProgram> {
  const childOpts: CaptureChildOptions = {
    project: opts.project ?? "test",
    stack: opts.stack ?? "dev",
    preview: opts.preview ?? false,
    mockOutputs: opts.mockOutputs ?? {},
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...opts.env,
    PULUMI_CONFIG: JSON.stringify(opts.config ?? {}),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(opts.secretConfigKeys ?? []),
    HARNESS_CAPTURE_OPTIONS: JSON.stringify(childOpts),
  };
  const child = spawn(process.execPath, [path.join(__dirname, "captureMain.js"), path.resolve(modulePath)], {
    cwd: opts.cwd ?? process.cwd(),
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr.setEncoding("utf8").on("data", (s: string) => (output += s));
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      // The child writes "\n" + marker + JSON + "\n"; everything around it is program output.
      const start = stdout.indexOf(`\n${captureResultMarker}`);
      const end = start < 0 ? -1 : stdout.indexOf("\n", start + 1);
      const resultLine = start < 0 ? undefined : stdout.slice(start + 1, end < 0 ? undefined : end);
      output = (start < 0 ? stdout : stdout.slice(0, start) + (end < 0 ? "" : stdout.slice(end + 1))) + output;
      if (resultLine === undefined) {
        const why =
          signal === "SIGKILL" ? `timed out after ${timeoutMs} ms` : `exited (code ${code}, signal ${signal})`;
        reject(new CaptureError(`capture of ${modulePath} ${why} without a result\n${output}`, [], output));
        return;
      }
      const result = JSON.parse(resultLine.slice(captureResultMarker.length)) as CaptureChildResult;
      if (result.errors.length > 0) {
        reject(new CaptureError(`program ${modulePath} failed: ${result.errors.join("; ")}`, result.errors, output));
        return;
      }
      resolve({ resources: result.resources, exports: result.exports, output });
    });
  });
}
