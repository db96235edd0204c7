/**
 * The path users take: `npm pack` the package, install the tarball into a fresh Pulumi project, and run
 * the engine-protocol lifecycle there. Proves that the published file set is complete (the runtime the
 * serialized provider requires is in it), that the types resolve for a TypeScript program, and that the
 * provider loads from an installed copy rather than from this repository.
 *
 * "Install" here unpacks the tarball into node_modules/pulumi-agentmail as npm does, and links its
 * dependencies (undici, zod, @pulumi/pulumi) from this repository's node_modules: no registry is needed.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { request } from "undici";
import { startEmulator, type Emulator } from "../../emulator";
import {
  captureProgram,
  makeInstalledProject,
  startProviderHost,
  unwrapSecrets,
  urn,
  type InstalledProject,
  type ProviderHost,
} from "../../harness";

const REPO = path.resolve(__dirname, "..", "..", "..");

const PROGRAM_TS = `import * as pulumi from "@pulumi/pulumi";
import { Pod, PodApiKey, type PodApiKeyPermissions } from "pulumi-agentmail";

const permissions: PodApiKeyPermissions = { messageSend: true };
const key = new PodApiKey("installed", { podId: new pulumi.Config().require("podId"), permissions });
export const keyId = key.apiKeyId;
export const podName = new Pod("tenant").name;
export const secret = key.apiKey;
`;

/** The program of the README's numbered "Get started" path (its one ```ts block), as a user would paste it. */
function getStartedProgram(): string {
  const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
  const start = readme.indexOf("## Get started");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(start >= 0 && block !== undefined, "README.md has a ```ts block under ## Get started");
  // The block is indented as part of a numbered list item.
  return block.replace(/^ {3}/gm, "");
}

/** A strict type-check of `file` as a user's project would run it. */
function typeCheck(file: string): { program: ts.Program; errors: string[] } {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    types: [],
  });
  const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  return { program, errors };
}

