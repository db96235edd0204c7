/**
 * Level 3, issue 14: the `connection` input under Pulumi's mocks. What the engine receives decides whether
 * the connection's key lands in the state in plaintext: the registered input must be a secret (wire form
 * `{ [sig]: secretSig, value }`) even when the program passes a plain string, `connection` must be in
 * `additionalSecretOutputs` (the state's outputs copy it, see lifecycle/connection.ts), and the key must
 * not reach `__provider`. The lookups keep it out of their invokes altogether.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { calls, registrations, SECRET_SIG, SIG, value } from "./setup";
// Loaded after the mocks are installed, as a program would be.
import { getPod, getPodApiKeysOutput, Pod, PodApiKey } from "../../provider";

const EU_KEY = "am_eu_mocksconnectionkey0123456789abcdef";
const EU_URL = "https://api.agentmail.eu";

describe("connection under Pulumi mocks (level 3)", () => {
  // A plain string, as a careless program would pass it: the resource must make it secret itself.
  const key = new PodApiKey("eu-key", { podId: "pod_eu", connection: { apiKey: EU_KEY, baseUrl: EU_URL } });
  const pod = new Pod("eu-pod", { connection: { apiKey: pulumi.secret(EU_KEY) } });
  const plain = new PodApiKey("us-key", { podId: "pod_us" });

  const registration = (name: string) => {
    const reg = registrations.find((r) => r.name === name);
    assert.ok(reg, `${name} registered`);
    return reg;
  };

  it("registers connection as a secret input of both resources, even when given as plain strings", async () => {
    await value(key.apiKeyId);
    await value(pod.podId);
    for (const [name, expected] of [
      ["eu-key", { apiKey: EU_KEY, baseUrl: EU_URL }],
      ["eu-pod", { apiKey: EU_KEY }],
    ] as const) {
      const input = registration(name).inputs["connection"] as Record<string, unknown>;
      assert.equal(input[SIG], SECRET_SIG, `${name}: connection is a secret on the wire`);
      assert.deepEqual(input["value"], expected);
    }
  });

  it("lists connection in additionalSecretOutputs, so the copy in the outputs is secret too", async () => {
    await value(plain.apiKeyId);
    assert.deepEqual(registration("eu-key").additionalSecretOutputs, ["apiKey", "connection"]);
    assert.deepEqual(registration("eu-pod").additionalSecretOutputs, ["connection"]);
    assert.equal(registration("us-key").inputs["connection"], undefined, "no connection: nothing registered");
  });

  it("keeps the connection's key out of __provider and out of every other input", async () => {
    await value(key.apiKeyId);
    for (const name of ["eu-key", "eu-pod"]) {
      const { connection: _secret, ...rest } = registration(name).inputs;
      assert.ok(!JSON.stringify(rest).includes(EU_KEY), `${name}: the key appears only inside the secret`);
      assert.ok(!String(rest["__provider"]).includes("am_eu_"), `${name}: no key in __provider`);
    }
  });

  it("lookups check a connection but keep it out of the invoke: the mocks' call sees { podId } only", async () => {
    calls.length = 0;
    await getPod({ podId: "pod_eu", connection: { apiKey: EU_KEY, baseUrl: EU_URL } });
    const out = getPodApiKeysOutput({ podId: "pod_eu", connection: { apiKey: pulumi.secret(EU_KEY) } });
    await value(out);
    assert.deepEqual(
      calls.map((c) => [c.token, c.inputs]),
      [
        ["agentmail:index:getPod", { podId: "pod_eu" }],
        ["agentmail:index:getPodApiKeys", { podId: "pod_eu" }],
      ],
    );
    assert.equal(await pulumi.isSecret(out), true, "a result read with a secret key is secret");
    calls.length = 0;
    await assert.rejects(
      getPod({ podId: "pod_eu", connection: { apiKey: EU_KEY, baseUrl: "http://api.agentmail.eu" } }),
      (e: Error) => /^getPod: connection\.baseUrl uses plain http:\/\//.test(e.message) && !e.message.includes(EU_KEY),
    );
    assert.deepEqual(calls, [], "a bad connection is refused before the mocks are asked");
  });
});
