/**
 * The set-up the level-4 suites of this package's resources share: an emulator, the program's
 * registrations captured under mocks, a project folder where the package is installed, and the real
 * dynamic provider host started there and configured with the emulator's credentials.
 */
import * as path from "node:path";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator";
import {
  captureProgram,
  makeProjectDir,
  startProviderHost,
  type CaptureProgramOptions,
  type CapturedProgram,
  type ProjectDir,
  type ProviderHost,
} from "../../harness";

/** This repository, linked into the project folder as `pulumi-agentmail` (as `npm install <folder>` does). */
const REPO = path.resolve(__dirname, "..", "..", "..");

/** Options of {@link useEngineFixture}. */
export interface EngineFixtureOptions {
  /** Project name, used for the capture, the project folder and the host. */
  project: string;
  /** Absolute path of the compiled program to capture. */
  program: string;
  /**
   * Capture options other than the project. Called once the emulator runs, so that they may name
   * something made in it (a pod, say). Default: none.
   */
  capture?: (emu: Emulator) => Omit<CaptureProgramOptions, "project">;
  /** Secrets known before the suite starts (the emulator's organization key is added). Default: none. */
  secrets?: string[];
  /** Options of the emulator (e.g. a rate limit). */
  emulator?: EmulatorOptions;
  /** More stack config for Configure, beside the credential and base URL (e.g. `agentmail:retry`). */
  config?: Record<string, string>;
  /** More environment for the provider host (a settable clock, say). Default: none. */
  hostEnv?: NodeJS.ProcessEnv;
}

/**
 * What {@link useEngineFixture} gives a suite. The fields are set in its `before()`, so read them inside
 * hooks and tests; only `secrets` exists from the start (the same array throughout).
 */
export interface EngineFixture {
  /** The emulator the host talks to. */
  emu: Emulator;
  /** What the program registered under mocks, including each resource's `__provider` text. */
  captured: CapturedProgram;
  /** The project folder the host runs in. */
  project: ProjectDir;
  /** The provider host, configured with the emulator's key and URL. */
  host: ProviderHost;
  /** Every secret the suite has seen: the tests add the keys they create, then check nothing leaks them. */
  secrets: string[];
}

/**
 * Registers `before()`/`after()` hooks on the current `describe` that set up an {@link EngineFixture}
 * and tear it down again.
 * @returns An object whose fields are filled in by the `before()` hook.
 */
export function useEngineFixture(opts: EngineFixtureOptions): EngineFixture {
  // Filled in before(): the suite body runs when mocha collects tests, long before the hooks.
  const fixture = { secrets: [...(opts.secrets ?? [])] } as EngineFixture;
  before(async () => {
    fixture.emu = await startEmulator(opts.emulator);
    fixture.secrets.push(fixture.emu.orgApiKey);
    fixture.captured = await captureProgram(opts.program, { ...opts.capture?.(fixture.emu), project: opts.project });
    fixture.project = makeProjectDir({ name: opts.project, linkPackages: { "pulumi-agentmail": REPO } });
    // Only the stack config carries the credential: the host's environment has none.
    fixture.host = await startProviderHost({
      cwd: fixture.project.dir,
      project: opts.project,
      env: { AGENTMAIL_API_KEY: "", AGENTMAIL_BASE_URL: "", ...opts.hostEnv },
    });
    await fixture.host.configure({
      ...opts.config,
      "agentmail:apiKey": fixture.emu.orgApiKey,
      "agentmail:baseUrl": fixture.emu.url,
    });
  });
  after(async () => {
    // Optional chaining: a failed before() leaves later fields unset, and after() still runs.
    await fixture.host?.stop();
    fixture.project?.cleanup();
    await fixture.emu?.stop();
  });
  return fixture;
}
