/**
 * The testing kit as a user gets it (issue 13): the packed package installed into a fresh project, where
 * - the README's "Testing your program" example runs as the user's own mocha test (`pulumi-agentmail/testing`),
 *   after type-checking against the installed types: the docs cannot rot;
 * - `startEmulator` comes from `pulumi-agentmail/emulator`, and `npx agentmail-emulator` starts the command;
 * - a key is created and deleted through Pulumi's provider host against the emulator the command started;
 * - importing the package (or its runtime) loads nothing of the emulator or the kit.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import {
  captureProgram,
  makeInstalledProject,
  startProviderHost,
  unwrapSecrets,
  urn,
  type InstalledProject,
} from "../../harness";
import { waitFor } from "../emulator/helpers";

const REPO = path.resolve(__dirname, "..", "..", "..");
const MOCHA = path.join(REPO, "node_modules", "mocha", "bin", "mocha.js");

/** The first TypeScript block of the README's "Testing your program" section. */
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
  const section = readme.split("\n## Testing your program\n")[1]?.split("\n## ")[0];
  const code = /```ts\n([\s\S]*?)```/.exec(section ?? "")?.[1];
  assert.ok(code, "README.md has a ```ts block under ## Testing your program");
  return code;
}

/** Compiles `source` for node as a user's tsconfig would (CommonJS, esModuleInterop). */
function toJs(source: string): string {
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
}

/** Runs `node -e script` in the project and parses the JSON it prints last. */
function nodeIn(project: InstalledProject, script: string): Record<string, unknown> {
  const out = execFileSync(process.execPath, ["-e", script], { cwd: project.dir, encoding: "utf8", env: cleanEnv() });
  return JSON.parse(out.trim().split("\n").pop()!) as Record<string, unknown>;
}

/** The environment without AgentMail credentials, so that nothing here can reach a real service. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env["AGENTMAIL_API_KEY"];
  delete env["AGENTMAIL_BASE_URL"];
  delete env["NODE_PATH"];
  return env;
}

/** `npx agentmail-emulator`, started in its own process group, with what it printed so far. */
interface Command {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  exited: Promise<number | null>;
}

