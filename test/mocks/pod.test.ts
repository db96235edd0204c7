/**
 * Level 3: Pod under Pulumi's mocks, and a program wiring `pod.podId` into a PodApiKey (global state:
 * the mocks suites run in their own mocha process and share the set-up in ./setup; names here are
 * unique to this file).
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { registrations, SECRET_CREDENTIAL, value } from "./setup";
// Loaded after the mocks are installed, as a program would be.
import { Pod, PodApiKey } from "../../provider";

const POD = "pulumi-nodejs:dynamic/agentmail:Pod";
const KEY = "pulumi-nodejs:dynamic/agentmail:PodApiKey";

function registration(name: string) {
  const reg = registrations.find((r) => r.name === name);
  assert.ok(reg, `${name} registered`);
  return reg;
}

describe("Pod under Pulumi mocks (level 3)", () => {
  const auto = new Pod("pod-auto");
  const named = new Pod("pod-named", { name: "support", clientId: "support-1" });
  const fromOutput = new Pod("pod-from-output", { name: pulumi.output("from-output") });
  // A program as a user writes it: a tenant's pod and a key in it.
  const tenant = new Pod("pod-tenant", { name: "tenant-a" });
  const tenantKey = new PodApiKey("pod-tenant-bot", { podId: tenant.podId, permissions: { messageSend: true } });

  it("registers the documented type token with the inputs as given", async () => {
    await Promise.all([value(auto.podId), value(named.podId), value(fromOutput.podId)]);
    const a = registration("pod-auto");
    assert.equal(a.type, POD);
    // Auto-naming happens in the provider's check (the class passes the prefix), the clientId in its create.
    assert.equal(a.inputs["autoNamePrefix"], "pod-auto");
    assert.equal(a.inputs["name"], undefined);
    assert.equal(a.inputs["clientId"], undefined);
    const n = registration("pod-named");
    assert.equal(n.type, POD);
    assert.equal(n.inputs["name"], "support");
    assert.equal(n.inputs["clientId"], "support-1");
    assert.equal(registration("pod-from-output").inputs["name"], "from-output");
  });

  it("exposes every output (declared, not reset by class fields)", async () => {
    assert.equal(await value(named.podId), "pod_pod-named");
    assert.equal(await value(named.id), "pod_pod-named");
    assert.equal(await value(named.name), "support");
    assert.equal(await value(named.clientId), "support-1");
    assert.equal(await value(named.createdAt), "2026-11-27T00:00:00Z");
    assert.equal(await value(named.updatedAt), "2026-11-27T00:00:01Z");
    assert.equal(await value(auto.name), "pod-auto-abc1234");
  });

  it("has no secret output but a connection, and serializes a small provider shim holding no credential", async () => {
    await value(auto.podId);
    const reg = registration("pod-auto");
    assert.deepEqual(reg.additionalSecretOutputs, ["connection"], "only a connection would be secret");
    const text = reg.inputs["__provider"];
    assert.equal(typeof text, "string");
    const provider = text as string;
    assert.ok(!provider.includes(SECRET_CREDENTIAL), "the credential from the environment is not in __provider");
    assert.ok(!provider.includes("AGENTMAIL_API_KEY"));
    assert.match(provider, /require\("pulumi-agentmail\/runtime"\)/);
    assert.match(provider, /loadRuntime\)\(\)\.pod\.create\(/, "the Pod shim delegates to the runtime's pod methods");
    assert.ok(!provider.includes(".podApiKey."), "the Pod shim delegates to the Pod runtime only");
    assert.ok(provider.length < 4096, `__provider is ${provider.length} chars`);
    console.log(`      __provider: ${provider.length} chars`);
  });

  it("uses one provider text for every Pod, and another for keys", async () => {
    await Promise.all([value(auto.podId), value(named.podId), value(tenantKey.apiKeyId)]);
    const pods = new Set(registrations.filter((r) => r.type === POD).map((r) => r.inputs["__provider"]));
    const keys = new Set(registrations.filter((r) => r.type === KEY).map((r) => r.inputs["__provider"]));
    assert.equal(pods.size, 1);
    assert.equal(keys.size, 1);
    assert.notDeepEqual([...pods], [...keys]);
  });

  it("a key given pod.podId gets the pod's id and lists the pod as a dependency", async () => {
    assert.equal(await value(tenantKey.podId), "pod_pod-tenant");
    const pod = registration("pod-tenant");
    const key = registration("pod-tenant-bot");
    assert.equal(key.inputs["podId"], "pod_pod-tenant");
    assert.deepEqual(key.propertyDependencies["podId"], [pod.urn]);
    assert.ok(key.dependencies.includes(pod.urn), "the engine orders the key after the pod (and deletes it before)");
  });

  it("replaces a pod with a given clientId delete-first (the option, since --replace skips diff), unless told", async () => {
    const given = new Pod("pod-dbr-given", { clientId: "dbr-given" });
    const mine = new Pod("pod-dbr-mine", { clientId: pulumi.output("dbr-mine") }, { deleteBeforeReplace: false });
    await Promise.all([value(given.podId), value(mine.podId), value(auto.podId)]);
    assert.equal(registration("pod-dbr-given").deleteBeforeReplace, true);
    assert.equal(registration("pod-dbr-mine").deleteBeforeReplace, false, "the user's choice stands");
    assert.equal(registration("pod-auto").deleteBeforeReplace, undefined, "a generated clientId: create first");
  });

  it("passes retainOnDelete through, for pods that may still hold inboxes", async () => {
    const kept = new Pod("pod-kept", {}, { retainOnDelete: true });
    await value(kept.podId);
    assert.equal(registration("pod-kept").retainOnDelete, true);
    assert.notEqual(registration("pod-auto").retainOnDelete, true);
  });
});
