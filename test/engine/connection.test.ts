/**
 * Level 4, issue 14: `connection` through the real dynamic provider host, as `pulumi up` runs it, against
 * TWO emulators. The host is configured with the stack's credential for emulator "us"; the program's second
 * key carries a `connection` to emulator "eu" (another organization, another address). Create, Read, Diff,
 * Update and Delete of each key must reach its own emulator only (request counts per emulator), and the
 * connection's key must appear in no host output or error. The captured registration shows what the engine
 * stores: the connection as a secret input, and in `additionalSecretOutputs`. The host returns it in
 * plaintext in the outputs (it answers acceptSecrets=false), and the engine marks an output secret when the
 * input of the same name was (pulumi/pulumi sdk/go/common/resource/plugin/provider_plugin.go,
 * `annotateSecrets`), besides applying `additionalSecretOutputs`.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { expectHostError, isSecretValue, unwrapSecrets, urn, type CapturedResource } from "../../harness";
import { useEngineFixture } from "./fixture";

const PROGRAM = path.join(__dirname, "..", "fixtures", "programs", "twoRegions.js");
const TYPE = "pulumi-nodejs:dynamic/agentmail:PodApiKey";
const PROJECT = "two-regions";
const EU_KEY = "am_eu_engineconnectionorgkey0123456789ab";
const KEYS = "/v0/pods/*/api-keys";

