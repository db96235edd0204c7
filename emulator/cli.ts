/**
 * `npm run emulator`: starts the emulator standalone, prints its URL, and stops cleanly on Ctrl-C (SIGINT) or
 * SIGTERM.
 *
 * Flags: `--port N` (default 0: a free port), `--host H` (default 127.0.0.1; an address other than loopback also
 * needs `--allow-remote`, and prints a warning: the emulator speaks plain HTTP and anyone who can reach it can use
 * its key), `--api-key-file PATH` (the organization key, read from a file; or the environment variable
 * `AGENTMAIL_EMULATOR_API_KEY`; default generated and printed), `--empty-pages` (insert empty pages in lists),
 * `--listing-lag-ms N` (leave keys younger than N ms out of key listings). The key is never taken as an argument:
 * every user of the machine can read a process's arguments (`ps`).
 */
import * as fs from "node:fs";
import { startEmulator, type EmulatorOptions } from "./index";
import { DEFAULT_POD_NAME } from "./storeView";

/** The environment variable that may hold the organization key. */
const KEY_VARIABLE = "AGENTMAIL_EMULATOR_API_KEY";

/** Where the key came from, for the banner (a supplied key is not printed). */
interface Parsed {
  options: EmulatorOptions;
  keySource: string | undefined;
  allowRemote: boolean;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): Parsed {
  const options: EmulatorOptions = {};
  let keySource: string | undefined;
  let allowRemote = false;
  const fromEnv = env[KEY_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== "") {
    options.orgApiKey = fromEnv;
    keySource = KEY_VARIABLE;
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--port": {
        const raw = value();
        const port = Number(raw);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${raw}`);
        options.port = port;
        break;
      }
      case "--host":
        options.host = value();
        break;
      case "--api-key":
        throw new Error(
          `--api-key is not accepted: any user of this machine can read a command line (ps). ` +
            `Set ${KEY_VARIABLE}, or pass --api-key-file PATH.`,
        );
      case "--api-key-file": {
        const file = value();
        const key = fs.readFileSync(file, "utf8").trim();
        if (key === "") throw new Error(`--api-key-file ${file} is empty`);
        options.orgApiKey = key;
        keySource = file;
        break;
      }
      case "--allow-remote":
        allowRemote = true;
        break;
      case "--empty-pages":
        options.emptyPages = true;
        break;
      case "--listing-lag-ms": {
        const raw = value();
        const lag = Number(raw);
        if (!Number.isFinite(lag) || lag < 0) throw new Error(`invalid --listing-lag-ms: ${raw} (0 or more ms)`);
        options.listingLagMs = lag;
        break;
      }
      case "--help":
      case "-h":
        process.stdout.write(
          "usage: agentmail-emulator (or npm run emulator) [--port N] [--host H [--allow-remote]] [--api-key-file PATH] [--empty-pages]" +
            ` [--listing-lag-ms N]\n(the organization key: --api-key-file, or ${KEY_VARIABLE}; default generated)\n`,
        );
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument: ${String(flag)}`);
    }
  }
  const host = options.host ?? "127.0.0.1";
  if (!isLoopback(host) && !allowRemote) {
    throw new Error(
      `--host ${host} is not a loopback address: the emulator speaks plain HTTP and its key grants everything. ` +
        "Add --allow-remote to bind it anyway.",
    );
  }
  return { options, keySource, allowRemote: allowRemote && !isLoopback(host) };
}

async function main(): Promise<void> {
  const { options, keySource, allowRemote } = parseArgs(process.argv.slice(2), process.env);
  const emulator = await startEmulator(options);
  if (allowRemote) {
    process.stderr.write(
      `WARNING: the emulator listens on ${String(options.host)}, beyond this machine, over plain HTTP: ` +
        "anyone who can reach it and learns its key can use it.\n",
    );
  }
  process.stdout.write(`AgentMail emulator listening on ${emulator.url}\n`);
  process.stdout.write(
    keySource === undefined
      ? `Organization API key: ${emulator.orgApiKey}\n`
      : `Organization API key: the one from ${keySource}\n`,
  );
  const defaultPod = emulator.store.pods().find((p) => p.name === DEFAULT_POD_NAME);
  if (defaultPod !== undefined) process.stdout.write(`Default Pod: ${defaultPod.pod_id}\n`);
  // What points a stack at this emulator (the key printed above, unless it came from elsewhere).
  process.stdout.write(
    "\nTo point a Pulumi stack at it:\n" +
      `  pulumi config set agentmail:baseUrl ${emulator.url}\n` +
      `  pulumi config set agentmail:apiKey --secret ${keySource === undefined ? emulator.orgApiKey : "<that key>"}\n` +
      (defaultPod === undefined ? "" : `  pulumi config set podId ${defaultPod.pod_id}   # for examples/quickstart\n`),
  );
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping\n`);
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
