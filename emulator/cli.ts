/**
 * `npm run emulator`: starts the emulator standalone, prints its URL and organization key, and stops cleanly on
 * Ctrl-C (SIGINT) or SIGTERM.
 *
 * Flags: `--port N` (default 0: a free port), `--host H` (default 127.0.0.1), `--api-key K` (the organization
 * key; default generated), `--empty-pages` (insert empty pages in lists), `--listing-lag-ms N` (leave keys younger
 * than N ms out of key listings).
 */
import { startEmulator, type EmulatorOptions } from "./index";

function parseArgs(argv: readonly string[]): EmulatorOptions {
  const options: EmulatorOptions = {};
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
        options.orgApiKey = value();
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
          "usage: emulator [--port N] [--host H] [--api-key K] [--empty-pages] [--listing-lag-ms N]\n",
        );
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument: ${String(flag)}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  const emulator = await startEmulator(parseArgs(process.argv.slice(2)));
  process.stdout.write(`AgentMail emulator listening on ${emulator.url}\n`);
  process.stdout.write(`Organization API key: ${emulator.orgApiKey}\n`);
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