describe("connection through the provider host over gRPC, against two emulators (level 4)", function () {
  this.timeout(60_000);
  let eu: Emulator;
  let euPod: string;
  let usPod: string;
  // Registered before the fixture's hooks, so that the capture below can name eu's address and pod.
  before(async () => {
    eu = await startEmulator({ orgApiKey: EU_KEY });
    euPod = eu.store.createPod({ name: "eu" }).pod_id;
  });
  after(() => eu?.stop());
  const fx = useEngineFixture({
    project: PROJECT,
    program: PROGRAM,
    capture: (us) => {
      usPod = us.store.createPod({ name: "us" }).pod_id;
      return {
        config: {
          "fixture:usPodId": usPod,
          "fixture:euPodId": euPod,
          "fixture:euApiKey": EU_KEY,
          "fixture:euBaseUrl": eu.url,
        },
        secretConfigKeys: ["fixture:euApiKey"],
      };
    },
    secrets: [EU_KEY],
  });
  let usReg: CapturedResource;
  let euReg: CapturedResource;
  const u = (r: CapturedResource) => urn(TYPE, r.name, "dev", PROJECT);
  const hostText = () => fx.host.output();

  before(() => {
    usReg = fx.captured.resources.find((r) => r.name === "us-bot")!;
    euReg = fx.captured.resources.find((r) => r.name === "eu-bot")!;
  });
  beforeEach(() => {
    fx.emu.log.clear();
    eu.log.clear();
  });

  it("the program registers the connection as a secret input, listed in additionalSecretOutputs, and not in __provider", () => {
    assert.ok(isSecretValue(euReg.inputs["connection"]), "connection is a secret input");
    assert.deepEqual(unwrapSecrets(euReg.inputs["connection"]), { apiKey: EU_KEY, baseUrl: eu.url });
    assert.deepEqual(euReg.options.additionalSecretOutputs, ["apiKey", "connection"]);
    assert.equal(usReg.inputs["connection"], undefined);
    for (const r of [usReg, euReg]) assert.ok(!String(r.inputs["__provider"]).includes(EU_KEY));
  });

  it("creates, reads, updates and deletes a key in each organization, each through its own credential only", async () => {
    const usChecked = (await fx.host.check(u(usReg), {}, unwrapSecrets(usReg.inputs))).inputs;
    const euCheck = await fx.host.check(u(euReg), {}, unwrapSecrets(euReg.inputs));
    assert.deepEqual(euCheck.failures, []);
    const euChecked = euCheck.inputs;

    const usKey = await fx.host.create(u(usReg), usChecked);
    const euKey = await fx.host.create(u(euReg), euChecked);
    fx.secrets.push(usKey.properties["apiKey"] as string, euKey.properties["apiKey"] as string);
    assert.equal(fx.emu.log.count({ method: "POST", path: KEYS }), 1, "one POST in us");
    assert.equal(eu.log.count({ method: "POST", path: KEYS }), 1, "one POST in eu");
    assert.deepEqual(
      eu.store.apiKeys(euPod).map((k) => k.api_key_id),
      [euKey.id],
    );
    assert.deepEqual(
      fx.emu.store.apiKeys(usPod).map((k) => k.api_key_id),
      [usKey.id],
    );
    assert.ok(
      fx.emu.log.entries().every((e) => e.path.includes(usPod)),
      "us saw only its own key's requests",
    );
    assert.equal(euKey.properties["endpoint"], eu.url);
    assert.equal(usKey.properties["endpoint"], fx.emu.url);

    fx.emu.log.clear();
    eu.log.clear();
    const read = await fx.host.read(euKey.id, u(euReg), euKey.properties, euChecked);
    assert.equal(read.id, euKey.id);
    assert.equal(read.properties["apiKey"], euKey.properties["apiKey"]);
    assert.equal(eu.log.count({ method: "GET", path: KEYS }), 1);
    assert.equal((await fx.host.read(usKey.id, u(usReg), usKey.properties, usChecked)).id, usKey.id);
    assert.equal(fx.emu.log.count({ method: "GET", path: KEYS }), 1);
    assert.equal(fx.emu.log.count(), 1, "us saw only the stack's key's read");
    assert.equal(eu.log.count(), 1, "eu saw only the connection's key's read");

    // A rotated eu credential: the same organization, another key. A change, no replacement; the update keeps
    // every output and stores the new connection, which the delete then uses.
    const made = eu.store.createApiKey(euPod);
    const rotated = made.api_key;
    fx.secrets.push(rotated);
    const news = { ...euChecked, connection: { apiKey: rotated, baseUrl: eu.url } };
    const diff = await fx.host.diff(euKey.id, u(euReg), euKey.properties, news);
    assert.equal(diff.changes, "DIFF_SOME");
    assert.deepEqual(diff.replaces, []);
    const updated = await fx.host.update(euKey.id, u(euReg), euKey.properties, news);
    for (const field of ["apiKey", "apiKeyId", "prefix", "createdAt", "endpoint", "name", "podId"]) {
      assert.equal(updated.properties[field], euKey.properties[field], field);
    }
    assert.deepEqual(updated.properties["connection"], news.connection);

    fx.emu.log.clear();
    eu.log.clear();
    await fx.host.delete(euKey.id, u(euReg), updated.properties);
    await fx.host.delete(usKey.id, u(usReg), usKey.properties);
    assert.equal(eu.log.count({ method: "DELETE" }), 1);
    assert.equal(fx.emu.log.count({ method: "DELETE" }), 1);
    assert.deepEqual(
      eu.store.apiKeys(euPod).map((k) => k.api_key_id),
      [made.api_key_id],
      "the eu key is revoked; only the rotated credential is left",
    );
    assert.equal(fx.emu.store.apiKeys(usPod).length, 0, "the us key is revoked");
  });

  it("Check names a bad connection without quoting its key, and nothing is sent", async () => {
    const bad = { ...unwrapSecrets(euReg.inputs), connection: { apiKey: EU_KEY, baseUrl: "http://eu.invalid" } };
    const r = await fx.host.check(u(euReg), {}, bad);
    assert.deepEqual(
      r.failures.map((f) => f.property),
      ["connection.baseUrl"],
    );
    assert.match(r.failures[0]!.reason, /connection\.baseUrl uses plain http:\/\/ to eu\.invalid/);
    assert.ok(!r.failures[0]!.reason.includes(EU_KEY));
    assert.equal(fx.emu.log.count() + eu.log.count(), 0);
  });

  it("an error through a connection names the connection, never its key", async () => {
    const unknown = "am_eu_notaknownkeyoftheeuorg0123456789";
    fx.secrets.push(unknown);
    const checked = (await fx.host.check(u(euReg), {}, unwrapSecrets(euReg.inputs))).inputs;
    const e = await expectHostError(
      fx.host.create(u(euReg), { ...checked, connection: { apiKey: unknown, baseUrl: eu.url } }),
    );
    assert.match(e.details, /this resource's connection\.apiKey \(am_eu_not/);
    assert.equal(fx.emu.log.count(), 0, "the stack's organization saw nothing");
    assert.equal(eu.store.apiKeys(euPod).length, 1, "no key was made in eu (the rotated credential only)");
    for (const text of [e.details, e.message]) {
      for (const s of fx.secrets) assert.ok(!text.includes(s), `a secret leaked: ${text}`);
    }
  });

  it("nothing the host printed holds a secret", () => {
    const text = hostText();
    for (const s of fx.secrets) assert.ok(!text.includes(s), "a secret leaked into the host's output");
  });
});
