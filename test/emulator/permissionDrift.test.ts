/**
 * The service strips permission names it does not recognise (documented), and the emulator can be told that a
 * name of the reference is one of them (`unknownPermissions`), so that clients can be tested against a grant that
 * comes back smaller than asked. Every case looks at the answer, the listing and the store.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../emulator";
import { assertValidation, defaultPodId, useEmulator } from "./helpers";

describe("emulator: permission names the service does not know (unknownPermissions)", () => {
  const ctx = useEmulator({ unknownPermissions: ["message_reply"] });
  let podId: string;
  const keysPath = (): string => `/v0/pods/${podId}/api-keys`;
  const listed = async (): Promise<Array<{ api_key_id: string; permissions?: Record<string, boolean> }>> =>
    (await ctx.api.call("GET", keysPath())).json.api_keys;
  beforeEach(() => {
    ctx.emu.store.reset();
    ctx.emu.log.clear();
    ctx.emu.settings.unknownPermissions = ["message_reply"];
    ctx.emu.settings.fullAccessPermissions = "omit";
    podId = defaultPodId(ctx.emu);
  });

  it("strips such a name from a create body: the answer, the listing and the store show the smaller grant", async () => {
    const res = await ctx.api.call("POST", keysPath(), {
      body: { name: "bot", permissions: { message_read: true, message_reply: true } },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.permissions, { message_read: true });
    const [key] = await listed();
    assert.equal(key?.api_key_id, res.json.api_key_id);
    assert.deepEqual(key?.permissions, { message_read: true });
    assert.deepEqual(ctx.emu.store.apiKeys(podId)[0]?.permissions, { message_read: true });
    assert.equal(ctx.emu.store.apiKeys(podId).length, 1, "one key, created once");
    assert.equal(ctx.emu.log.count({ method: "POST" }), 1);
  });

  it("does not even look at the value of such a name, like any unknown name", async () => {
    const res = await ctx.api.call("POST", keysPath(), { body: { permissions: { message_reply: "yes" } } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.permissions, {}, "the grant is empty");
  });

  it("strips such a name from an update body", async () => {
    const k = ctx.emu.store.createApiKey(podId, { permissions: { message_read: true } });
    const res = await ctx.api.call("PATCH", `${keysPath()}/${k.api_key_id}`, {
      body: { permissions: { message_send: true, message_reply: true } },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.permissions, { message_send: true });
    assert.deepEqual((await listed())[0]?.permissions, { message_send: true });
    assert.deepEqual(ctx.emu.store.apiKeys(podId)[0]?.permissions, { message_send: true }, "not granted either");
  });

  it("leaves such a name out of answers about a key that already holds it, and out of the full-access form", async () => {
    ctx.emu.settings.unknownPermissions = [];
    const held = ctx.emu.store.createApiKey(podId, { permissions: { message_reply: true, draft_read: true } });
    assert.deepEqual((await listed())[0]?.permissions, { message_reply: true, draft_read: true }, "known: shown");
    ctx.emu.settings.unknownPermissions = ["message_reply", "pod_update"];
    assert.deepEqual((await listed())[0]?.permissions, { draft_read: true }, "unknown: not shown");

    ctx.emu.store.revokeApiKey(podId, held.api_key_id);
    ctx.emu.settings.fullAccessPermissions = "all";
    const full = await ctx.api.call("POST", keysPath(), { body: {} });
    const names = Object.keys(full.json.permissions as object);
    assert.equal(names.length, 45, "every name of the reference but the two unknown ones");
    assert.ok(!names.includes("message_reply") && !names.includes("pod_update"));
    assert.deepEqual(Object.keys((await listed())[0]?.permissions ?? {}), names);
  });

  it("is settable in process, as an option and over PATCH /__emulator/settings, validated there", async () => {
    ctx.emu.settings.unknownPermissions = [];
    const known = await ctx.api.call("POST", keysPath(), { body: { permissions: { message_reply: true } } });
    assert.deepEqual(known.json.permissions, { message_reply: true }, "in process: known again");

    const set = await ctx.api.call("PATCH", "/__emulator/settings", { body: { unknownPermissions: ["pod_update"] } });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual(set.json.unknownPermissions, ["pod_update"]);
    assert.deepEqual((await ctx.api.call("GET", "/__emulator/settings")).json.unknownPermissions, ["pod_update"]);
    const stripped = await ctx.api.call("POST", keysPath(), { body: { permissions: { pod_update: true } } });
    assert.deepEqual(stripped.json.permissions, {}, "over the admin route: pod_update is unknown");

    for (const bad of ["message_reply", ["thread_read"], ["message_reply", "bogus"], [1], null]) {
      const res = await ctx.api.call("PATCH", "/__emulator/settings", {
        body: { unknownPermissions: bad, emptyPages: true },
      });
      assertValidation(res, ["unknownPermissions"]);
      assert.match(res.json.errors[0].message, /permission names of the API reference/);
    }
    assert.deepEqual(ctx.emu.settings.unknownPermissions, ["pod_update"], "an invalid patch changes nothing");
    assert.equal(ctx.emu.settings.emptyPages, false, "not even its valid members");
  });

  it("refuses an invalid unknownPermissions option, naming it", async () => {
    await assert.rejects(startEmulator({ unknownPermissions: ["mesage_send"] }), /unknownPermissions must be an array/);
  });
});
