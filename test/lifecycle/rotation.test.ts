/**
 * Level 2: rotation against the emulator, with its settable clock (nothing sleeps): a PodApiKey with
 * `rotateAfter` and `expireAfter` through the engine's steps, what a rotation costs in requests, and a year of
 * daily `pulumi up`s of a RotatingPodApiKey's two children.
 */
import assert from "node:assert/strict";
import * as lifecycle from "../../provider/lifecycle/podApiKey";
import { pairView, twice } from "../../provider/rotatingPodApiKey";
import { startBench, rejection, type Bench } from "./setup";
import { step, upPair, type Live, type ProviderOps } from "./engineDriver";

type Props = Record<string, unknown>;
const DAY = 86_400_000;
const START = Date.parse("2030-01-01T00:00:00.000Z");

/** The lifecycle functions as the engine's operations, on the bench's emulator and the simulated clock. */
function lifecycleOps(bench: Bench, now: () => number): ProviderOps {
  const ctx = { ...bench.ctx(), now };
  return {
    check: (olds, news) => lifecycle.check(olds, news),
    diff: (id, olds, news) => lifecycle.diff(id, olds, news, now),
    create: (inputs) => lifecycle.create(ctx, inputs),
    update: (id, olds, news) => lifecycle.update(id, olds, news),
    remove: (id, outs) => lifecycle.remove(ctx, id, outs),
  };
}

/** Requests by "METHOD" since the log was cleared, the consumers' identity checks left out. */
function requests(bench: Bench): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of bench.emu.log.entries()) {
    if (e.path === "/v0/auth/me") continue;
    counts[e.method] = (counts[e.method] ?? 0) + 1;
  }
  return counts;
}

