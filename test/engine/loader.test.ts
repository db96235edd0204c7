/**
 * Where the provider host finds the implementation when the package is NOT installed beside the
 * project: in this checkout (the root project and examples/), at those two locations only; anywhere
 * else (a copy planted in a folder above the project included), a clear error that says to install the
 * package. An installed copy that cannot load
 * (a dependency of it missing, or its code throwing) is reported as what it is, not as "not installed".
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import {
  captureProgram,
  expectHostError,
  makeProjectDir,
  resolvePackageDir,
  startProviderHost,
  unwrapSecrets,
  urn,
  type CapturedResource,
} from "../../harness";

const REPO = path.resolve(__dirname, "..", "..", "..");
const PROGRAM = path.join(__dirname, "..", "fixtures", "programs", "keys.js");

describe("the shim's loader, with the package not installed or broken (level 4)", function () {
  this.timeout(60_000);
  let emu: Emulator;
  let podId: string;
  let bot: CapturedResource;

  before(async () => {
    emu = await startEmulator();
    podId = emu.store.createPod({ name: "loader" }).pod_id;
    const captured = await captureProgram(PROGRAM, { project: "keys", config: { "fixture:podId": podId } });
    bot = captured.resources.find((r) => r.name === "support-bot")!;
  });
  after(() => emu.stop());

  async function createFrom(cwd: string) {
    const host = await startProviderHost({ cwd, project: "keys", env: { AGENTMAIL_API_KEY: "" } });
    try {
      await host.configure({ "agentmail:apiKey": emu.orgApiKey, "agentmail:baseUrl": emu.url });
      const u = urn(bot.type, bot.name, "dev", "keys");
      const { inputs } = await host.check(u, {}, unwrapSecrets(bot.inputs));
      return await host.create(u, inputs);
    } finally {
      await host.stop();
    }
  }

  it("runs from a project inside this checkout (examples/quickstart) through the checkout's build", async () => {
    const cwd = path.join(REPO, "examples", "quickstart");
    assert.equal(fs.existsSync(path.join(cwd, "node_modules", "pulumi-agentmail")), false, "not installed there");
    const created = await createFrom(cwd);
    assert.deepEqual(
      emu.store.apiKeys(podId).map((k) => k.api_key_id),
      [created.id],
    );
  });

  it("runs from the root project (the checkout itself) through the checkout's build", async () => {
    assert.equal(fs.existsSync(path.join(REPO, "node_modules", "pulumi-agentmail")), false, "not installed there");
    const created = await createFrom(REPO);
    assert.ok(emu.store.apiKeys(podId).some((k) => k.api_key_id === created.id));
  });

  /**
   * A package named pulumi-agentmail planted two folders above a project at `projectPath` (relative to
   * the planted folder), whose runtime records being loaded in a file; `manifest` is the project's own
   * package.json. Returns the paths and a cleanup.
   */
  function plantedCopy(projectPath: string, manifest: object) {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), "planted-"));
    const loaded = path.join(top, "loaded.txt");
    fs.writeFileSync(path.join(top, "package.json"), JSON.stringify({ name: "pulumi-agentmail" }));
    fs.mkdirSync(path.join(top, "dist", "provider"), { recursive: true });
    fs.writeFileSync(
      path.join(top, "dist", "provider", "runtime.js"),
      `require("node:fs").writeFileSync(${JSON.stringify(loaded)}, "loaded");\n`,
    );
    const project = path.join(top, projectPath);
    fs.mkdirSync(project, { recursive: true });
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: keys\nruntime: nodejs\n");
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify(manifest));
    return { project, loaded, cleanup: () => fs.rmSync(top, { recursive: true, force: true }) };
  }

  const plantings: [string, string, object][] = [
    ["a project two folders below it", "projects/stack", { name: "stack" }],
    [
      "a project in an examples/ folder that does not declare file:../..",
      "examples/stack",
      { name: "stack", dependencies: { "pulumi-agentmail": "^0.1.0" } },
    ],
    [
      "a project declaring file:../.. outside an examples/ folder",
      "projects/stack",
      { name: "stack", dependencies: { "pulumi-agentmail": "file:../.." } },
    ],
  ];
  for (const [what, projectPath, manifest] of plantings) {
    it(`never runs a copy planted two folders above ${what}: says to install, before any request`, async () => {
      const planted = plantedCopy(projectPath, manifest);
      try {
        emu.log.clear();
        const e = await expectHostError(createFrom(planted.project));
        assert.match(e.details, /pulumi-agentmail is not installed where Pulumi runs this stack/);
        assert.equal(fs.existsSync(planted.loaded), false, "the planted runtime was loaded");
        assert.equal(emu.log.count(), 0);
      } finally {
        planted.cleanup();
      }
    });
  }

  /**
   * A project folder holding a real copy (not a link: Node would resolve a link's dependencies from this
   * checkout) of the built package, with `undici` beside it but not `zod`; `edit` may change the copy.
   */
  function brokenInstall(edit?: (pkgDir: string) => void) {
    const project = makeProjectDir({ name: "keys", linkPackages: { undici: resolvePackageDir("undici") } });
    const pkgDir = path.join(project.dir, "node_modules", "pulumi-agentmail");
    fs.mkdirSync(pkgDir);
    fs.copyFileSync(path.join(REPO, "package.json"), path.join(pkgDir, "package.json"));
    fs.cpSync(path.join(REPO, "dist", "provider"), path.join(pkgDir, "dist", "provider"), { recursive: true });
    edit?.(pkgDir);
    return project;
  }

  it("an installed copy missing one of ITS dependencies names that dependency, not the package", async () => {
    const project = brokenInstall();
    try {
      emu.log.clear();
      const e = await expectHostError(createFrom(project.dir));
      assert.match(e.details, /^Cannot find module 'zod'/);
      assert.doesNotMatch(e.details, /pulumi-agentmail is not installed/);
      assert.equal(emu.log.count(), 0);
    } finally {
      project.cleanup();
    }
  });

  it("an installed copy whose code throws while loading surfaces that error", async () => {
    const project = brokenInstall((pkgDir) =>
      fs.writeFileSync(
        path.join(pkgDir, "dist", "provider", "runtime.js"),
        'throw new Error("runtime exploded while loading");\n',
      ),
    );
    try {
      emu.log.clear();
      const e = await expectHostError(createFrom(project.dir));
      assert.match(e.details, /runtime exploded while loading/);
      assert.doesNotMatch(e.details, /not installed/);
      assert.equal(emu.log.count(), 0);
    } finally {
      project.cleanup();
    }
  });

  it("elsewhere, says to install the package, before any request", async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "not-installed-"));
    try {
      emu.log.clear();
      const e = await expectHostError(createFrom(cwd));
      assert.match(e.details, /pulumi-agentmail is not installed where Pulumi runs this stack/);
      assert.match(e.details, /npm install pulumi-agentmail/);
      assert.equal(emu.log.count(), 0);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});