function startCommand(project: InstalledProject, args: string[]): Command {
  const child = spawn("npx", ["--no-install", "agentmail-emulator", ...args], {
    cwd: project.dir,
    env: cleanEnv(),
    detached: true,
  });
  let out = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr.on("data", (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout: () => out, exited };
}

describe("the testing kit and the emulator from the installed package (level 4, issue 13)", function () {
  this.timeout(120_000);
  let project: InstalledProject;

  before(() => {
    project = makeInstalledProject("kit", REPO, ["mocha", "@types/mocha", "@types/node"]);
  });
  after(() => project?.cleanup());

  it("publishes the kit, the emulator and its command, without source maps, tests or harness", () => {
    for (const f of [
      "dist/provider/testing/index.js",
      "dist/provider/testing/index.d.ts",
      "dist/emulator/index.js",
      "dist/emulator/index.d.ts",
      "dist/emulator/bin.js",
      "dist/emulator/cli.js",
    ]) {
      assert.ok(project.files.includes(f), `${f} is published`);
    }
    assert.deepEqual(
      project.files.filter((f) => /^dist\/(test|harness|bench|scripts)\/|^dist\/emulator\/.*\.map$/.test(f)),
      [],
    );
    const bin = fs.readFileSync(
      path.join(project.dir, "node_modules", "pulumi-agentmail", "dist", "emulator", "bin.js"),
    );
    assert.match(bin.toString(), /^#!\/usr\/bin\/env node\n/);
  });

  it("runs the README's example as the user's mocha test: realistic outputs, a typo failing with its name", () => {
    const example = readmeExample();
    fs.mkdirSync(path.join(project.dir, "test"));
    const file = path.join(project.dir, "test", "agentmail.test.ts");
    fs.writeFileSync(file, example);
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      esModuleInterop: true,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      types: ["mocha", "node"],
      typeRoots: [path.join(project.dir, "node_modules", "@types")],
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    assert.deepEqual(diagnostics, []);
    fs.writeFileSync(path.join(project.dir, "test", "agentmail.test.js"), toJs(example));
    const run = spawnSyncJson(project, [MOCHA, "--reporter", "json", "--exit", "test/agentmail.test.js"]);
    assert.deepEqual(
      run.tests.map((t) => [t.title, t.err?.message]),
      [
        ["gives the bot a least-privilege key in the new pod", undefined],
        ["fails a typo in permissions (say, read from stack config), naming it", undefined],
        ["sees the keys seeded for the lookups", undefined],
      ],
    );
    assert.equal(run.stats.failures, 0);
  });

  it("loads nothing of the emulator or the kit with the package, and only the kit when asked", () => {
    const loaded = (mods: string[]) =>
      `${mods.map((m) => `require(${JSON.stringify(m)});`).join("")}` +
      `console.log(JSON.stringify({ files: Object.keys(require.cache).filter((f) => f.includes("pulumi-agentmail")) }));`;
    const ours = (r: Record<string, unknown>) =>
      (r["files"] as string[]).map((f) => f.split(`pulumi-agentmail${path.sep}`).pop()!);
    const plain = ours(nodeIn(project, loaded(["pulumi-agentmail", "pulumi-agentmail/runtime"])));
    assert.ok(plain.includes("dist/provider/runtime.js"), plain.join(" "));
    assert.deepEqual(
      plain.filter((f) => f.startsWith("dist/emulator/") || f.startsWith("dist/provider/testing/")),
      [],
    );
    const kit = ours(nodeIn(project, loaded(["pulumi-agentmail/testing"])));
    // The kit borrows the emulator's id shapes, and nothing else of it (no server).
    assert.deepEqual(
      kit.filter((f) => f.startsWith("dist/emulator/")),
      ["dist/emulator/ids.js"],
    );
  });

  it("starts the emulator from pulumi-agentmail/emulator", () => {
    const result = nodeIn(
      project,
      `const { startEmulator } = require("pulumi-agentmail/emulator");
       (async () => {
         const emu = await startEmulator();
         const res = await fetch(emu.url + "/v0/pods", { headers: { authorization: "Bearer " + emu.orgApiKey } });
         const body = await res.json();
         const posts = emu.log.entries().length;
         await emu.stop();
         console.log(JSON.stringify({ url: emu.url, status: res.status, count: body.count, logged: posts }));
       })();`,
    );
    assert.match(String(result["url"]), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual([result["status"], result["count"], result["logged"]], [200, 1, 1]);
  });

  it("starts `npx agentmail-emulator`, and a key is created and deleted through the provider host against it", async () => {
    const command = startCommand(project, ["--port", "0"]);
    try {
      await waitFor(() => /Organization API key: \S+\n/.test(command.stdout()), "the command's key line");
      const url = /listening on (http:\/\/\S+)\n/.exec(command.stdout())?.[1];
      const key = /Organization API key: (\S+)\n/.exec(command.stdout())?.[1];
      assert.ok(url && key, command.stdout());
      const admin = async (p: string) =>
        (await (await fetch(url + p, { headers: { authorization: `Bearer ${key}` } })).json()) as Record<
          string,
          unknown
        >;
      const podId = ((await admin("/__emulator/state"))["pods"] as { pod_id: string }[])[0]!.pod_id;

      fs.writeFileSync(
        path.join(project.dir, "index.js"),
        toJs(`import * as pulumi from "@pulumi/pulumi";
import { PodApiKey } from "pulumi-agentmail";
export const keyId = new PodApiKey("cmd", { podId: new pulumi.Config().require("podId"), permissions: { messageRead: true } }).apiKeyId;
`),
      );
      const captured = await captureProgram(path.join(project.dir, "index.js"), {
        project: "kit",
        cwd: project.dir,
        config: { "kit:podId": podId },
      });
      const res = captured.resources.find((r) => r.type === "pulumi-nodejs:dynamic/agentmail:PodApiKey")!;
      const host = await startProviderHost({
        cwd: project.dir,
        project: "kit",
        env: { AGENTMAIL_API_KEY: "", NODE_PATH: "" },
      });
      try {
        await host.configure({ "agentmail:apiKey": key, "agentmail:baseUrl": url });
        const u = urn(res.type, res.name, "dev", "kit");
        const { inputs, failures } = await host.check(u, {}, unwrapSecrets(res.inputs));
        assert.deepEqual(failures, []);
        const created = await host.create(u, inputs);
        const keysOf = async () =>
          ((await admin("/__emulator/state"))["pods"] as { pod_id: string; api_keys: { api_key_id: string }[] }[])
            .find((p) => p.pod_id === podId)!
            .api_keys.map((k) => k.api_key_id);
        assert.deepEqual(await keysOf(), [created.id]);
        await host.delete(created.id, u, created.properties);
        assert.deepEqual(await keysOf(), []);
        const log = (await admin("/__emulator/log"))["entries"] as { method: string; path: string }[];
        const keyRequests = log.filter((e) => e.path.startsWith(`/v0/pods/${podId}/api-keys`)).map((e) => e.method);
        assert.deepEqual(
          keyRequests.filter((m) => m === "POST" || m === "DELETE"),
          ["POST", "DELETE"],
        );
      } finally {
        await host.stop();
      }
    } finally {
      process.kill(-command.child.pid!, "SIGTERM");
      await command.exited;
    }
  });
});

/** Runs node with `args` in the project, as `npx mocha` would, and parses mocha's JSON report. */
function spawnSyncJson(
  project: InstalledProject,
  args: string[],
): { stats: { failures: number }; tests: { title: string; err?: { message?: string } }[] } {
  let out: string;
  try {
    out = execFileSync(process.execPath, args, { cwd: project.dir, encoding: "utf8", env: cleanEnv() });
  } catch (e) {
    // mocha exits non-zero on a failing test: its report is still on stdout.
    out = String((e as { stdout?: unknown }).stdout ?? "");
  }
  const report = JSON.parse(out.slice(out.indexOf("{"))) as ReturnType<typeof spawnSyncJson>;
  for (const t of report.tests) if (t.err && Object.keys(t.err).length === 0) delete t.err;
  return report;
}
