/**
 * Level 4: Pod (and keys in it) through the real dynamic provider host, as `pulumi up` runs them. The
 * per-tenant program is captured under mocks (with a mock pod id, so that the keys' inputs are known),
 * then the host is driven over gRPC against the emulator in the engine's dependency order: the pod,
 * then its keys with the pod id the create returned; on destroy, the keys, then the pod.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import {
  captureProgram,
  makeProjectDir,
  ProviderHostError,
  startProviderHost,
  unwrapSecrets,
  urn,
  type CapturedResource,
  type ProjectDir,
  type ProviderHost,
  type PropertyMap,
} from "../../harness";

const REPO = path.resolve(__dirname, "..", "..", "..");
const PROGRAM = path.join(__dirname, "..", "fixtures", "programs", "perTenant.js");
const POD = "pulumi-nodejs:dynamic/agentmail:Pod";
const KEY = "pulumi-nodejs:dynamic/agentmail:PodApiKey";
const PROJECT = "per-tenant";
const MOCK_POD_ID = "pod_mock_acme";

async function failure(p: Promise<unknown>): Promise<ProviderHostError> {
  const e = await p.then(
    () => assert.fail("expected the call to fail"),
    (err: unknown) => err,
  );
  assert.ok(ProviderHostError.isInstance(e), String(e));
  return e;
}

describe("Pod through the provider host over gRPC (level 4)", function () {
  this.timeout(60_000);
  let emu: Emulator;
  let project: ProjectDir;
  let host: ProviderHost;
  let pod: CapturedResource;
  let keys: CapturedResource[];
  const secrets: string[] = [];

  const podUrn = () => urn(POD, pod.name, "dev", PROJECT);
  const keyUrn = (k: CapturedResource) => urn(KEY, k.name, "dev", PROJECT);

  before(async () => {
    emu = await startEmulator();
    secrets.push(emu.orgApiKey);
    const captured = await captureProgram(PROGRAM, {
      project: PROJECT,
      config: { "fixture:tenant": "acme" },
      mockOutputs: { acme: { podId: MOCK_POD_ID } },
    });
    pod = captured.resources.find((r) => r.type === POD)!;
    keys = captured.resources.filter((r) => r.type === KEY).sort((a, b) => a.name.localeCompare(b.name));
    project = makeProjectDir({ name: PROJECT, linkPackages: { "pulumi-agentmail": REPO } });
    host = await startProviderHost({
      cwd: project.dir,
      project: PROJECT,
      env: { AGENTMAIL_API_KEY: "", AGENTMAIL_BASE_URL: "" },
    });
    await host.configure({ "agentmail:apiKey": emu.orgApiKey, "agentmail:baseUrl": emu.url });
  });

  after(async () => {
    await host?.stop();
    project?.cleanup();
    await emu?.stop();
  });

  it("the program registers a Pod and two keys that depend on it, with small credential-free shims", () => {
    assert.equal(pod.name, "acme");
    assert.deepEqual(
      keys.map((k) => k.name),
      ["acme-agent", "acme-auditor"],
    );
    assert.deepEqual(pod.options.additionalSecretOutputs, []);
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

  it("Check keeps the name, generates a clientId, and keeps it on the next check", async () => {
    const first = await host.check(podUrn(), {}, unwrapSecrets(pod.inputs));
    assert.deepEqual(first.failures, []);
    assert.equal(first.inputs["name"], "tenant-acme");
    assert.match(first.inputs["clientId"] as string, /^pulumi-[0-9a-f]{32}$/);
    const again = await host.check(podUrn(), first.inputs, unwrapSecrets(pod.inputs));
    assert.equal(again.inputs["clientId"], first.inputs["clientId"]);
    const bad = await host.check(podUrn(), {}, { ...unwrapSecrets(pod.inputs), clientId: "has space" });
    assert.equal(bad.failures[0]?.property, "clientId");
    podInputs = first.inputs;
  });

  it("Create makes the pod (retrying an ambiguous failure) and returns its id", async () => {
    emu.faults.add({ method: "POST", path: "/v0/pods", status: 502, afterCommit: true, times: 1 });
    created = await host.create(podUrn(), podInputs);
    const live = emu.store.pods().filter((p) => p.name === "tenant-acme");
    assert.deepEqual(
      live.map((p) => p.pod_id),
      [created.id],
      "exactly one pod, despite the retry",
    );
    assert.equal(live[0]!.client_id, podInputs["clientId"]);
    assert.equal(created.properties["podId"], created.id);
    assert.equal(created.properties["clientId"], podInputs["clientId"]);
    assert.equal(typeof created.properties["__provider"], "string");
  });

  it("then the keys, with the pod id the create returned", async () => {
    for (const key of keys) {
      const news = { ...unwrapSecrets(key.inputs), podId: created.id };
      const checked = await host.check(keyUrn(key), {}, news);
      assert.deepEqual(checked.failures, []);
      const made = await host.create(keyUrn(key), checked.inputs);
      secrets.push(made.properties["apiKey"] as string);
      createdKeys.push({ ...made, key });
    }
    const live = emu.store.apiKeys(created.id);
    assert.deepEqual(live.map((k) => k.api_key_id).sort(), createdKeys.map((k) => k.id).sort());
    const grants = Object.fromEntries(live.map((k) => [k.name.replace(/-[0-9a-f]{7}$/, ""), k.permissions]));
    assert.deepEqual(grants, {
      "acme-agent": { inbox_read: true, message_read: true, message_send: true },
      "acme-auditor": { inbox_read: true, message_read: true },
    });
  });

  it("Diff: nothing changed is DIFF_NONE; a new name replaces, creating first with a new clientId", async () => {
    const same = await host.diff(created.id, podUrn(), created.properties, podInputs);
    assert.equal(same.changes, "DIFF_NONE");
    const renamed = await host.check(podUrn(), podInputs, { ...unwrapSecrets(pod.inputs), name: "tenant-acme-2" });
    const d = await host.diff(created.id, podUrn(), created.properties, renamed.inputs);
    assert.equal(d.changes, "DIFF_SOME");
    assert.deepEqual(d.replaces, ["name", "clientId"]);
    assert.equal(d.deleteBeforeReplace, false);
  });

  it("Read round-trips the pod; Update keeps every output", async () => {
    const read = await host.read(created.id, podUrn(), created.properties, podInputs);
    assert.equal(read.id, created.id);
    assert.deepEqual(read.properties, created.properties);
    const updated = await host.update(created.id, podUrn(), created.properties, podInputs);
    for (const [k, v] of Object.entries(created.properties)) assert.deepEqual(updated.properties[k], v, k);
  });

  it("Delete in dependency order: the keys first, then the pod", async () => {
    for (const [i, k] of createdKeys.entries()) {
      await host.delete(k.id, keyUrn(k.key), k.properties);
      assert.equal(emu.store.apiKeys(created.id).length, createdKeys.length - i - 1);
      assert.ok(emu.store.pod(created.id), "the pod outlives its keys");
    }
    emu.store.addInbox(created.id);
    const e = await failure(host.delete(created.id, podUrn(), created.properties));
    assert.match(e.details, /cannot be deleted: it still holds inboxes or domains/);
    assert.match(e.details, /retainOnDelete: true/);
    assert.ok(emu.store.pod(created.id));
    emu.store.removeInboxes(created.id);
    await host.delete(created.id, podUrn(), created.properties);
    assert.equal(emu.store.pod(created.id), undefined);
  });

  it("Read of the deleted pod returns an empty id; deleting again succeeds", async () => {
    const read = await host.read(created.id, podUrn(), created.properties, podInputs);
    assert.equal(read.id, "");
    await host.delete(created.id, podUrn(), created.properties);
  });

  it("nothing the host printed holds a secret", () => {
    const out = host.output();
    for (const s of secrets) assert.ok(!out.includes(s), "host output leaks a secret");
  });
});
