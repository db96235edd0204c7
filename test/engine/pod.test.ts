/**
 * Level 4: Pod (and keys in it) through the real dynamic provider host, as `pulumi up` runs them. The
 * per-tenant program is captured under mocks (with a mock pod id, so that the keys' inputs are known),
 * then the host is driven over gRPC against the emulator in the engine's dependency order: the pod,
 * then its keys with the pod id the create returned; on destroy, the keys, then the pod.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { expectHostError, unwrapSecrets, urn, type CapturedResource, type PropertyMap } from "../../harness";
import { useEngineFixture } from "./fixture";

const PROGRAM = path.join(__dirname, "..", "fixtures", "programs", "perTenant.js");
const POD = "pulumi-nodejs:dynamic/agentmail:Pod";
const KEY = "pulumi-nodejs:dynamic/agentmail:PodApiKey";
const PROJECT = "per-tenant";
const MOCK_POD_ID = "pod_mock_acme";

describe("Pod through the provider host over gRPC (level 4)", function () {
  this.timeout(60_000);
  const fx = useEngineFixture({
    project: PROJECT,
    program: PROGRAM,
    capture: () => ({ config: { "fixture:tenant": "acme" }, mockOutputs: { acme: { podId: MOCK_POD_ID } } }),
  });
  const { secrets } = fx;
  let pod: CapturedResource;
  let keys: CapturedResource[];

  const podUrn = () => urn(POD, pod.name, "dev", PROJECT);
  const keyUrn = (k: CapturedResource) => urn(KEY, k.name, "dev", PROJECT);

  before(() => {
    pod = fx.captured.resources.find((r) => r.type === POD)!;
    keys = fx.captured.resources.filter((r) => r.type === KEY).sort((a, b) => a.name.localeCompare(b.name));
  });

  it("the program registers a Pod and two keys that depend on it, with small credential-free shims", () => {
    assert.equal(pod.name, "acme");
    assert.deepEqual(
      keys.map((k) => k.name),
      ["acme-agent", "acme-auditor"],
    );
    // Only a `connection` (absent here) would hold a secret; it is listed whether given or not.
    assert.deepEqual(pod.options.additionalSecretOutputs, ["connection"]);
    for (const k of keys) {
      assert.equal(k.inputs["podId"], MOCK_POD_ID);
      assert.ok(k.options.dependencies.includes(pod.urn), `${k.name} depends on the pod`);
      assert.deepEqual(k.options.propertyDependencies["podId"], [pod.urn]);
    }
    const text = pod.inputs["__provider"] as string;
    console.log(`      Pod __provider: ${text.length} bytes per resource (stored twice in its state)`);
    assert.ok(text.length < 4096);
    assert.notEqual(text, keys[0]!.inputs["__provider"]);
    for (const s of secrets) assert.ok(!text.includes(s));
  });

  let podInputs: PropertyMap;
  let created: { id: string; properties: PropertyMap };
  const createdKeys: { id: string; properties: PropertyMap; key: CapturedResource }[] = [];

  it("Check keeps the name and validates a clientId, generating none (each create does)", async () => {
    const first = await fx.host.check(podUrn(), {}, unwrapSecrets(pod.inputs));
    assert.deepEqual(first.failures, []);
    assert.equal(first.inputs["name"], "tenant-acme");
    assert.equal(first.inputs["clientId"], undefined);
    const again = await fx.host.check(podUrn(), first.inputs, unwrapSecrets(pod.inputs));
    assert.deepEqual(again.inputs, first.inputs);
    const bad = await fx.host.check(podUrn(), {}, { ...unwrapSecrets(pod.inputs), clientId: "has space" });
    assert.equal(bad.failures[0]?.property, "clientId");
    podInputs = first.inputs;
  });

  it("Create makes the pod (retrying an ambiguous failure) and returns its id", async () => {
    fx.emu.faults.add({ method: "POST", path: "/v0/pods", status: 502, afterCommit: true, times: 1 });
    created = await fx.host.create(podUrn(), podInputs);
    const live = fx.emu.store.pods().filter((p) => p.name === "tenant-acme");
    assert.deepEqual(
      live.map((p) => p.pod_id),
      [created.id],
      "exactly one pod, despite the retry",
    );
    assert.match(live[0]!.client_id ?? "", /^pulumi-[0-9a-f]{32}$/);
    assert.equal(created.properties["podId"], created.id);
    assert.equal(created.properties["clientId"], live[0]!.client_id, "the generated clientId is kept in the state");
    assert.equal(typeof created.properties["__provider"], "string");
  });

  it("then the keys, with the pod id the create returned", async () => {
    for (const key of keys) {
      const news = { ...unwrapSecrets(key.inputs), podId: created.id };
      const checked = await fx.host.check(keyUrn(key), {}, news);
      assert.deepEqual(checked.failures, []);
      const made = await fx.host.create(keyUrn(key), checked.inputs);
      secrets.push(made.properties["apiKey"] as string);
      createdKeys.push({ ...made, key });
    }
    const live = fx.emu.store.apiKeys(created.id);
    assert.deepEqual(live.map((k) => k.api_key_id).sort(), createdKeys.map((k) => k.id).sort());
    const grants = Object.fromEntries(live.map((k) => [k.name.replace(/-[0-9a-f]{7}$/, ""), k.permissions]));
    assert.deepEqual(grants, {
      "acme-agent": { inbox_read: true, message_read: true, message_send: true },
      "acme-auditor": { inbox_read: true, message_read: true },
    });
  });

  it("Diff: nothing changed is DIFF_NONE; a new name replaces, creating first", async () => {
    const same = await fx.host.diff(created.id, podUrn(), created.properties, podInputs);
    assert.equal(same.changes, "DIFF_NONE");
    const renamed = await fx.host.check(podUrn(), podInputs, { ...unwrapSecrets(pod.inputs), name: "tenant-acme-2" });
    const d = await fx.host.diff(created.id, podUrn(), created.properties, renamed.inputs);
    assert.equal(d.changes, "DIFF_SOME");
    assert.deepEqual(d.replaces, ["name"]);
    assert.equal(d.deleteBeforeReplace, false);
  });

  it("Diff refuses to replace a pod that still holds inboxes, before any step: one GET, no POST or DELETE", async () => {
    const inbox = fx.emu.store.addInbox(created.id).inbox_id;
    const renamed = await fx.host.check(podUrn(), podInputs, { ...unwrapSecrets(pod.inputs), name: "tenant-acme-2" });
    fx.emu.log.clear();
    const e = await expectHostError(fx.host.diff(created.id, podUrn(), created.properties, renamed.inputs));
    assert.ok(e.details.startsWith(`Pod ${created.id} ("tenant-acme") is to be replaced (name changed).`), e.details);
    assert.ok(e.details.includes(`(${inbox} among them)`));
    assert.match(e.details, /delete the pod's inboxes and domains/);
    assert.match(e.details, /set `retainOnDelete: true` on this Pod and run `pulumi up`/);
    assert.match(e.details, /`pulumi up --replace <this Pod's URN>`/);
    assert.deepEqual(
      fx.emu.log.entries().map((r) => `${r.method} ${r.path}?${r.query}`),
      [`GET /v0/pods/${created.id}/inboxes?limit=1`],
    );
    assert.equal(fx.emu.log.count({ method: "POST" }) + fx.emu.log.count({ method: "DELETE" }), 0);
    assert.deepEqual(
      fx.emu.store
        .apiKeys(created.id)
        .map((k) => k.api_key_id)
        .sort(),
      createdKeys.map((k) => k.id).sort(),
    );
    fx.emu.store.removeInboxes(created.id);
  });

  it("Read round-trips the pod; Update keeps every output", async () => {
    const read = await fx.host.read(created.id, podUrn(), created.properties, podInputs);
    assert.equal(read.id, created.id);
    assert.deepEqual(read.properties, created.properties);
    const updated = await fx.host.update(created.id, podUrn(), created.properties, podInputs);
    for (const [k, v] of Object.entries(created.properties)) assert.deepEqual(updated.properties[k], v, k);
  });

  it("Delete in dependency order: the keys first, then the pod", async () => {
    for (const [i, k] of createdKeys.entries()) {
      await fx.host.delete(k.id, keyUrn(k.key), k.properties);
      assert.equal(fx.emu.store.apiKeys(created.id).length, createdKeys.length - i - 1);
      assert.ok(fx.emu.store.pod(created.id), "the pod outlives its keys");
    }
    fx.emu.store.addInbox(created.id);
    const e = await expectHostError(fx.host.delete(created.id, podUrn(), created.properties));
    assert.match(e.details, /cannot be deleted: it still holds inboxes or domains/);
    assert.match(e.details, /retainOnDelete: true/);
    assert.ok(fx.emu.store.pod(created.id));
    fx.emu.store.removeInboxes(created.id);
    await fx.host.delete(created.id, podUrn(), created.properties);
    assert.equal(fx.emu.store.pod(created.id), undefined);
  });

  it("Read of the deleted pod returns an empty id; deleting again succeeds", async () => {
    const read = await fx.host.read(created.id, podUrn(), created.properties, podInputs);
    assert.equal(read.id, "");
    await fx.host.delete(created.id, podUrn(), created.properties);
  });

  it("a forced replacement (`pulumi up --replace`), run as the engine runs it, leaves the new pod alive", async () => {
    // The engine does not call Diff for a targeted replace (pulumi/pulumi, pkg/resource/deploy/step_generator.go:
    // `if sg.isTargetedReplace(urn) { return DiffResult{Changes: DiffSome, ReplaceKeys: ["id"]} }`), and with
    // no deleteBeforeReplace option it creates the replacement from the same checked inputs, then deletes the old.
    const old = await fx.host.create(podUrn(), podInputs);
    const replacement = await fx.host.create(podUrn(), podInputs);
    assert.notEqual(replacement.id, old.id, "a new pod, not the old one handed back for a reused client_id");
    await fx.host.delete(old.id, podUrn(), old.properties);
    assert.equal(fx.emu.store.pod(old.id), undefined);
    assert.ok(fx.emu.store.pod(replacement.id), "the replacement survives the old pod's deletion");
    await fx.host.delete(replacement.id, podUrn(), replacement.properties);
  });

  it("nothing the host printed holds a secret", () => {
    const out = fx.host.output();
    for (const s of secrets) assert.ok(!out.includes(s), "host output leaks a secret");
  });
});
