/**
 * `npm run demo` with a Pulumi CLI on PATH. No CLI can be installed here, so a recording stand-in named
 * `pulumi` is put first on PATH: this proves the demo's side of the contract (what it runs, in which
 * folder, with which backend and secrets, that the key never appears on a command line, that the
 * temporary folder is removed), not Pulumi's. The path without a CLI runs for real in the README's demo.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const DEMO = path.join(__dirname, "..", "..", "scripts", "demo.js");

const FAKE_PULUMI = `#!/usr/bin/env node
const fs = require("node:fs");
let stdin = "";
try { if (process.argv.includes("--secret")) stdin = fs.readFileSync(0, "utf8"); } catch {}
fs.appendFileSync(process.env.FAKE_PULUMI_LOG, JSON.stringify({
  argv: process.argv.slice(2), cwd: process.cwd(), stdin,
  backend: process.env.PULUMI_BACKEND_URL, passphrase: process.env.PULUMI_CONFIG_PASSPHRASE,
}) + "\\n");
if (process.argv[2] === "stack" && process.argv[3] === "output") console.log("{}");
`;

interface Call {
  argv: string[];
  cwd: string;
  stdin: string;
  backend?: string;
  passphrase?: string;
}

async function runDemo(args: string[]): Promise<{ code: number | null; output: string; calls: Call[] }> {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-"));
  const log = path.join(bin, "calls.jsonl");
  fs.writeFileSync(path.join(bin, "pulumi"), FAKE_PULUMI, { mode: 0o755 });
  try {
    const child = spawn(process.execPath, [DEMO, ...args], {
      env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env["PATH"] ?? ""}`, FAKE_PULUMI_LOG: log },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    const calls = fs.existsSync(log)
      ? fs
          .readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as Call)
      : [];
    return { code, output, calls };
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
  }
}

describe("npm run demo with a Pulumi CLI on PATH (recording stand-in)", function () {
  this.timeout(60_000);

  it("inits a stack on a local file backend, sets the key as a secret through stdin, runs up, output and destroy, and cleans up", async () => {
    const { code, output, calls } = await runDemo([]);
    assert.equal(code, 0, output);
    const commands = calls.map((c) => c.argv.filter((a) => a !== "--non-interactive").join(" "));
    assert.equal(commands[0], "version");
    const rest = commands.slice(1);
    assert.equal(rest[0], "stack init dev");
    assert.match(rest[1]!, /^config set quickstart:podId \S+$/);
    assert.match(rest[2]!, /^config set agentmail:baseUrl http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(rest[3], "config set agentmail:apiKey --secret");
    assert.deepEqual(rest.slice(4), ["up --yes --skip-preview", "stack output", "destroy --yes --skip-preview"]);

    const project = calls[1]!.cwd;
    for (const c of calls.slice(1)) {
      assert.equal(c.cwd, project, "every command runs in the temporary project");
      assert.equal(c.backend, `file://${path.join(project, ".state")}`);
      assert.ok(c.passphrase, "passphrase secrets provider");
    }
    const secretCall = calls.find((c) => c.argv.includes("--secret"))!;
    assert.match(secretCall.stdin, /^am_us_[0-9a-f]+$/, "the key goes through stdin");
    for (const c of calls) assert.ok(!c.argv.some((a) => a.includes(secretCall.stdin)), "never on a command line");
    assert.ok(!output.includes(secretCall.stdin), "the demo never prints the organization key");
    assert.equal(fs.existsSync(project), false, "the temporary project is removed");
  });

  it("asks for secrets in the outputs only with --show-secrets", async () => {
    const { code, output, calls } = await runDemo(["--show-secrets"]);
    assert.equal(code, 0, output);
    assert.ok(calls.some((c) => c.argv.join(" ").startsWith("stack output --show-secrets")));
  });
});
