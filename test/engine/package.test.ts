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
import { startEmulator, type Emulator } from "../../emulator";
import {
  captureProgram,
  makeInstalledProject,
  startProviderHost,
  unwrapSecrets,
  urn,
  type InstalledProject,
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

describe("the packed package, installed into a fresh project (level 4)", function () {
  this.timeout(120_000);
  let project: InstalledProject;
  let emu: Emulator;
  let files: string[];

  before(async () => {
    project = makeInstalledProject("installed", REPO);
    files = project.files;
    fs.writeFileSync(path.join(project.dir, "index.ts"), PROGRAM_TS);
    emu = await startEmulator();
  });

  after(async () => {
    await emu?.stop();
    project?.cleanup();
  });

  it("publishes the provider, its runtime, types, README, LICENSE and CHANGELOG, and nothing of the tests", () => {
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
    const stray = files.filter((f) =>
      /^(dist\/(test|emulator|harness|bench|scripts)|provider\/|test\/|emulator\/)/.test(f),
    );
    assert.deepEqual(stray, []);
    console.log(`      published: ${files.length} files`);
  });

  it("type-checks a TypeScript program against the installed types", () => {
    const program = ts.createProgram([path.join(project.dir, "index.ts")], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      types: [],
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    assert.deepEqual(diagnostics, []);
    const resolved = program
      .getSourceFiles()
      .map((f) => f.fileName)
      .find((f) => f.includes("pulumi-agentmail/dist/provider/index.d.ts"));
    assert.ok(
      resolved?.startsWith(fs.realpathSync(project.dir)) || resolved?.startsWith(project.dir),
      `types from the installed copy: ${resolved}`,
    );
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
    const host = await startProviderHost({
      cwd: project.dir,
      project: "installed",
      env: { AGENTMAIL_API_KEY: "", NODE_PATH: "" },
    });
    try {
      await host.configure({ "agentmail:apiKey": emu.orgApiKey, "agentmail:baseUrl": emu.url });
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
