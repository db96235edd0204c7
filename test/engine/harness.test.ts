/**
 * Proves the engine harness on a toy program: capture what the program registers under mocks, then
 * drive the real dynamic provider host over gRPC with the captured `__provider` text.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import {
  CaptureError,
  captureProgram,
  expectHostError,
  makeProjectDir,
  pulumiVersion,
  resolvePackageDir,
  startProviderHost,
  unwrapSecrets,
  urn,
  type CapturedProgram,
  type CapturedResource,
  type ConfigureResult,
  type PropertyMap,
  type ProjectDir,
  type ProviderHost,
} from "../../harness";

const programPath = path.join(__dirname, "..", "fixtures", "toy", "program.js");
const toyType = "pulumi-nodejs:dynamic/toy:Toy";
const toyUrn = urn(toyType, "first");

describe("engine harness (toy program)", function () {
  this.timeout(60_000);

  let captured: CapturedProgram;
  let toy: CapturedResource;
  let providerText: string;
  let inputs: PropertyMap;
  let project: ProjectDir | undefined;
  let host: ProviderHost | undefined;
  let configured: ConfigureResult;

  before(async function () {
    captured = await captureProgram(programPath, { config: { "test:label": "from-config" } });
    const found = captured.resources.find((r) => r.type === toyType);
    assert.ok(found, `no ${toyType} registered: ${JSON.stringify(captured.resources.map((r) => r.type))}`);
    toy = found;
    assert.equal(typeof toy.inputs["__provider"], "string");
    providerText = toy.inputs["__provider"] as string;
    // The engine strips secrets before calling a provider that does not accept them.
    inputs = unwrapSecrets(toy.inputs);

    // The toy needs no package; @pulumi/pulumi is linked to show how a real provider is set up.
    project = makeProjectDir({
      name: "test",
      linkPackages: { "@pulumi/pulumi": resolvePackageDir("@pulumi/pulumi") },
    });
    host = await startProviderHost({ cwd: project.dir, project: "test", config: { "toy:greeting": "howdy" } });
    configured = await host.configure({ "toy:greeting": "howdy" });
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed" && host) {
      console.error(`--- provider host output ---\n${host.output()}`);
    }
  });

  after(async function () {
    await host?.stop();
    project?.cleanup();
  });

  function h(): ProviderHost {
    assert.ok(host, "host not started");
    return host;
  }

  describe("captureProgram", function () {
    it("records type, inputs in wire form and additionalSecretOutputs", function () {
      assert.equal(toy.name, "first");
      assert.equal(toy.urn, toyUrn);
      assert.equal(toy.custom, true);
      assert.deepEqual(toy.options.additionalSecretOutputs, ["greeting"]);
      assert.equal(toy.inputs["label"], "from-config");
      assert.deepEqual(toy.inputs["note"], {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        value: "a secret note",
      });
      assert.equal(inputs["note"], "a secret note");
    });

    it("serializes the provider without the host-side config", function () {
      assert.match(providerText, /exports\.handler/);
      assert.doesNotMatch(providerText, /howdy/);
      assert.ok(providerText.length < 10_000, `__provider is ${providerText.length} chars`);
    });

    it("rejects with CaptureError when the program fails", async function () {
      const broken = path.join(__dirname, "..", "fixtures", "toy", "broken.js");
      await assert.rejects(captureProgram(broken), (e: unknown) => {
        assert.ok(e instanceof CaptureError);
        assert.match(e.errors.join("\n"), /broken on purpose/);
        return true;
      });
    });

    it("returns the stack outputs", function () {
      assert.deepEqual(captured.exports["message"], { value: "world", secret: false, known: true });
      assert.ok("greeting" in captured.exports);
    });
  });

  describe("provider host over gRPC", function () {
    it("answers GetPluginInfo and Configure like the dynamic provider host", async function () {
      assert.equal((await h().getPluginInfo()).version, pulumiVersion);
      assert.equal(configured.acceptSecrets, false);
      assert.equal(configured.supportsPreview, false);
    });

    it("check passes valid inputs through and keeps __provider", async function () {
      const res = await h().check(toyUrn, {}, inputs);
      assert.deepEqual(res.failures, []);
      assert.deepEqual(res.inputs, inputs);
    });

    it("check returns failures as a normal response", async function () {
      const res = await h().check(toyUrn, {}, { ...inputs, message: "" });
      assert.deepEqual(res.failures, [{ property: "message", reason: "message must be a non-empty string" }]);
    });

    it("create runs the configured provider", async function () {
      const res = await h().create(toyUrn, inputs);
      assert.equal(res.id, "toy-world");
      assert.equal(res.properties["greeting"], "howdy, world");
      assert.equal(res.properties["__provider"], providerText);
    });

    it("diff maps changes and replaces", async function () {
      const olds = { ...inputs, greeting: "howdy, world" };
      assert.equal((await h().diff("toy-world", toyUrn, olds, inputs)).changes, "DIFF_NONE");
      const update = await h().diff("toy-world", toyUrn, olds, { ...inputs, message: "there" });
      assert.equal(update.changes, "DIFF_SOME");
      assert.deepEqual(update.replaces, []);
      const replace = await h().diff("toy-world", toyUrn, olds, { ...inputs, size: 2 });
      assert.deepEqual(replace.replaces, ["size"]);
      assert.equal(replace.deleteBeforeReplace, false);
    });

    it("read refreshes, and an empty id means gone", async function () {
      const state = { ...inputs, greeting: "howdy, world" };
      const res = await h().read("toy-world", toyUrn, state, inputs);
      assert.equal(res.id, "toy-world");
      assert.equal(res.properties["refreshed"], true);
      assert.equal(res.inputs, undefined);
      assert.equal((await h().read("gone", toyUrn, state, inputs)).id, "");
    });

    it("update returns new outputs", async function () {
      const res = await h().update(
        "toy-world",
        toyUrn,
        { ...inputs, greeting: "howdy, world" },
        { ...inputs, message: "there" },
      );
      assert.equal(res.properties["greeting"], "howdy, there");
      assert.equal(res.properties["updated"], true);
      assert.equal(res.properties["__provider"], providerText);
    });

    it("delete succeeds, and a thrown error arrives with its message", async function () {
      await h().delete("toy-world", toyUrn, { ...inputs, greeting: "howdy, world" });
      const e = await expectHostError(h().delete("toy-x", toyUrn, { ...inputs, message: "undeletable" }));
      assert.equal(e.grpcCodeName, "UNKNOWN");
      assert.equal(e.details, "toy cannot be deleted");
    });

    it("a plain error from create has no initFailure", async function () {
      const e = await expectHostError(h().create(toyUrn, { ...inputs, message: "fail" }));
      assert.equal(e.method, "create");
      assert.equal(e.grpcCodeName, "UNKNOWN");
      assert.equal(e.details, "toy refused to be created");
      assert.equal(e.initFailure, undefined);
    });

    it("an error with id/properties from create arrives as initFailure", async function () {
      const e = await expectHostError(h().create(toyUrn, { ...inputs, message: "fail-init" }));
      assert.equal(e.details, "toy started but never became healthy");
      assert.ok(e.initFailure);
      assert.equal(e.initFailure.id, "toy-half");
      assert.equal(e.initFailure.properties["state"], "broken");
      assert.deepEqual(e.initFailure.reasons, ["health check timed out"]);
      // Present only because the toy spreads its inputs: the host does not add __provider to an
      // init failure's properties, and a later Delete needs it (see the facts file).
      assert.equal(e.initFailure.properties["__provider"], providerText);
    });
  });

  describe("lifecycle of the host", function () {
    it("stop is idempotent and leaves no process", async function () {
      assert.ok(project);
      const other = await startProviderHost({ cwd: project.dir });
      const pid = other.pid;
      await Promise.all([other.stop(), other.stop()]);
      await other.stop();
      assert.throws(() => process.kill(pid, 0), { code: "ESRCH" });
    });
  });
});
