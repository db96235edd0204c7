/**
 * Level 4: how the engine's calls around a rename and an imported pending create reach the provider, run
 * through the real dynamic provider host over gRPC against the emulator.
 *
 * A rename through `aliases` (facts file, from pulumi/pulumi pkg/resource/deploy/step_generator.go): Check gets
 * the OLD resource's inputs as olds and the inputs registered under the new name as news, then Diff compares
 * against the old outputs. The auto-name chosen under the old name must survive, or the rename replaces the
 * resource (for a key: a live credential revoked).
 *
 * `pulumi refresh --import-pending-creates` (after an interrupted create): Read gets the id the user gives and,
 * as properties, the inputs only. The key is then known by its id, and replaced by the next `up`.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { unwrapSecrets, urn, type CapturedResource, type PropertyMap } from "../../harness";
import { useEngineFixture } from "./fixture";

const PROGRAM = path.join(__dirname, "..", "fixtures", "programs", "perTenant.js");
const POD = "pulumi-nodejs:dynamic/agentmail:Pod";
const KEY = "pulumi-nodejs:dynamic/agentmail:PodApiKey";
const PROJECT = "renames";

describe("renames and imported pending creates through the provider host over gRPC (level 4)", function () {
  this.timeout(60_000);
  let podId: string;
  const fx = useEngineFixture({
    project: PROJECT,
    program: PROGRAM,
    capture: (emu) => {
      podId = emu.store.createPod({ name: "renames" }).pod_id;
      return { config: { "fixture:tenant": "acme" }, mockOutputs: { acme: { podId } } };
    },
  });
  let pod: CapturedResource;
  let agent: CapturedResource;

  before(() => {
    pod = fx.captured.resources.find((r) => r.type === POD)!;
    agent = fx.captured.resources.find((r) => r.name === "acme-agent")!;
  });

  /** The inputs the program registered, as a program that named the resource `name` would have registered them. */
  const registeredAs = (r: CapturedResource, name: string): PropertyMap => ({
    ...unwrapSecrets(r.inputs),
    autoNamePrefix: name,
  });

  const withoutName = ({ name: _given, ...rest }: PropertyMap): PropertyMap => rest;

  /** Creates `r` under its old name `oldName`, as the last `up` did: Check with no olds, then Create. */
  async function createAs(type: string, r: CapturedResource, oldName: string) {
    const u = urn(type, oldName, "dev", PROJECT);
    const checked = await fx.host.check(u, {}, registeredAs(r, oldName));
    assert.deepEqual(checked.failures, []);
    const created = await fx.host.create(u, checked.inputs);
    if (typeof created.properties["apiKey"] === "string") fx.secrets.push(created.properties["apiKey"]);
    return { inputs: checked.inputs, ...created };
  }

  it("PodApiKey renamed through aliases: Check keeps the old auto-name and Diff replaces nothing", async () => {
    const old = await createAs(KEY, agent, "bot");
    assert.match(old.inputs["name"] as string, /^bot-[0-9a-f]{7}$/);
    fx.emu.log.clear();
    const u = urn(KEY, agent.name, "dev", PROJECT);
    const checked = await fx.host.check(u, old.inputs, unwrapSecrets(agent.inputs));
    assert.deepEqual(checked.failures, []);
    assert.equal(checked.inputs["name"], old.inputs["name"], "the auto-name chosen under the old name stays");
    const d = await fx.host.diff(old.id, u, old.properties, checked.inputs);
    assert.equal(d.changes, "DIFF_NONE");
    assert.deepEqual(d.replaces, []);
    assert.equal(fx.emu.log.count(), 0, "no request: nothing created, nothing revoked");
    assert.deepEqual(
      fx.emu.store.apiKeys(podId).map((k) => k.api_key_id),
      [old.id],
    );
  });

  it("PodApiKey whose given name is removed gets a fresh auto-name, and is replaced", async () => {
    const u = urn(KEY, agent.name, "dev", PROJECT);
    const given = await fx.host.check(u, {}, { ...unwrapSecrets(agent.inputs), name: "given-1234567" });
    const again = await fx.host.check(u, given.inputs, unwrapSecrets(agent.inputs));
    assert.match(again.inputs["name"] as string, /^acme-agent-[0-9a-f]{7}$/);
    const d = await fx.host.diff("ak_x", u, { ...given.inputs, apiKey: "am_us_x", apiKeyId: "ak_x" }, again.inputs);
    assert.deepEqual(d.replaces, ["name"]);
  });

  it("Pod renamed through aliases: Check keeps the old auto-name and Diff replaces nothing", async () => {
    // The program's Pod has a given name; this one is auto-named, as `new Pod("legacy", {})` would be.
    const unnamed = { ...pod, inputs: withoutName(pod.inputs) };
    const old = await createAs(POD, unnamed, "legacy");
    assert.match(old.inputs["name"] as string, /^legacy-[0-9a-f]{7}$/);
    fx.emu.log.clear();
    const u = urn(POD, pod.name, "dev", PROJECT);
    const checked = await fx.host.check(u, old.inputs, unwrapSecrets(unnamed.inputs));
    assert.equal(checked.inputs["name"], old.inputs["name"]);
    const d = await fx.host.diff(old.id, u, old.properties, checked.inputs);
    assert.equal(d.changes, "DIFF_NONE");
    assert.deepEqual(d.replaces, []);
    assert.equal(fx.emu.log.count(), 0);
    assert.ok(fx.emu.store.pod(old.id), "the pod is still there");
  });

  it("Read from the inputs alone (an imported pending create) restores apiKeyId, and the next Diff replaces the key", async () => {
    const u = urn(KEY, agent.name, "dev", PROJECT);
    const checked = await fx.host.check(u, {}, unwrapSecrets(agent.inputs));
    // The interrupted create did make the key; the state only has the inputs and the id the user gives.
    const made = fx.emu.store.createApiKey(podId, {
      name: checked.inputs["name"] as string,
      permissions: { inbox_read: true, message_read: true, message_send: true },
    });
    fx.secrets.push(made.api_key);
    const read = await fx.host.read(made.api_key_id, u, checked.inputs, checked.inputs);
    assert.equal(read.id, made.api_key_id);
    assert.equal(read.properties["apiKeyId"], made.api_key_id);
    assert.equal(read.properties["prefix"], made.prefix);
    assert.equal(read.properties["apiKey"], undefined, "the secret cannot be read back");
    const d = await fx.host.diff(made.api_key_id, u, read.properties, checked.inputs);
    assert.equal(d.changes, "DIFF_SOME");
    assert.deepEqual(d.replaces, ["apiKey"], "replaced by the next up: a key without its secret is of no use");
    assert.equal(d.deleteBeforeReplace, false, "the new key first, then the old one is revoked");
  });

  it("nothing the host printed holds a secret", () => {
    const out = fx.host.output();
    for (const s of fx.secrets) assert.ok(!out.includes(s), "host output leaks a secret");
  });
});