describe("the packed package, installed into a fresh project (level 4)", function () {
  this.timeout(120_000);
  let project: InstalledProject;
  let emu: Emulator;
  let files: string[];

  // A file a previous build left behind (a module since renamed or removed): packing must build afresh.
  const stale = path.join(REPO, "dist", "provider", "stale-from-an-old-build.js");

  before(async () => {
    fs.writeFileSync(stale, "module.exports = 'stale';\n");
    project = makeInstalledProject("installed", REPO);
    files = project.files;
    fs.writeFileSync(path.join(project.dir, "index.ts"), PROGRAM_TS);
    emu = await startEmulator();
  });

  after(async () => {
    fs.rmSync(stale, { force: true });
    await emu?.stop();
    project?.cleanup();
  });

  /** The real provider host, started in the installed project, configured with the emulator's key and URL. */
  async function installedHost(): Promise<ProviderHost> {
    const host = await startProviderHost({
      cwd: project.dir,
      project: "installed",
      env: { AGENTMAIL_API_KEY: "", NODE_PATH: "" },
    });
    try {
      await host.configure({ "agentmail:apiKey": emu.orgApiKey, "agentmail:baseUrl": emu.url });
    } catch (e) {
      await host.stop();
      throw e;
    }
    return host;
  }

  it("publishes the provider, its runtime, types, README, LICENSE and CHANGELOG, and nothing of the tests or of an old build (the emulator: see packageKit.test.ts)", () => {
    for (const f of [
      "dist/provider/index.js",
      "dist/provider/index.d.ts",
      "dist/provider/runtime.js",
      "README.md",
      "LICENSE",
      "CHANGELOG.md",
      "package.json",
    ]) {
      assert.ok(files.includes(f), `${f} is published`);
    }
    const stray = files.filter((f) => /^(dist\/(test|harness|bench|scripts)|provider\/|test\/|emulator\/)/.test(f));
    assert.deepEqual(stray, []);
    assert.equal(
      files.includes("dist/provider/stale-from-an-old-build.js"),
      false,
      "a stale build output is published",
    );
    console.log(`      published: ${files.length} files`);
  });

  it("type-checks a TypeScript program against the installed types", () => {
    const { program, errors } = typeCheck(path.join(project.dir, "index.ts"));
    assert.deepEqual(errors, []);
    const resolved = program
      .getSourceFiles()
      .map((f) => f.fileName)
      .find((f) => f.includes("pulumi-agentmail/dist/provider/index.d.ts"));
    assert.ok(
      resolved?.startsWith(fs.realpathSync(project.dir)) || resolved?.startsWith(project.dir),
      `types from the installed copy: ${resolved}`,
    );
  });

  it("the README's Get started program type-checks, and through the provider host makes the pod, then a working key in it", async () => {
    const code = getStartedProgram();
    const file = path.join(project.dir, "getStarted.ts");
    fs.writeFileSync(file, code);
    assert.deepEqual(typeCheck(file).errors, []);
    const js = ts.transpileModule(code, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    });
    fs.writeFileSync(path.join(project.dir, "getStarted.js"), js.outputText);
    const captured = await captureProgram(path.join(project.dir, "getStarted.js"), {
      project: "installed",
      cwd: project.dir,
    });
    const podRes = captured.resources.find((r) => r.type === "pulumi-nodejs:dynamic/agentmail:Pod")!;
    const keyRes = captured.resources.find((r) => r.type === "pulumi-nodejs:dynamic/agentmail:PodApiKey")!;
    assert.deepEqual(keyRes.options.additionalSecretOutputs, ["apiKey", "connection"]);
    const host = await installedHost();
    try {
      // As the engine runs it: the pod first, then the key with the pod's id (an unknown until then).
      const podUrn = urn(podRes.type, podRes.name, "dev", "installed");
      const podChecked = await host.check(podUrn, {}, unwrapSecrets(podRes.inputs));
      assert.deepEqual(podChecked.failures, []);
      const pod = await host.create(podUrn, podChecked.inputs);
      const keyUrn = urn(keyRes.type, keyRes.name, "dev", "installed");
      const keyChecked = await host.check(keyUrn, {}, { ...unwrapSecrets(keyRes.inputs), podId: pod.id });
      assert.deepEqual(keyChecked.failures, []);
      const key = await host.create(keyUrn, keyChecked.inputs);
      const apiKey = key.properties["apiKey"] as string;
      const me = await request(`${emu.url}/v0/auth/me`, { headers: { authorization: `Bearer ${apiKey}` } });
      assert.equal(((await me.body.json()) as { pod_id: string }).pod_id, pod.id, "a key scoped to the new pod");
      assert.deepEqual(emu.store.apiKeys(pod.id)[0]?.permissions, { message_read: true, message_send: true });
      // Step 8: destroy revokes the key, then deletes the pod.
      await host.delete(key.id, keyUrn, key.properties);
      await host.delete(pod.id, podUrn, pod.properties);
      assert.equal(
        emu.store.pods().find((p) => p.pod_id === pod.id),
        undefined,
      );
    } finally {
      await host.stop();
    }
  });

  it("runs the lifecycle through the provider host from the installed copy", async () => {
    const js = ts.transpileModule(PROGRAM_TS, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    });
    fs.writeFileSync(path.join(project.dir, "index.js"), js.outputText);
    const podId = emu.store.createPod({ name: "installed" }).pod_id;
    const captured = await captureProgram(path.join(project.dir, "index.js"), {
      project: "installed",
      cwd: project.dir,
      config: { "installed:podId": podId },
    });
    const res = captured.resources.find((r) => r.type === "pulumi-nodejs:dynamic/agentmail:PodApiKey")!;
    assert.deepEqual(res.options.additionalSecretOutputs, ["apiKey", "connection"]);
    // Installed in node_modules, the shim module is serialized as a reference to itself.
    const text = res.inputs["__provider"] as string;
    console.log(`      __provider from the installed package: ${text.length} bytes`);
    assert.match(text, /require\("pulumi-agentmail\/dist\/provider\/shim\/podApiKey\.js"\)/);
    assert.ok(text.length <= 1024, `${text.length} bytes`);
    const podText = captured.resources.find((r) => r.type === "pulumi-nodejs:dynamic/agentmail:Pod")?.inputs[
      "__provider"
    ];
    assert.match(String(podText), /require\("pulumi-agentmail\/dist\/provider\/shim\/pod\.js"\)/);
    const host = await installedHost();
    try {
      const u = urn(res.type, res.name, "dev", "installed");
      const { inputs, failures } = await host.check(u, {}, unwrapSecrets(res.inputs));
      assert.deepEqual(failures, []);
      const created = await host.create(u, inputs);
      assert.deepEqual(
        emu.store.apiKeys(podId).map((k) => k.api_key_id),
        [created.id],
      );
      assert.equal((await host.read(created.id, u, created.properties, inputs)).id, created.id);
      await host.delete(created.id, u, created.properties);
      assert.deepEqual(emu.store.apiKeys(podId), []);
    } finally {
      await host.stop();
    }
  });
});
