/**
 * The standalone emulator (`npm run emulator`, cli.js) as a child process: it binds beyond loopback only with
 * `--allow-remote` (and warns), and takes its key from the environment or a file, never from the command line
 * where `ps` shows it.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { request } from "undici";
import { waitFor } from "./helpers";

const CLI = path.join(__dirname, "..", "..", "emulator", "cli.js");
const KEY = "am_us_clitestkey0123456789abcdef0123456789abcdef";

/** A running CLI: its URL once it listens, what it printed, and a stop that waits for its exit. */
interface Running {
  child: ChildProcess;
  url: string;
  out: () => string;
  err: () => string;
}

/** Every child spawned, so that each test's are stopped even when it fails (a wrongly started one listens on). */
const spawned: ChildProcess[] = [];

function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; out: () => string; err: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, AGENTMAIL_EMULATOR_API_KEY: "", ...env },
  });
  spawned.push(child);
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (c: string) => (out += c));
  child.stderr!.setEncoding("utf8").on("data", (c: string) => (err += c));
  return { child, out: () => out, err: () => err };
}

async function startCli(args: string[], env?: NodeJS.ProcessEnv): Promise<Running> {
  const cli = spawnCli(args, env);
  const url = await new Promise<string>((resolve, reject) => {
    cli.child.stdout!.on("data", () => {
      const m = /listening on (\S+)\n[\s\S]*Organization API key: .*\n/.exec(cli.out());
      if (m !== null) resolve(m[1]!);
    });
    cli.child.once("exit", () => reject(new Error(`exited early: ${cli.out()} ${cli.err()}`)));
  });
  return { ...cli, url };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  await exited;
}

async function status(url: string, key: string): Promise<number> {
  const res = await request(`${url}/v0/auth/me`, { headers: { authorization: `Bearer ${key}` } });
  await res.body.dump();
  return res.statusCode;
}

describe("emulator: the CLI's exposure (cli.js)", function () {
  this.timeout(20_000);
  afterEach(() => Promise.all(spawned.splice(0).map(stop)));

  it("refuses a non-loopback --host without --allow-remote, and listens nowhere", async () => {
    const cli = spawnCli(["--host", "0.0.0.0", "--port", "0"]);
    const [code] = (await once(cli.child, "exit")) as [number | null];
    assert.equal(code, 1);
    assert.match(cli.err(), /--host 0\.0\.0\.0 is not a loopback address/);
    assert.match(cli.err(), /--allow-remote/);
    assert.doesNotMatch(cli.out(), /listening/);
  });

  it("binds a non-loopback --host with --allow-remote, and warns on stderr", async () => {
    const cli = await startCli(["--host", "0.0.0.0", "--allow-remote", "--port", "0"]);
    try {
      await waitFor(() => cli.err() !== "", "a warning on stderr");
      assert.match(cli.err(), /^WARNING: the emulator listens on 0\.0\.0\.0, beyond this machine/);
    } finally {
      await stop(cli.child);
    }
  });

  it("prints the Default Pod's id and the config lines that point a stack at it, and the pod exists", async () => {
    const cli = spawnCli(["--port", "0"]);
    await new Promise<void>((resolve, reject) => {
      cli.child.stdout!.on("data", () => {
        if (/pulumi config set podId /.test(cli.out())) resolve();
      });
      cli.child.once("exit", () => reject(new Error(`exited early: ${cli.out()} ${cli.err()}`)));
    });
    try {
      const url = /listening on (\S+)\n/.exec(cli.out())![1]!;
      const key = /Organization API key: (\S+)\n/.exec(cli.out())![1]!;
      const pod = /Default Pod: (\S+)\n/.exec(cli.out())![1]!;
      assert.ok(cli.out().includes(`pulumi config set agentmail:baseUrl ${url}\n`));
      assert.ok(cli.out().includes(`pulumi config set agentmail:apiKey --secret ${key}\n`));
      assert.ok(cli.out().includes(`pulumi config set podId ${pod}`));
      const res = await request(`${url}/v0/pods/${pod}`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(((await res.body.json()) as { name: string }).name, "Default Pod");
    } finally {
      await stop(cli.child);
    }
  });

  it("binds loopback without a flag or a warning", async () => {
    const cli = await startCli(["--port", "0"]);
    try {
      assert.equal(cli.err(), "");
    } finally {
      await stop(cli.child);
    }
  });

  it("refuses --api-key on the command line, naming the environment variable and the file flag", async () => {
    const cli = spawnCli(["--api-key", KEY]);
    const [code] = (await once(cli.child, "exit")) as [number | null];
    assert.equal(code, 1);
    assert.match(cli.err(), /--api-key is not accepted: .*\(ps\)/);
    assert.match(cli.err(), /AGENTMAIL_EMULATOR_API_KEY, or pass --api-key-file PATH/);
    assert.ok(!cli.err().includes(KEY), "the refused key is not echoed");
  });

  it("takes the key from AGENTMAIL_EMULATOR_API_KEY, and does not print it", async () => {
    const cli = await startCli(["--port", "0"], { AGENTMAIL_EMULATOR_API_KEY: KEY });
    try {
      assert.equal(await status(cli.url, KEY), 200);
      assert.ok(!cli.out().includes(KEY), cli.out());
      assert.match(cli.out(), /Organization API key: the one from AGENTMAIL_EMULATOR_API_KEY/);
    } finally {
      await stop(cli.child);
    }
  });

  it("takes the key from --api-key-file, and does not print it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emulator-key-"));
    const file = path.join(dir, "key");
    fs.writeFileSync(file, `${KEY}\n`, { mode: 0o600 });
    const cli = await startCli(["--port", "0", "--api-key-file", file]);
    try {
      assert.equal(await status(cli.url, KEY), 200);
      assert.ok(!cli.out().includes(KEY), cli.out());
    } finally {
      await stop(cli.child);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