describe("rotation against the emulator (level 2)", () => {
  let now = START;
  let bench: Bench;
  let ops: ProviderOps;
  let podId: string;
  const orgExpiry = new Date(START + 400 * DAY).toISOString();

  before(async () => {
    bench = await startBench({ clock: () => now, orgApiKeyExpiresAt: orgExpiry });
    ops = lifecycleOps(bench, () => now);
  });
  after(() => bench.close());
  beforeEach(() => {
    now = START;
    podId = bench.emu.store.createPod({ name: `pod-${Math.random()}` }).pod_id;
    bench.emu.log.clear();
    bench.emu.faults.clear();
  });

  async function works(apiKey: unknown): Promise<boolean> {
    const res = await fetch(`${bench.emu.url}/v0/auth/me`, { headers: { authorization: `Bearer ${String(apiKey)}` } });
    await res.arrayBuffer();
    return res.status === 200;
  }

  it("rotateAfter: no change before it is due; then one replacement (POST + PATCH + DELETE), the old key revoked after", async () => {
    const news = { podId, autoNamePrefix: "bot", rotateAfter: "90d", __provider: "shim" };
    const first = await step(ops, undefined, news);
    assert.equal(first.live.outs["rotatesAt"], new Date(START + 90 * DAY).toISOString());
    now = START + 90 * DAY - 60_000;
    const early = await step(ops, first.live, news);
    assert.equal(early.kind, "same");
    bench.emu.log.clear();
    now = START + 90 * DAY;
    let during = 0;
    const rotated = await step(ops, early.live, news);
    assert.equal(rotated.kind, "replace");
    assert.deepEqual(rotated.replaces, ["rotateAfter"]);
    during = bench.emu.store.apiKeys(podId).length;
    assert.equal(during, 2, "the new key exists before the old one is revoked");
    assert.ok(await works(first.live.outs["apiKey"]), "the old key still works until the engine deletes it");
    await ops.remove(rotated.retired!.id, rotated.retired!.outs);
    assert.deepEqual(requests(bench), { POST: 1, PATCH: 1, DELETE: 1 }, "a rotation costs a create and a delete");
    assert.deepEqual(
      bench.emu.store.apiKeys(podId).map((k) => k.api_key_id),
      [rotated.live.id],
    );
    assert.ok(await works(rotated.live.outs["apiKey"]));
    assert.ok(!(await works(first.live.outs["apiKey"])), "the old key is revoked");
    assert.notEqual(rotated.live.outs["name"], first.live.outs["name"], "an auto-named key gets a fresh name");
    assert.equal(rotated.live.outs["rotatesAt"], new Date(START + 180 * DAY).toISOString());
  });

  it("a policy change is an update of the state with no request; a shorter one makes the key due at once", async () => {
    const news = { podId, autoNamePrefix: "bot", rotateAfter: "90d", __provider: "shim" };
    const first = await step(ops, undefined, news);
    bench.emu.log.clear();
    now = START + 10 * DAY;
    const longer = await step(ops, first.live, { ...news, rotateAfter: "120d", expireAfter: "200d" });
    assert.equal(longer.kind, "update");
    assert.equal(bench.emu.log.count(), 0, "no API call");
    assert.equal(longer.live.outs["apiKey"], first.live.outs["apiKey"]);
    assert.equal(longer.live.outs["expiresAt"], first.live.outs["expiresAt"], "the key keeps its expiry");
    assert.equal(longer.live.outs["rotatesAt"], new Date(START + 120 * DAY).toISOString());
    const shorter = await step(ops, longer.live, { ...news, rotateAfter: "7d", expireAfter: "200d" });
    assert.equal(shorter.kind, "replace");
    assert.deepEqual(shorter.replaces, ["rotateAfter"]);
    assert.equal(bench.emu.store.apiKeys(podId).length, 2);
  });

  it("expireAfter: the create sends expires_at = now + expireAfter, a given expiry the next diff leaves alone", async () => {
    const news = { podId, autoNamePrefix: "bot", rotateAfter: "30d", expireAfter: "45d", __provider: "shim" };
    const first = await step(ops, undefined, news);
    const expected = new Date(START + 45 * DAY).toISOString();
    assert.equal(bench.emu.store.apiKeys(podId)[0]!.expires_at, expected, "sent to AgentMail");
    assert.equal(first.live.outs["expiresAt"], expected);
    assert.equal(first.live.outs["expiresAtInherited"], undefined, "not inherited from the organization key");
    assert.equal(first.live.outs["expiresAtByPolicy"], true);
    now = START + 29 * DAY;
    assert.equal((await step(ops, first.live, news)).kind, "same");
  });

  it("expireAfter beyond the creating credential's own expiry: refused, naming expireAfter, nothing created", async () => {
    const checked = await lifecycle.check({}, { podId, autoNamePrefix: "bot", expireAfter: "401d" });
    const e = await rejection(lifecycle.create({ ...bench.ctx(), now: () => now }, checked.inputs));
    assert.match(e.message, /refused key "bot-[0-9a-f]{7}" with expireAfter 401d/);
    assert.match(e.message, /expireAfter must not reach beyond that credential's own expiry/);
    assert.equal(bench.emu.store.apiKeys(podId).length, 0);
    assert.equal(bench.emu.log.count({ method: "POST" }), 1);
  });

  it("RotatingPodApiKey: a year of daily ups, with gaps, keeps the pair's guarantees and leaves nothing", async function () {
    this.timeout(60_000);
    const period = "30d";
    const periodMs = 30 * DAY;
    // Days with no `up`: two gaps of several periods.
    const gaps: Array<[number, number]> = [
      [100, 170],
      [250, 320],
    ];
    console.log(
      `      simulation: 365 days from ${new Date(START).toISOString()}, period ${period}, gaps ${JSON.stringify(gaps)}`,
    );
    const base: Props = { podId, permissions: { messageRead: true }, __provider: "shim" };
    let state: { a?: Live; b?: Live } = {};
    // A consumer that re-reads `apiKey` once per period (on the day of each read it has not yet read this period).
    let held: unknown;
    let lastRead = -Infinity;
    let ups = 0;
    let rotations = 0;
    let most = 0;
    let lastUp = 0;
    let revokedAtGapEnd = 0;
    for (let day = 0; day < 365; day++) {
      now = START + day * DAY + 9 * 3_600_000;
      if (gaps.some(([from, to]) => day >= from && day < to)) {
        if (held !== undefined) assert.ok(await works(held), `day ${day}: the consumer's key works`);
        continue;
      }
      ups++;
      const next = await upPair(ops, state, base, period, twice(period), async () => {
        most = Math.max(most, bench.emu.store.apiKeys(podId).length);
        assert.ok(bench.emu.store.apiKeys(podId).length <= 3, `day ${day}: at most the pair plus one being replaced`);
      });
      const replaced = next.steps.filter((s) => s.kind === "replace").length;
      assert.ok(replaced <= 1, `day ${day}: only the older key is replaced`);
      rotations += replaced;
      state = next;
      const view = pairView(member(next.a), member(next.b));
      assert.ok(now - Date.parse(view.newer.createdAt) < periodMs, `day ${day}: apiKey is younger than one period`);
      assert.equal(bench.emu.store.apiKeys(podId).length, 2, `day ${day}: the pod holds the pair`);
      assert.ok(await works(view.newer.apiKey), `day ${day}: apiKey works`);
      assert.ok(await works(view.older.apiKey), `day ${day}: previousApiKey works`);
      // The guarantee needs an `up` at least once per period. The first `up` after a longer gap may revoke the key
      // handed out last, when `a` (which rotates on its own age and cannot see `b`) was the newer: counted, documented.
      const afterGap = day - lastUp > 30;
      lastUp = day;
      if (held !== undefined && !afterGap) assert.ok(await works(held), `day ${day}: the key the consumer holds works`);
      if (held !== undefined && afterGap && !(await works(held))) revokedAtGapEnd++;
      if (afterGap || now - lastRead >= periodMs - DAY) {
        held = view.newer.apiKey;
        lastRead = now;
      }
    }
    for (const live of [state.a!, state.b!]) await ops.remove(live.id, live.outs);
    assert.deepEqual(bench.emu.store.apiKeys(podId), [], "nothing left after destroy");
    const counts = requests(bench);
    console.log(
      `      ${ups} ups, ${rotations} rotations, at most ${most} keys at once, consumer's key revoked at a gap's ` +
        `end ${revokedAtGapEnd} of ${gaps.length} times; requests: ${JSON.stringify(counts)}`,
    );
    assert.equal(counts["POST"], 2 + rotations, "one POST per key created");
    assert.equal(counts["PATCH"], 2 + rotations, "one rename per key created");
    assert.equal(counts["DELETE"], rotations + 2, "one DELETE per rotation, two at destroy");
    assert.equal(counts["GET"], undefined, "a daily up with nothing due sends nothing");
    const daysWithUps = 365 - gaps.reduce((n, [from, to]) => n + to - from, 0);
    assert.ok(rotations >= Math.floor(daysWithUps / 30), `about one rotation per period with ups (${rotations})`);
  });
});

function member(live: Live) {
  return {
    createdAt: live.outs["createdAt"] as string,
    apiKey: live.outs["apiKey"] as string,
    apiKeyId: live.id,
    rotatesAt: live.outs["rotatesAt"] as string | undefined,
  };
}
