/**
 * The program-side lookups (`getPod`, `getPodApiKeys` and their `...Output` forms) against the emulator
 * over real HTTP, with the credential from the environment (or the stack config), as a program runs them.
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator, type Emulator } from "../../emulator";
import { getPod, getPodApiKeys, getPodApiKeysOutput, getPodOutput } from "../../provider/lookups";
import { AgentMailError } from "../../provider/agentmail/errors";
import { rejection } from "./setup";

const ENV = ["AGENTMAIL_API_KEY", "AGENTMAIL_BASE_URL"] as const;

function value<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

describe("Lookups against the emulator (getPod, getPodApiKeys)", () => {
  let emu: Emulator;
  const saved: Record<string, string | undefined> = {};
  const secrets: string[] = [];

  before(async () => {
    emu = await startEmulator({ defaultPageLimit: 5 });
    secrets.push(emu.orgApiKey);
    for (const k of ENV) saved[k] = process.env[k];
    process.env["AGENTMAIL_API_KEY"] = emu.orgApiKey;
    process.env["AGENTMAIL_BASE_URL"] = emu.url;
  });
  after(async () => {
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await emu.stop();
  });

  it("getPod returns the pod in camelCase", async () => {
    const created = emu.store.createPod({ name: "lookup", client_id: "lookup-1" });
    assert.deepEqual(await getPod({ podId: created.pod_id }), {
      podId: created.pod_id,
      name: "lookup",
      clientId: "lookup-1",
      createdAt: created.created_at,
      updatedAt: created.updated_at,
    });
    const bare = emu.store.createPod({ name: "no-client-id" });
    assert.ok(!("clientId" in (await getPod({ podId: bare.pod_id }))), "no undefined member");
  });

  it("getPod of a missing pod is a clear API error", async () => {
    const e = await rejection(getPod({ podId: "pod_missing" }));
    assert.ok(AgentMailError.isInstance(e));
    assert.match(e.message, /GET \/v0\/pods\/pod_missing answered 404 not_found/);
    assert.match((await rejection(getPod({ podId: "" }))).message, /getPod: podId must be a non-empty string/);
  });

  it("getPodApiKeys lists every key's metadata across pages, never a secret, skipping public keys", async () => {
    emu.settings.emptyPages = true;
    try {
      const podId = emu.store.createPod({ name: "keys" }).pod_id;
      const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
      const scoped = emu.store.createApiKey(podId, {
        name: "scoped",
        permissions: { message_send: true, inbox_read: true },
        expires_at: expiresAt,
      });
      const full = emu.store.createApiKey(podId, { name: "full" });
      for (let i = 0; i < 12; i++) secrets.push(emu.store.createApiKey(podId, { name: `filler-${i}` }).api_key);
      emu.store.addPublicKey(podId);
      secrets.push(scoped.api_key, full.api_key);

      const result = await getPodApiKeys({ podId });
      assert.equal(result.podId, podId);
      assert.equal(result.keys.length, 14, "every bearer key, public keys skipped");
      const byName = Object.fromEntries(result.keys.map((k) => [k.name, k]));
      assert.deepEqual(byName["scoped"], {
        apiKeyId: scoped.api_key_id,
        name: "scoped",
        prefix: scoped.prefix,
        createdAt: scoped.created_at,
        permissions: { messageSend: true, inboxRead: true },
        expiresAt: scoped.expires_at,
      });
      assert.equal(byName["full"]!.permissions, undefined, "full access: no permissions");
      const text = JSON.stringify(result);
      assert.ok(!text.includes("api_key"), "no api_key field");
      for (const k of result.keys) assert.ok(!("apiKey" in k));
      for (const s of secrets) assert.ok(!text.includes(s), "no secret in the result");
    } finally {
      emu.settings.emptyPages = false;
    }
  });

  it("the Output forms take Inputs and resolve to the same results", async () => {
    const podId = emu.store.createPod({ name: "outputs" }).pod_id;
    secrets.push(emu.store.createApiKey(podId, { name: "one" }).api_key);
    const pod = await value(getPodOutput({ podId: pulumi.output(podId) }));
    assert.equal(pod.name, "outputs");
    const keys = await value(getPodApiKeysOutput({ podId: Promise.resolve(podId) }));
    assert.deepEqual(
      keys.keys.map((k) => k.name),
      ["one"],
    );
  });

  it("the stack config (agentmail:apiKey, agentmail:baseUrl) wins over the environment", async () => {
    const podId = emu.store.createPod({ name: "configured" }).pod_id;
    process.env["AGENTMAIL_API_KEY"] = "am_us_ffffffffffffffffffffffffffffffffffffffff";
    try {
      pulumi.runtime.setConfig("agentmail:apiKey", emu.orgApiKey);
      pulumi.runtime.setConfig("agentmail:baseUrl", emu.url);
      assert.equal((await getPod({ podId })).name, "configured");
    } finally {
      pulumi.runtime.setAllConfig({}, []);
      process.env["AGENTMAIL_API_KEY"] = emu.orgApiKey;
    }
    const e = await rejection(
      (async () => {
        process.env["AGENTMAIL_API_KEY"] = "am_us_ffffffffffffffffffffffffffffffffffffffff";
        try {
          return await getPod({ podId });
        } finally {
          process.env["AGENTMAIL_API_KEY"] = emu.orgApiKey;
        }
      })(),
    );
    assert.match(e.message, /answered 401 unknown_api_key/);
    assert.match(e.message, /environment variable AGENTMAIL_API_KEY/);
  });

  after(() => {
    const log = JSON.stringify(emu.log.entries());
    for (const s of secrets) assert.ok(!log.includes(s), "the emulator's log holds no key");
  });
});
