import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../../emulator";
import { assertValidation, Client, defaultPodId, newAgent } from "./helpers";

describe("emulator: listingLagMs (key listings that lag behind creates)", () => {
  // The emulator's own clock, moved by hand: a key comes of age without any waiting.
  let now = Date.parse("2030-01-01T00:00:00.000Z");
  let emu: Emulator;
  let api: Client;
  const agent = newAgent();

  before(async () => {
    emu = await startEmulator({ clock: () => now, listingLagMs: 5_000 });
    api = new Client(emu, agent);
  });
  after(async () => {
    await agent.close();
    await emu.stop();
  });

  const listedIds = async (pod: string): Promise<string[]> => {
    const res = await api.call("GET", `/v0/pods/${pod}/api-keys`);
    assert.equal(res.status, 200, res.text);
    return (res.json.api_keys as Array<{ api_key_id: string }>).map((k) => k.api_key_id);
  };

  it("leaves a key younger than the lag out of listings, while the key itself works at once", async () => {
    const pod = defaultPodId(emu);
    const old = emu.store.createApiKey(pod, { name: "old" });
    now += 5_000;
    const young = emu.store.createApiKey(pod, { name: "young" });
    assert.deepEqual(await listedIds(pod), [old.api_key_id], "only the key that is 5000 ms old is listed");
    const me = await api.call("GET", "/v0/auth/me", { key: young.api_key });
    assert.equal(me.status, 200, "the unlisted key authenticates");
    assert.equal(me.json.api_key_id, young.api_key_id);
    now += 4_999;
    assert.deepEqual(await listedIds(pod), [old.api_key_id], "1 ms before the lag ends");
    now += 1;
    assert.deepEqual(await listedIds(pod), [young.api_key_id, old.api_key_id], "listed once the lag has passed");
  });

  it("is settable in process (emu.settings) and over PATCH /__emulator/settings, all or nothing", async () => {
    const pod = defaultPodId(emu);
    const fresh = emu.store.createApiKey(pod, { name: "fresh" });
    assert.ok(!(await listedIds(pod)).includes(fresh.api_key_id));
    emu.settings.listingLagMs = 0;
    assert.ok((await listedIds(pod)).includes(fresh.api_key_id), "in process: no lag");

    const set = await api.call("PATCH", "/__emulator/settings", { body: { listingLagMs: 60_000 } });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.json.listingLagMs, 60_000);
    assert.equal(emu.settings.listingLagMs, 60_000);
    assert.ok(!(await listedIds(pod)).includes(fresh.api_key_id), "over the admin route: lagging again");
    assert.equal((await api.call("GET", "/__emulator/settings")).json.listingLagMs, 60_000);

    assertValidation(
      await api.call("PATCH", "/__emulator/settings", { body: { listingLagMs: -1, emptyPages: true } }),
      ["listingLagMs"],
    );
    assertValidation(await api.call("PATCH", "/__emulator/settings", { body: { listingLag: 1 } }), ["listingLag"]);
    assert.equal(emu.settings.listingLagMs, 60_000, "an invalid patch changes nothing");
    assert.equal(emu.settings.emptyPages, false, "not even its valid members");
    emu.settings.listingLagMs = 5_000;
  });

  it("refuses an invalid listingLagMs option", async () => {
    await assert.rejects(startEmulator({ listingLagMs: Number.NaN }), /listingLagMs must be a finite number/);
  });
});
