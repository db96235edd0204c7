/**
 * Level 3: PodApiKey under Pulumi's mocks (global state: the mocks suites run in their own mocha
 * process, see .mocharc.mocks.json, and share the set-up in ./setup).
 */
import assert from "node:assert/strict";
import { registrations, SECRET_CREDENTIAL, value } from "./setup";
// Loaded after the mocks are installed, as a program would be.
import { PodApiKey, type PodApiKeyPermissions } from "../../provider";

describe("PodApiKey under Pulumi mocks (level 3)", () => {
  const permissions: PodApiKeyPermissions = { messageSend: true, inboxRead: false };
  const key = new PodApiKey("agent", { podId: "pod_123", permissions, expiresAt: "2027-06-01T00:00:00Z" });
  const named = new PodApiKey("named", { podId: "pod_123", name: "explicit" });

  it("registers the documented type token with the inputs as given", async () => {
    await value(key.apiKeyId);
    const reg = registrations.find((r) => r.name === "agent");
    assert.ok(reg, "registered");
    assert.equal(reg.type, "pulumi-nodejs:dynamic/agentmail:PodApiKey");
    assert.equal(reg.inputs["podId"], "pod_123");
    assert.deepEqual(reg.inputs["permissions"], permissions);
    assert.equal(reg.inputs["expiresAt"], "2027-06-01T00:00:00Z");
    // Auto-naming happens in the provider's check, from this prefix; an explicit name is passed through.
    assert.equal(reg.inputs["autoNamePrefix"], "agent");
    assert.equal(reg.inputs["name"], undefined);
    assert.equal(registrations.find((r) => r.name === "named")?.inputs["name"], "explicit");
  });

  it("asks the engine to keep apiKey and connection secret (additionalSecretOutputs)", async () => {
    await value(named.apiKeyId);
    for (const name of ["agent", "named"]) {
      assert.deepEqual(registrations.find((r) => r.name === name)?.additionalSecretOutputs, ["apiKey", "connection"]);
    }
  });

  it("keeps the secret option when the user passes their own", async () => {
    const custom = new PodApiKey("custom", { podId: "pod_1" }, { additionalSecretOutputs: ["prefix"], protect: true });
    await value(custom.apiKeyId);
    assert.deepEqual(registrations.find((r) => r.name === "custom")?.additionalSecretOutputs.sort(), [
      "apiKey",
      "connection",
      "prefix",
    ]);
  });

  it("exposes every output (declared, not reset by class fields)", async () => {
    assert.equal(await value(key.apiKeyId), "agent-id");
    assert.equal(await value(key.apiKey), "am_us_created_agent_0123456789");
    assert.equal(await value(key.prefix), "am_us_creat");
    assert.equal(await value(key.createdAt), "2026-11-27T00:00:00Z");
    assert.equal(await value(key.podId), "pod_123");
    assert.equal(await value(key.name), "agent-abc1234");
    assert.equal(await value(named.name), "explicit");
  });

  it("serializes a small provider shim holding no credential", async () => {
    await value(key.apiKeyId);
    const text = registrations.find((r) => r.name === "agent")?.inputs["__provider"];
    assert.equal(typeof text, "string");
    const provider = text as string;
    assert.ok(!provider.includes(SECRET_CREDENTIAL), "the credential from the environment is not in __provider");
    assert.ok(
      !provider.includes("AGENTMAIL_API_KEY"),
      "the environment is read by the installed runtime, not the text",
    );
    assert.match(provider, /require\("pulumi-agentmail\/runtime"\)/);
    assert.ok(provider.length < 4096, `__provider is ${provider.length} chars`);
    console.log(`      __provider: ${provider.length} chars`);
  });

  it("uses one provider text for every PodApiKey (cached per provider object)", async () => {
    await Promise.all([value(key.apiKeyId), value(named.apiKeyId)]);
    const texts = new Set(
      registrations.filter((r) => r.type.endsWith(":PodApiKey")).map((r) => r.inputs["__provider"]),
    );
    assert.equal(texts.size, 1);
  });
});
