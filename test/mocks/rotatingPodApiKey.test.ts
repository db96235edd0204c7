/**
 * Level 3: RotatingPodApiKey under Pulumi's mocks: its children (the schedule, then two PodApiKeys that take its
 * generations), its outputs in the schedule's order, and its refusal of a bad period before anything is registered.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { registrations, SECRET_CREDENTIAL, SECRET_SIG, SIG, value } from "./setup";

// Loaded after the mocks are installed, as a program would be.
import { RotatingPodApiKey } from "../../provider";

describe("RotatingPodApiKey under Pulumi mocks (level 3)", () => {
  const pair = new RotatingPodApiKey("worker", {
    podId: "pod_123",
    rotationPeriod: "30d",
    permissions: { messageRead: true },
  });
  const named = new RotatingPodApiKey("named-pair", { podId: "pod_123", rotationPeriod: "12h", name: "svc" });

  it("registers a component, its schedule, then two PodApiKeys whose rotationTrigger is the schedule's generation", async () => {
    await value(pair.apiKeyId);
    const component = registrations.find((r) => r.name === "worker");
    assert.equal(component?.type, "agentmail:index:RotatingPodApiKey");
    const schedule = registrations.find((r) => r.name === "worker-schedule")!;
    assert.equal(schedule.type, "pulumi-nodejs:dynamic/agentmail:RotationSchedule");
    assert.match(schedule.urn, /RotatingPodApiKey\$pulumi-nodejs:dynamic\/agentmail:RotationSchedule::/, "parented");
    assert.equal(schedule.inputs["rotationPeriod"], "30d");
    assert.equal(schedule.inputs["podId"], "pod_123");
    assert.equal(schedule.inputs["autoNamePrefix"], "worker");
    assert.match(String(schedule.inputs["pairToken"]), /^[0-9a-f]{8}$/, "a hash of the component's URN");
    assert.deepEqual(schedule.additionalSecretOutputs, ["connection"]);
    assert.deepEqual(schedule.dependencies, [], "the schedule waits for no resource");
    const a = registrations.find((r) => r.name === "worker-a")!;
    const b = registrations.find((r) => r.name === "worker-b")!;
    for (const child of [a, b]) {
      assert.equal(child.type, "pulumi-nodejs:dynamic/agentmail:PodApiKey");
      assert.match(child.urn, /RotatingPodApiKey\$pulumi-nodejs:dynamic\/agentmail:PodApiKey::/, "parented");
      assert.equal(child.inputs["podId"], "pod_123");
      assert.deepEqual(child.inputs["permissions"], { messageRead: true });
      assert.deepEqual(child.additionalSecretOutputs, ["apiKey", "connection"]);
      assert.equal(child.inputs["rotateAfter"], undefined, "the schedule decides, not the key's age");
      assert.deepEqual(child.propertyDependencies["rotationTrigger"], [schedule.urn], "it waits for the schedule");
      assert.deepEqual(child.propertyDependencies["name"], [schedule.urn]);
    }
    const token = String(schedule.inputs["pairToken"]);
    assert.equal(a.inputs["rotationTrigger"], "generation 2");
    assert.equal(b.inputs["rotationTrigger"], "generation 3");
    assert.equal(
      a.inputs["name"],
      `worker-a-${token}-g2`,
      "the generation is in the name: the schedule reads it there",
    );
    assert.equal(b.inputs["name"], `worker-b-${token}-g3`);
    assert.ok(registrations.indexOf(schedule) < registrations.indexOf(a), "the schedule is registered first");
  });

  it("gives apiKey and previousApiKey as secrets, the newer first, and rotatesAt", async () => {
    assert.equal(await pulumi.isSecret(pair.apiKey), true);
    assert.equal(await pulumi.isSecret(pair.previousApiKey), true);
    // Both keys hold their generation; b (generation 3) was made a day after a.
    assert.equal(await value(pair.apiKey), "am_us_created_worker-b_0123456789");
    assert.equal(await value(pair.apiKeyId), "worker-b-id");
    assert.equal(await value(pair.previousApiKey), "am_us_created_worker-a_0123456789");
    assert.equal(await value(pair.previousApiKeyId), "worker-a-id");
    assert.equal(await value(pair.rotatesAt), "2026-12-13T00:00:00.000Z", "b's creation plus 30 days");
    assert.equal(pair.keys.length, 2);
    assert.equal(await value(pair.schedule.generationB), 3);
  });

  it("serializes the schedule's provider as a small shim holding no credential", async () => {
    await value(pair.apiKeyId);
    const text = registrations.find((r) => r.name === "worker-schedule")?.inputs["__provider"];
    assert.equal(typeof text, "string");
    const provider = text as string;
    assert.ok(!provider.includes(SECRET_CREDENTIAL), "the credential from the environment is not in __provider");
    assert.match(provider, /require\("pulumi-agentmail\/runtime"\)/);
    assert.match(provider, /rotationSchedule/);
    assert.ok(provider.length < 4096, `__provider is ${provider.length} chars`);
  });

  it("gives both keys and the schedule (which lists their pod) its connection, as a secret input", async () => {
    const eu = new RotatingPodApiKey("eu-pair", {
      podId: "pod_eu",
      rotationPeriod: "30d",
      connection: { apiKey: "am_eu_pairconnectionkey0123456789", baseUrl: "https://api.agentmail.eu" },
    });
    await value(eu.apiKeyId);
    for (const child of ["eu-pair-a", "eu-pair-b", "eu-pair-schedule"]) {
      const input = registrations.find((r) => r.name === child)?.inputs["connection"] as Record<string, unknown>;
      assert.equal(input?.[SIG], SECRET_SIG, `${child}: connection is a secret on the wire`);
      assert.deepEqual(input?.["value"], {
        apiKey: "am_eu_pairconnectionkey0123456789",
        baseUrl: "https://api.agentmail.eu",
      });
    }
  });

  it("names the keys <name>-a-<token>-g<generation> and <name>-b-... when a name is given", async () => {
    await value(named.apiKeyId);
    const token = String(registrations.find((r) => r.name === "named-pair-schedule")?.inputs["pairToken"]);
    assert.equal(registrations.find((r) => r.name === "named-pair-schedule")?.inputs["name"], "svc");
    assert.equal(registrations.find((r) => r.name === "named-pair-a")?.inputs["name"], `svc-a-${token}-g2`);
    assert.equal(registrations.find((r) => r.name === "named-pair-b")?.inputs["name"], `svc-b-${token}-g3`);
    assert.equal(registrations.find((r) => r.name === "named-pair-schedule")?.inputs["rotationPeriod"], "12h");
  });

  it("refuses a rotationPeriod that is not a duration, naming it, before registering anything", () => {
    const before = registrations.length;
    assert.throws(
      () => new RotatingPodApiKey("bad", { podId: "pod_1", rotationPeriod: "monthly" }),
      /RotatingPodApiKey "bad": rotationPeriod is not a duration \(got "monthly"\).*"90d", "36h", "45m"/,
    );
    assert.equal(registrations.length, before);
  });
});
