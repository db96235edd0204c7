/**
 * Level 2: PodApiKey `read` (refresh) against the emulator, when listings lag behind creates
 * (`listingLagMs`, by the emulator's settable clock), when the state holds the inputs alone, and with the
 * user's spelling of `expiresAt`. Every case counts the requests it cost.
 */
import assert from "node:assert/strict";
import { AgentMailError } from "../../provider/agentmail/errors";
import * as lifecycle from "../../provider/lifecycle/podApiKey";
import { rejection, startBench, type Bench } from "./setup";

type Props = Record<string, unknown>;

const LIST = { method: "GET", path: "/v0/pods/*/api-keys" };
const ME = { method: "GET", path: "/v0/auth/me" };

describe("PodApiKey read against lagging listings (level 2)", () => {
  let bench: Bench;
  let podId: string;
  // The emulator's clock: keys stay younger than the lag until a test moves it.
  let now = Date.parse("2030-01-01T00:00:00.000Z");

  before(async () => {
    bench = await startBench({ clock: () => now });
  });
  after(() => bench.close());
  beforeEach(() => {
    podId = bench.emu.store.createPod({ name: `pod-${Math.random()}` }).pod_id;
    bench.emu.settings.listingLagMs = 0;
    bench.emu.faults.clear();
  });

  async function createKey(inputs: Props = {}): Promise<{ id: string; inputs: Props; outs: Props }> {
    const checked = await lifecycle.check({}, { podId, autoNamePrefix: "agent", __provider: "shim", ...inputs });
    assert.deepEqual(checked.failures, []);
    const created = await lifecycle.create(bench.ctx(), checked.inputs);
    return { ...created, inputs: checked.inputs };
  }

  it("keeps a key missing from a lagging listing as stored when its own secret still works, for one /auth/me", async () => {
    const { id, inputs, outs } = await createKey({ permissions: { messageSend: true } });
    bench.emu.settings.listingLagMs = 60_000;
    bench.emu.log.clear();
    const read = await lifecycle.read(bench.ctx(), id, outs);
    assert.equal(read.id, id, "not dropped: dropping it would make the next up create a second key");
    assert.deepEqual(read.props, outs, "kept as stored, secret included");
    assert.equal(bench.emu.log.count(LIST), 1);
    assert.equal(bench.emu.log.count(ME), 1, "the key's own secret asked once");
    assert.equal(bench.emu.log.entries(ME)[0]!.credential, `${outs["prefix"] as string}…`, "asked with the key itself");
    assert.equal(bench.emu.log.count(), 2);
    assert.deepEqual((await lifecycle.diff(id, read.props, inputs)).replaces, [], "so the next up changes nothing");
    assert.equal(bench.emu.store.apiKeys(podId).length, 1);

    now += 60_000;
    bench.emu.log.clear();
    assert.deepEqual((await lifecycle.read(bench.ctx(), id, outs)).props, outs, "listed once the lag has passed");
    assert.equal(bench.emu.log.count(ME), 0);
  });

  it("drops a key missing from the listing once its own secret is refused (revoked)", async () => {
    const { id, outs } = await createKey();
    bench.emu.settings.listingLagMs = 60_000;
    bench.emu.store.revokeApiKey(podId, id);
    bench.emu.log.clear();
    assert.deepEqual(await lifecycle.read(bench.ctx(), id, outs), { id: "", props: {} });
    assert.equal(bench.emu.log.count(LIST), 1);
    assert.equal(bench.emu.log.count({ ...ME, status: 401 }), 1);
    assert.equal(bench.emu.log.count(), 2);
  });

  it("keeps a key missing from the listing when the state has no secret to ask with, and the next diff replaces it", async () => {
    const { id, inputs, outs } = await createKey();
    const { apiKey: _secret, ...withoutSecret } = outs;
    bench.emu.settings.listingLagMs = 60_000;
    bench.emu.log.clear();
    const read = await lifecycle.read(bench.ctx(), id, withoutSecret);
    assert.equal(read.id, id, "nothing proves it gone, and a live key dropped from the state is never revoked");
    assert.deepEqual(read.props, withoutSecret);
    assert.equal(bench.emu.log.count(ME), 0, "no secret: nothing to ask /auth/me with");
    assert.equal(bench.emu.log.count(), 1);
    assert.deepEqual((await lifecycle.diff(id, read.props, inputs)).replaces, ["apiKey"]);
  });

  it("keeps a key read from the inputs alone and missing from the listing, with its id, so the next diff replaces it", async () => {
    const { id, inputs } = await createKey();
    bench.emu.settings.listingLagMs = 60_000;
    const read = await lifecycle.read(bench.ctx(), id, inputs);
    assert.equal(read.id, id);
    assert.equal(read.props["apiKeyId"], id);
    assert.deepEqual((await lifecycle.diff(id, read.props, inputs)).replaces, ["apiKey"]);
  });

  it("a refresh of keys that are all listed costs only the listings: no /auth/me", async () => {
    const keys = [await createKey(), await createKey(), await createKey()];
    bench.emu.log.clear();
    for (const k of keys)
      assert.deepEqual(await lifecycle.read(bench.ctx(), k.id, k.outs), { id: k.id, props: k.outs });
    assert.equal(bench.emu.log.count(LIST), keys.length, "one listing per read (no shared ListCache here)");
    assert.equal(bench.emu.log.count(ME), 0);
    assert.equal(bench.emu.log.count(), keys.length);
  });

  it("fails loudly, dropping nothing, when the stored secret authenticates as another key", async () => {
    const a = await createKey();
    const b = await createKey();
    bench.emu.settings.listingLagMs = 60_000;
    const e = await rejection(lifecycle.read(bench.ctx(), a.id, { ...a.outs, apiKey: b.outs["apiKey"] }));
    assert.ok(AgentMailError.isInstance(e));
    assert.equal((e as AgentMailError).code, "AGENTMAIL_STATE_MISMATCH");
    assert.match(e.message, new RegExp(`authenticates as key ${b.id}`));
    for (const s of [a.outs["apiKey"], b.outs["apiKey"]]) assert.ok(!e.message.includes(s as string));
  });

  it("fails loudly for a key created through another address, without asking that address about its secret", async () => {
    const { id, outs } = await createKey();
    bench.emu.settings.listingLagMs = 60_000;
    bench.emu.log.clear();
    const e = await rejection(lifecycle.read(bench.ctx(), id, { ...outs, endpoint: "https://api.agentmail.eu" }));
    assert.match(e.message, /does not list key .* which was created through https:\/\/api\.agentmail\.eu/);
    assert.match(e.message, /Nothing was dropped from the state/);
    assert.equal(bench.emu.log.count(ME), 0);
  });

  it("keeps the user's spelling of expiresAt when the listed instant is the same", async () => {
    // A year ahead of both clocks (the emulator's and the provider's own check), written with an offset.
    const year = new Date(Math.max(now, Date.now())).getUTCFullYear() + 1;
    const expiresAt = `${year}-01-01T00:00:00+02:00`;
    const { id, outs } = await createKey({ expiresAt });
    const apiSpelling = `${year - 1}-12-31T22:00:00.000Z`;
    assert.equal(bench.emu.store.apiKeys(podId)[0]!.expires_at, apiSpelling, "the API writes it its own way");
    const read = await lifecycle.read(bench.ctx(), id, outs);
    assert.equal(read.props["expiresAt"], expiresAt, "a refresh alone must not show a diff");
  });
});
