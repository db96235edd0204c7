/**
 * Level 4: PodApiKey through the real dynamic provider host, as `pulumi up` runs it. A real program's
 * registrations (and its `__provider` text) are captured under mocks, then the host is started from a
 * project folder where the package is installed the way `npm install <folder>` installs it (a link in
 * node_modules), and driven over gRPC against the emulator. No Pulumi CLI is involved.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { request } from "undici";
import {
  expectHostError,
  startProviderHost,
  unwrapSecrets,
  urn,
  type CapturedResource,
  type PropertyMap,
} from "../../harness";
import { useEngineFixture } from "./fixture";

const PROGRAM = path.join(__dirname, "..", "fixtures", "programs", "keys.js");
const TYPE = "pulumi-nodejs:dynamic/agentmail:PodApiKey";
const PROGRAM_ENV_CREDENTIAL = "am_us_programenvironment0123456789abcdef";

describe("PodApiKey through the provider host over gRPC (level 4)", function () {
  this.timeout(60_000);
  let podId: string;
  const fx = useEngineFixture({
    project: "keys",
    program: PROGRAM,
    capture: (emu) => {
      podId = emu.store.createPod({ name: "engine" }).pod_id;
      return { config: { "fixture:podId": podId }, env: { AGENTMAIL_API_KEY: PROGRAM_ENV_CREDENTIAL } };
    },
    secrets: [PROGRAM_ENV_CREDENTIAL],
  });
  const { secrets } = fx;
  let bot: CapturedResource;
  let admin: CapturedResource;

  before(() => {
    bot = fx.captured.resources.find((r) => r.name === "support-bot")!;
    admin = fx.captured.resources.find((r) => r.name === "admin")!;
  });

  it("the program registers the type token, asks for apiKey to be secret, and its __provider is small and credential-free", () => {
    assert.equal(bot.type, TYPE);
    assert.deepEqual(bot.options.additionalSecretOutputs, ["apiKey", "connection"]);
    const text = bot.inputs["__provider"] as string;
    console.log(`      __provider: ${text.length} bytes per resource (stored twice in its state)`);
    assert.ok(text.length < 4096);
    for (const s of secrets) assert.ok(!text.includes(s));
  });

  let inputs: PropertyMap;
  let created: { id: string; properties: PropertyMap };

  it("Check validates, auto-names, and keeps the name on the next check", async () => {
    const u = urn(TYPE, bot.name, "dev", "keys");
    const first = await fx.host.check(u, {}, unwrapSecrets(bot.inputs));
    assert.deepEqual(first.failures, []);
    assert.match(first.inputs["name"] as string, /^support-bot-[0-9a-f]{7}$/);
    assert.equal(first.inputs["__provider"], bot.inputs["__provider"]);
    const again = await fx.host.check(u, first.inputs, unwrapSecrets(bot.inputs));
    assert.equal(again.inputs["name"], first.inputs["name"]);
    inputs = first.inputs;
  });

  it("Check answers a typo with the input path and a suggestion, before anything is created", async () => {
    const bad = { ...unwrapSecrets(bot.inputs), permissions: { mesageSend: true } };
    const r = await fx.host.check(urn(TYPE, bot.name, "dev", "keys"), {}, bad);
    assert.equal(r.failures.length, 1);
    assert.equal(r.failures[0]!.property, "permissions.mesageSend");
    assert.match(r.failures[0]!.reason, /Did you mean "messageSend"/);
    assert.equal(fx.emu.log.count({ method: "POST" }), 0);
  });

  it("Create uses the config credential, makes one key, and returns it", async () => {
    created = await fx.host.create(urn(TYPE, bot.name, "dev", "keys"), inputs);
    const apiKey = created.properties["apiKey"] as string;
    secrets.push(apiKey);
    assert.match(apiKey, /^am_us_/);
    assert.equal(created.properties["apiKeyId"], created.id);
    assert.deepEqual(created.properties["permissions"], { messageRead: true, messageSend: true });
    assert.equal(typeof created.properties["__provider"], "string");
    const live = fx.emu.store.apiKeys(podId);
    assert.deepEqual(
      live.map((k) => k.api_key_id),
      [created.id],
    );
    assert.deepEqual(live[0]!.permissions, { message_read: true, message_send: true });
    const me = await request(`${fx.emu.url}/v0/auth/me`, { headers: { authorization: `Bearer ${apiKey}` } });
    assert.equal(((await me.body.json()) as { pod_id: string }).pod_id, podId, "the key works, scoped to its pod");
  });

  it("Diff: nothing changed is DIFF_NONE; a narrower grant replaces, creating first", async () => {
    const same = await fx.host.diff(created.id, urn(TYPE, bot.name, "dev", "keys"), created.properties, {
      ...inputs,
      permissions: { messageSend: true, messageRead: true, inboxRead: false },
    });
    assert.equal(same.changes, "DIFF_NONE");
    const narrower = await fx.host.diff(created.id, urn(TYPE, bot.name, "dev", "keys"), created.properties, {
      ...inputs,
      permissions: { messageRead: true },
    });
    assert.equal(narrower.changes, "DIFF_SOME");
    assert.deepEqual(narrower.replaces, ["permissions"]);
    assert.equal(narrower.deleteBeforeReplace, false);
  });

  it("Read round-trips the key and keeps the secret; Update keeps every output", async () => {
    const read = await fx.host.read(created.id, urn(TYPE, bot.name, "dev", "keys"), created.properties, inputs);
    assert.equal(read.id, created.id);
    assert.deepEqual(read.properties, created.properties);
    const updated = await fx.host.update(created.id, urn(TYPE, bot.name, "dev", "keys"), created.properties, inputs);
    for (const [k, v] of Object.entries(created.properties)) assert.deepEqual(updated.properties[k], v, k);
  });

  it("Read after an out-of-band revoke returns an empty id", async () => {
    const other = await fx.host.create(
      urn(TYPE, admin.name, "dev", "keys"),
      (await fx.host.check(urn(TYPE, admin.name, "dev", "keys"), {}, unwrapSecrets(admin.inputs))).inputs,
    );
    secrets.push(other.properties["apiKey"] as string);
    assert.equal(other.properties["name"], "admin-key");
    assert.equal(other.properties["permissions"], undefined, "full access: no permissions sent or stored");
    fx.emu.store.revokeApiKey(podId, other.id);
    const read = await fx.host.read(other.id, urn(TYPE, admin.name, "dev", "keys"), other.properties, {});
    assert.equal(read.id, "");
  });

  it("Delete revokes the key; deleting again succeeds", async () => {
    await fx.host.delete(created.id, urn(TYPE, bot.name, "dev", "keys"), created.properties);
    assert.deepEqual(fx.emu.store.apiKeys(podId), []);
    await fx.host.delete(created.id, urn(TYPE, bot.name, "dev", "keys"), created.properties);
  });

  it("an API error reaches the engine as a clear message without any secret", async () => {
    const e = await expectHostError(
      fx.host.create(urn(TYPE, bot.name, "dev", "keys"), { ...inputs, podId: "pod_missing" }),
    );
    assert.match(e.details, /POST \/v0\/pods\/pod_missing\/api-keys answered 404 not_found/);
    for (const s of secrets) assert.ok(!e.details.includes(s));
  });

  it("a podId that names no pod: the message names podId, where pod ids come from, and what the credential reaches", async () => {
    fx.emu.log.clear();
    const e = await expectHostError(
      fx.host.create(urn(TYPE, bot.name, "dev", "keys"), { ...inputs, podId: "pod_missing" }),
    );
    assert.match(e.details, /^podId: AgentMail has no pod pod_missing that the credential can see\./);
    assert.ok(e.details.includes(`is an organization key of organization ${fx.emu.organizationId}`));
    assert.match(e.details, /pod\.podId of a Pod resource, getPod, or the AgentMail console/);
    assert.deepEqual(
      fx.emu.log.entries().map((x) => `${x.method} ${x.path}`),
      ["POST /v0/pods/pod_missing/api-keys", "GET /v0/auth/me"],
      "one look at the credential's reach, only on this error",
    );
  });

  describe("a create revokes only keys its own attempts made (issue 10)", () => {
    const live = () => fx.emu.store.apiKeys(podId).map((k) => k.api_key_id);
    let old: string;
    beforeEach(async () => {
      fx.emu.faults.clear();
      // The key in state, young: `pulumi up --replace` creates its replacement from these same checked
      // inputs (same name, same grant), as another stack with the same name would.
      old = (await fx.host.create(urn(TYPE, bot.name, "dev", "keys"), inputs)).id;
      fx.emu.log.clear();
    });
    let before: string[];
    beforeEach(() => {
      before = live().filter((id) => id !== old);
    });
    afterEach(async () => {
      fx.emu.faults.clear();
      for (const id of live().filter((k) => !before.includes(k))) {
        await fx.host.delete(id, urn(TYPE, bot.name, "dev", "keys"), { ...inputs, apiKeyId: id });
      }
    });

    it("one 503 then success: the replacement exists and the key in state was not revoked", async () => {
      fx.emu.faults.add({ method: "POST", path: "/v0/pods/*/api-keys", status: 503, times: 1 });
      const replacement = await fx.host.create(urn(TYPE, bot.name, "dev", "keys"), inputs);
      assert.deepEqual(live().sort(), [...before, old, replacement.id].sort());
      assert.equal(fx.emu.log.count({ method: "DELETE" }), 0);
    });

    it("every POST failing: the create fails, and the key in state still works", async () => {
      fx.emu.faults.add({ method: "POST", path: "/v0/pods/*/api-keys", status: 503, afterCommit: true });
      const e = await expectHostError(fx.host.create(urn(TYPE, bot.name, "dev", "keys"), inputs));
      assert.match(e.details, /failed 4 times/);
      assert.deepEqual(live().sort(), [...before, old].sort());
      assert.equal(fx.emu.log.count({ method: "POST" }), 4);
      assert.equal(fx.emu.log.count({ method: "DELETE" }), 4, "each attempt's own key, and never the old one");
      assert.ok(fx.emu.log.entries({ method: "DELETE" }).every((x) => !x.path.endsWith(`/${old}`)));
    });
  });

  it("an error body echoing the credential and each created key reaches the engine, and the host's output, redacted", async () => {
    fx.emu.faults.add({
      method: "POST",
      path: "/v0/pods/*/api-keys",
      status: 500,
      afterCommit: true,
      echoSecrets: true,
    });
    try {
      const e = await expectHostError(fx.host.create(urn(TYPE, bot.name, "dev", "keys"), inputs));
      assert.match(e.details, /answered 500 internal_error: request credential and answer: am_/, "the echo arrived");
      for (const text of [e.details, fx.host.output()]) {
        for (const s of secrets) assert.ok(!text.includes(s), "a credential leaks");
        assert.doesNotMatch(text, /am_[a-z]{2}_[0-9a-f]{20,}/, "a created key leaks");
      }
    } finally {
      fx.emu.faults.clear();
    }
  });

  it("a create whose rename fails, and whose revoke fails, is reported as created-but-failed-to-initialize", async () => {
    fx.emu.faults.add({
      method: "PATCH",
      path: "/v0/pods/*/api-keys/*",
      status: 400,
      code: "validation_error",
      times: 1,
    });
    fx.emu.faults.add({ method: "DELETE", path: "/v0/pods/*/api-keys/*", status: 503, times: 4 });
    const e = await expectHostError(fx.host.create(urn(TYPE, bot.name, "dev", "keys"), inputs));
    assert.ok(e.initFailure, "the engine gets ErrorResourceInitFailed and keeps the resource in state");
    const half = fx.emu.store.apiKeys(podId).find((k) => k.name.startsWith("pulumi-pending-"));
    assert.ok(half !== undefined, "the key the create made, still under its claim name");
    assert.equal(e.initFailure.id, half.api_key_id);
    assert.equal(e.initFailure.properties["apiKeyId"], half.api_key_id);
    assert.equal(e.initFailure.properties["apiKey"], undefined, "no secret in what the engine keeps");
    assert.equal(
      e.initFailure.properties["__provider"],
      bot.inputs["__provider"],
      "so that destroy can load the provider",
    );
    assert.match(e.details, /the next `pulumi up` replaces it/);
    // What the next run does with it: delete it through the host, from those properties.
    fx.emu.faults.clear();
    await fx.host.delete(half.api_key_id, urn(TYPE, bot.name, "dev", "keys"), e.initFailure.properties);
    assert.ok(!fx.emu.store.apiKeys(podId).some((k) => k.api_key_id === half.api_key_id));
  });

  describe("the live API's corrected behaviours (issue 16)", () => {
    const live = () => fx.emu.store.apiKeys(podId).map((k) => k.api_key_id);

    it("a create whose grant comes back smaller (a name the service does not know) fails and leaves no key", async () => {
      const before = live();
      fx.emu.log.clear();
      fx.emu.settings.unknownPermissions = ["message_send"];
      try {
        const e = await expectHostError(fx.host.create(urn(TYPE, bot.name, "dev", "keys"), inputs));
        assert.match(e.details, /asked for but not granted: messageSend\./);
        assert.match(e.details, /It was revoked, so no key was left behind/);
        assert.equal(e.initFailure, undefined, "nothing for the engine to keep in state");
      } finally {
        fx.emu.settings.unknownPermissions = [];
      }
      assert.deepEqual(live(), before);
      assert.equal(fx.emu.log.count({ method: "POST" }), 1);
      assert.equal(fx.emu.log.count({ method: "DELETE" }), 1);
    });

    it("a key that inherits its credential's expiry: Create reports it, then Read and Diff show no change", async () => {
      const expiry = new Date(Date.now() + 30 * 86_400_000).toISOString();
      const credential = fx.emu.store.createApiKey(podId, {
        name: "expiring-credential",
        expires_at: expiry,
        permissions: Object.fromEntries(
          ["api_key_create", "api_key_update", "api_key_read", "api_key_delete", "message_read", "message_send"].map(
            (p) => [p, true],
          ),
        ),
      });
      secrets.push(credential.api_key);
      const host = await startProviderHost({ cwd: fx.project.dir, project: "keys", env: { AGENTMAIL_API_KEY: "" } });
      try {
        await host.configure({ "agentmail:apiKey": credential.api_key, "agentmail:baseUrl": fx.emu.url });
        const u = urn(TYPE, bot.name, "dev", "keys");
        const made = await host.create(u, inputs);
        secrets.push(made.properties["apiKey"] as string);
        assert.equal(Date.parse(made.properties["expiresAt"] as string), Date.parse(expiry));
        const read = await host.read(made.id, u, made.properties, inputs);
        assert.equal(read.id, made.id);
        assert.equal(Date.parse(read.properties["expiresAt"] as string), Date.parse(expiry));
        const d = await host.diff(made.id, u, read.properties, inputs);
        assert.equal(d.changes, "DIFF_NONE", "an inherited expiry alone replaces nothing: no loop");
        await host.delete(made.id, u, read.properties);
        for (const s of secrets) assert.ok(!host.output().includes(s), "the host printed a secret");
      } finally {
        await host.stop();
      }
    });
  });

  it("nothing the host printed holds a secret", () => {
    const out = fx.host.output();
    for (const s of secrets) assert.ok(!out.includes(s), "host output leaks a secret");
  });

  it("without any credential, Check (so `pulumi preview`) fails with how to set one, before any request", async () => {
    const bare = await startProviderHost({ cwd: fx.project.dir, project: "keys", env: { AGENTMAIL_API_KEY: "" } });
    try {
      await bare.configure({});
      fx.emu.log.clear();
      const checked = await bare.check(urn(TYPE, bot.name, "dev", "keys"), {}, unwrapSecrets(bot.inputs));
      assert.equal(checked.failures.length, 1);
      assert.equal(checked.failures[0]!.property, "", "no input to blame: the engine shows the resource as invalid");
      assert.match(checked.failures[0]!.reason, /No AgentMail API key\. .*pulumi config set agentmail:apiKey --secret/);
      assert.match(checked.failures[0]!.reason, /AGENTMAIL_API_KEY/);
      assert.equal(fx.emu.log.count(), 0);
    } finally {
      await bare.stop();
    }
  });

  it("without any credential, create says how to set one too", async () => {
    const bare = await startProviderHost({ cwd: fx.project.dir, project: "keys", env: { AGENTMAIL_API_KEY: "" } });
    try {
      await bare.configure({});
      const e = await expectHostError(bare.create(urn(TYPE, bot.name, "dev", "keys"), inputs));
      assert.match(e.details, /pulumi config set agentmail:apiKey --secret/);
      assert.match(e.details, /AGENTMAIL_API_KEY/);
    } finally {
      await bare.stop();
    }
  });
});
