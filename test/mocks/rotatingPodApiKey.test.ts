/**
 * Level 3: RotatingPodApiKey under Pulumi's mocks: its two PodApiKey children (inputs, parent, the dependency of
 * `b` on `a`), its outputs, and its refusal of a bad period before anything is registered.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { registrations, SECRET_SIG, SIG, value } from "./setup";

// Loaded after the mocks are installed, as a program would be.
import { RotatingPodApiKey } from "../../provider";

describe("RotatingPodApiKey under Pulumi mocks (level 3)", () => {
  const pair = new RotatingPodApiKey("worker", {
    podId: "pod_123",
    rotationPeriod: "30d",
    permissions: { messageRead: true },
  });
  const named = new RotatingPodApiKey("named-pair", { podId: "pod_123", rotationPeriod: "12h", name: "svc" });

  it("registers a component and two PodApiKeys under it: a rotates after two periods, b follows a's createdAt", async () => {
    await value(pair.apiKeyId);
    const component = registrations.find((r) => r.name === "worker");
    assert.equal(component?.type, "agentmail:index:RotatingPodApiKey");
    const a = registrations.find((r) => r.name === "worker-a")!;
    const b = registrations.find((r) => r.name === "worker-b")!;
    for (const child of [a, b]) {
      assert.equal(child.type, "pulumi-nodejs:dynamic/agentmail:PodApiKey");
      assert.match(child.urn, /RotatingPodApiKey\$pulumi-nodejs:dynamic\/agentmail:PodApiKey::/, "parented");
      assert.equal(child.inputs["podId"], "pod_123");
      assert.deepEqual(child.inputs["permissions"], { messageRead: true });
      assert.deepEqual(child.additionalSecretOutputs, ["apiKey", "connection"]);
    }
    assert.equal(a.inputs["rotateAfter"], "60d");
    assert.equal(a.inputs["rotateBehind"], undefined);
    assert.equal(b.inputs["rotateAfter"], undefined);
    assert.equal(b.inputs["rotationPeriod"], "30d");
    assert.equal(b.inputs["rotateBehind"], "2026-11-27T00:00:00Z", "a's createdAt");
    assert.deepEqual(b.propertyDependencies["rotateBehind"], [a.urn], "b waits for a in every up");
  });

  it("gives apiKey and previousApiKey as secrets, the newer first", async () => {
    assert.equal(await pulumi.isSecret(pair.apiKey), true);
    assert.equal(await pulumi.isSecret(pair.previousApiKey), true);
    // The mocks answer the same createdAt and no rotatesAt for both: b, made after a, counts as the newer.
    assert.equal(await value(pair.apiKey), "am_us_created_worker-b_0123456789");
    assert.equal(await value(pair.apiKeyId), "worker-b-id");
    assert.equal(await value(pair.previousApiKey), "am_us_created_worker-a_0123456789");
    assert.equal(await value(pair.previousApiKeyId), "worker-a-id");
    assert.equal(await value(pair.rotatesAt), undefined);
  });

  it("gives both keys its connection, as a secret input", async () => {
    const eu = new RotatingPodApiKey("eu-pair", {
      podId: "pod_eu",
      rotationPeriod: "30d",
      connection: { apiKey: "am_eu_pairconnectionkey0123456789", baseUrl: "https://api.agentmail.eu" },
    });
    await value(eu.apiKeyId);
    for (const child of ["eu-pair-a", "eu-pair-b"]) {
      const input = registrations.find((r) => r.name === child)?.inputs["connection"] as Record<string, unknown>;
      assert.equal(input?.[SIG], SECRET_SIG, `${child}: connection is a secret on the wire`);
      assert.deepEqual(input?.["value"], {
        apiKey: "am_eu_pairconnectionkey0123456789",
        baseUrl: "https://api.agentmail.eu",
      });
    }
  });

  it("names the keys <name>-a and <name>-b when a name is given", async () => {
    await value(named.apiKeyId);
    assert.equal(registrations.find((r) => r.name === "named-pair-a")?.inputs["name"], "svc-a");
    assert.equal(registrations.find((r) => r.name === "named-pair-b")?.inputs["name"], "svc-b");
    assert.equal(registrations.find((r) => r.name === "named-pair-a")?.inputs["rotateAfter"], "24h");
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
