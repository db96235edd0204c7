/**
 * The test side of the provider host's settable clock (see clockPreload.ts).
 * @module
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** A clock shared by this process (e.g. the emulator's `clock`) and a provider host started with its `env`. */
export interface HostClock {
  /** Environment for `startProviderHost`: preloads the clock and names its file. */
  readonly env: NodeJS.ProcessEnv;
  /** The shared clock: real time plus the offset. */
  now(): number;
  /** Moves both clocks so that `now()` answers about `instant` (ms since the epoch). */
  set(instant: number): void;
  /** Removes the file. */
  cleanup(): void;
}

/** A settable clock for a provider host, starting at the real time. */
export function hostClock(): HostClock {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "host-clock-"));
  const file = path.join(dir, "offset");
  let offset = 0;
  fs.writeFileSync(file, "0");
  return {
    env: {
      NODE_OPTIONS: `--require ${path.join(__dirname, "clockPreload.js")}`,
      PULUMI_AGENTMAIL_TEST_CLOCK_FILE: file,
    },
    now: () => Date.now() + offset,
    set(instant) {
      offset = instant - Date.now();
      // Written aside, then renamed over the file: a host reading it meanwhile sees the old offset or the new
      // one, never an empty file (which it would read as real time).
      fs.writeFileSync(`${file}.next`, String(offset));
      fs.renameSync(`${file}.next`, file);
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
