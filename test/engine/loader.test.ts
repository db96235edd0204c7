/**
 * Where the provider host finds the implementation when the package is NOT installed beside the
 * project: in this checkout (the root project and examples/), by walking up from the project folder;
 * anywhere else, a clear error that says to install the package.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import {
  captureProgram,
  expectHostError,
  startProviderHost,
  unwrapSecrets,
  urn,
  type CapturedResource,
} from "../../harness";

const REPO = path.resolve(__dirname, "..", "..", "..");
const PROGRAM = path.join(__dirname, "..", "fixtures", "programs", "keys.js");

describe("the shim's loader without an installed package (level 4)", function () {
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
