/**
 * Level 2: rotation against the emulator, with its settable clock (nothing sleeps): a PodApiKey with
 * `rotateAfter`, `expireAfter` and `rotationTrigger` through the engine's steps, what a rotation costs in
 * requests, and a year of daily `pulumi up`s of a RotatingPodApiKey's children (its schedule and two keys).
 */
import assert from "node:assert/strict";
import * as lifecycle from "../../provider/lifecycle/podApiKey";
import * as schedule from "../../provider/lifecycle/rotationSchedule";
import { startBench, rejection, type Bench } from "./setup";
import {
  pairInputs,
  pairOrder,
  previewPair,
  scheduleInputs,
  step,
  upPair,
  type PairOps,
  type Live,
  type PairState,
  type ProviderOps,
} from "./engineDriver";

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

/** The rotation schedule's lifecycle functions as the engine's operations, on the simulated clock. */
function scheduleOps(bench: Bench, now: () => number): ProviderOps {
  const env = schedule.scheduleEnv({ ...bench.ctx(), now });
  return {
    check: (olds, news) => schedule.check(env, olds, news),
    diff: (id, olds, news) => schedule.diff(id, olds, news),
    create: (inputs) => schedule.create(inputs),
    update: (id, olds, news) => schedule.update(id, olds, news),
    remove: () => schedule.remove(),
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

  it("rotationTrigger: a change replaces the key (new key first), with rotationTrigger as the reason; the same value changes nothing", async () => {
    const news = { podId, autoNamePrefix: "bot", rotationTrigger: "2030-q1", __provider: "shim" };
    const first = await step(ops, undefined, news);
    assert.equal(first.live.outs["rotationTrigger"], "2030-q1");
    now = START + 400 * DAY - 1;
    assert.equal((await step(ops, first.live, news)).kind, "same", "no age rule: it never rotates by itself");
    bench.emu.log.clear();
    const rotated = await step(ops, first.live, { ...news, rotationTrigger: "2030-q2" });
    assert.equal(rotated.kind, "replace");
    assert.deepEqual(rotated.replaces, ["rotationTrigger"]);
    assert.equal(bench.emu.store.apiKeys(podId).length, 2, "the new key exists before the old one is revoked");
    await ops.remove(rotated.retired!.id, rotated.retired!.outs);
    assert.deepEqual(requests(bench), { POST: 1, PATCH: 1, DELETE: 1 });
    const removed = await step(ops, rotated.live, { ...news, rotationTrigger: undefined });
    assert.deepEqual(removed.replaces, ["rotationTrigger"], "removing it replaces the key too");
  });

  it("RotatingPodApiKey: a year of daily ups, with gaps of one to three periods, keeps every guarantee and leaves nothing", async function () {
    this.timeout(60_000);
    const period = "30d";
    const periodMs = 30 * DAY;
    // Days with no `up`: gaps just over one period, about two, and over three, ending at different points of the
    // pair's cycle (where the newer key is already past a period, and where it is not).
    const gaps: Array<[number, number]> = [
      [40, 75],
      [130, 190],
      [230, 330],
    ];
    console.log(
      `      simulation: 365 days from ${new Date(START).toISOString()}, period ${period}, gaps ${JSON.stringify(gaps)}`,
    );
    const base: Props = { podId, permissions: { messageRead: true }, __provider: "shim" };
    const pairOps: PairOps = { schedule: scheduleOps(bench, () => now), keys: ops };
    let state: PairState = {};
    // A consumer that re-reads `apiKey` (the stack output of the last up) once per period, ups or not.
    let published: unknown;
    let held: unknown;
    let lastRead = -Infinity;
    let ups = 0;
    let rotations = 0;
    let most = 0;
    for (let day = 0; day < 365; day++) {
      now = START + day * DAY + 9 * 3_600_000;
      if (published !== undefined && now - lastRead >= periodMs - DAY) {
        held = published;
        lastRead = now;
      }
      if (gaps.some(([from, to]) => day >= from && day < to)) {
        if (held !== undefined) assert.ok(await works(held), `day ${day}: the consumer's key works`);
        continue;
      }
      ups++;
      const before = state.a === undefined ? undefined : pairOrder(state);
      const next = await upPair(pairOps, state, base, period, async () => {
        most = Math.max(most, bench.emu.store.apiKeys(podId).length);
        assert.ok(bench.emu.store.apiKeys(podId).length <= 3, `day ${day}: at most the pair plus one being replaced`);
      });
      const replaced = next.steps.filter((s) => s.kind === "replace");
      assert.ok(replaced.length <= 1, `day ${day}: one key replaced at most`);
      if (before !== undefined && replaced.length === 1) {
        assert.equal(replaced[0]!.retired!.id, before.older.id, `day ${day}: the replaced key is the older one`);
      }
      rotations += replaced.length;
      state = next;
      const order = pairOrder(next);
      const newerAge = now - Date.parse(order.newer.outs["createdAt"] as string);
      assert.ok(newerAge < periodMs, `day ${day}: apiKey is younger than one period`);
      assert.equal(bench.emu.store.apiKeys(podId).length, 2, `day ${day}: the pod holds the pair`);
      assert.ok(await works(order.newer.outs["apiKey"]), `day ${day}: apiKey works`);
      assert.ok(await works(order.older.outs["apiKey"]), `day ${day}: previousApiKey works`);
      if (before !== undefined) {
        assert.ok(await works(before.newer.outs["apiKey"]), `day ${day}: the apiKey of the up before still works`);
      }
      if (held !== undefined) assert.ok(await works(held), `day ${day}: the consumer's key works`);
      // A second `up` right after changes nothing and sends nothing.
      bench.emu.log.clear();
      const again = await upPair(pairOps, state, base, period);
      assert.deepEqual(
        [again.scheduleStep, ...again.steps].map((s) => s.kind),
        ["same", "same", "same"],
        `day ${day}: a second up changes nothing`,
      );
      assert.deepEqual(
        requests(bench),
        { GET: 1 },
        `day ${day}: a second up sends one listing of the pod, nothing else`,
      );
      published = order.newer.outs["apiKey"];
    }
    for (const live of [state.a!, state.b!]) await ops.remove(live.id, live.outs);
    assert.deepEqual(bench.emu.store.apiKeys(podId), [], "nothing left after destroy");
    console.log(
      `      ${ups} ups, ${rotations} rotations, at most ${most} keys at once, the consumer's key always valid`,
    );
    const daysWithUps = 365 - gaps.reduce((n, [from, to]) => n + to - from, 0);
    assert.ok(rotations >= Math.floor(daysWithUps / 30), `about one rotation per period with ups (${rotations})`);
    assert.ok(rotations <= gaps.length + Math.ceil(daysWithUps / 30) + 1, `no more than one per period (${rotations})`);
  });

  it("RotatingPodApiKey: preview shows the up's one replacement; what a rotation costs, and a daily up's requests", async () => {
    const base: Props = { podId, __provider: "shim" };
    const pairOps: PairOps = { schedule: scheduleOps(bench, () => now), keys: ops };
    let state: PairState = await upPair(pairOps, {}, base, "30d");
    assert.deepEqual(requests(bench), { POST: 2, PATCH: 2 }, "the first up: two keys (a new pair has nothing to list)");
    for (let day = 1; day <= 60; day++) {
      now = START + day * DAY;
      bench.emu.log.clear();
      const preview = await previewPair(pairOps, state as Required<PairState>, base, "30d");
      assert.deepEqual(
        preview,
        day === 30
          ? { schedule: "update", a: [], b: ["name", "rotationTrigger"] }
          : day === 60
            ? { schedule: "update", a: ["name", "rotationTrigger"], b: [] }
            : { schedule: "same", a: [], b: [] },
        `day ${day}: preview shows exactly the replacement the up makes`,
      );
      assert.deepEqual(requests(bench), { GET: 1 }, "preview sends one listing of the pod");
      bench.emu.log.clear();
      const next = await upPair(pairOps, state, base, "30d");
      const expected = day === 30 || day === 60 ? { GET: 1, POST: 1, PATCH: 1, DELETE: 1 } : { GET: 1 };
      assert.deepEqual(requests(bench), expected, `day ${day}`);
      assert.deepEqual(
        next.steps.map((s) => s.kind),
        day === 30 ? ["same", "replace"] : day === 60 ? ["replace", "same"] : ["same", "same"],
        `day ${day}: b first, then a`,
      );
      state = next;
    }
  });

  /** The up of day 30 with b's create failing: the schedule's update is kept, b stays, the up fails. */
  async function failedRotation(pairOps: PairOps, base: Props): Promise<{ first: PairState; after: PairState }> {
    const first = await upPair(pairOps, {}, base, "30d");
    now = START + 30 * DAY;
    bench.emu.faults.add({ method: "POST", code: "resource_deleting" });
    const s = await step(pairOps.schedule, first.schedule, scheduleInputs(base, "30d"));
    assert.equal(s.live.outs["generationB"], 2);
    const [aNews, bNews] = pairInputs(base, s.live.outs);
    const a = await step(ops, first.a, aNews);
    assert.equal(a.kind, "same");
    await rejection(step(ops, first.b, bNews));
    bench.emu.faults.clear();
    assert.equal(bench.emu.store.apiKeys(podId).length, 2, "both old keys live on");
    return { first, after: { schedule: s.live, a: a.live, b: first.b } };
  }

  for (const late of [1, 45, 100]) {
    it(`RotatingPodApiKey: an up whose rotation failed is completed ${late} days later, replacing only that key`, async () => {
      const base: Props = { podId, __provider: "shim" };
      const pairOps: PairOps = { schedule: scheduleOps(bench, () => now), keys: ops };
      const { first, after } = await failedRotation(pairOps, base);
      // The outputs of the failed up were never published: consumers hold a, the apiKey of day 0.
      assert.equal(pairOrder(first).newer.id, first.a!.id);
      assert.equal(pairOrder(after).newer.id, first.a!.id, "b, still to be replaced, is not handed out");
      now = START + (30 + late) * DAY;
      const next = await upPair(pairOps, after, base, "30d");
      assert.equal(next.scheduleStep.kind, "same", "nothing new is decided while b waits for its replacement");
      assert.deepEqual(
        next.steps.map((x) => x.kind),
        ["same", "replace"],
      );
      assert.ok(await works(first.a!.outs["apiKey"]), "a, the key consumers hold, still works");
      assert.equal(pairOrder(next).newer.id, next.b.id);
      // From then on the pair goes on as usual: a, the older, one period after b's replacement.
      now += 30 * DAY;
      const then = await upPair(pairOps, next, base, "30d");
      assert.deepEqual(
        then.steps.map((x) => x.kind),
        ["replace", "same"],
      );
      assert.ok(await works(next.b.outs["apiKey"]), "b, handed out by the up before, still works");
    });
  }

  /** The up of day 30 cut off after b's new key was made (POST and rename) but before the engine recorded it. */
  async function cutOffRotation(
    pairOps: PairOps,
    base: Props,
  ): Promise<{ first: Awaited<ReturnType<typeof upPair>>; cut: PairState; orphan: Live }> {
    const first = await upPair(pairOps, {}, base, "30d");
    now = START + 30 * DAY;
    const s = await step(pairOps.schedule, first.schedule, scheduleInputs(base, "30d"));
    const [, bNews] = pairInputs(base, s.live.outs);
    const orphan = (await step(ops, undefined, bNews)).live;
    return { first, cut: { schedule: s.live, a: first.a, b: first.b }, orphan };
  }

  it("RotatingPodApiKey: an up cut off after making the new key (not recorded), then one the next day, replaces only that key; the leftover, unrevoked, stops the pair loudly when a rotation is due", async () => {
    const base: Props = { podId, __provider: "shim" };
    const pairOps: PairOps = { schedule: scheduleOps(bench, () => now), keys: ops };
    const { first, cut, orphan } = await cutOffRotation(pairOps, base);
    now = START + 31 * DAY;
    let state = await upPair(pairOps, cut, base, "30d");
    assert.equal(state.scheduleStep.kind, "same", "b's predecessor is still listed: nothing new is decided");
    assert.ok(await works(first.a.outs["apiKey"]), "a, the key consumers hold, still works");
    const replaced: string[] = [];
    let failedOn: number | undefined;
    for (let day = 32; day <= 130 && failedOn === undefined; day++) {
      now = START + day * DAY;
      const checked = await pairOps.schedule.check(state.schedule!.inputs, scheduleInputs(base, "30d"));
      if (checked.failures.length > 0) {
        failedOn = day;
        assert.match(
          (checked.failures[0] as { reason: string }).reason,
          new RegExp(`${orphan.id}.*neither this pair's apiKeyId nor its previousApiKeyId`),
        );
        break;
      }
      const next = await upPair(pairOps, state, base, "30d");
      for (const x of next.steps)
        if (x.kind === "replace") replaced.push(`${day}:${String(x.live.outs["autoNamePrefix"]).slice(-1)}`);
      state = next;
    }
    // The leftover (b's generation 2) is superseded when b reaches generation 3 on day 91; a is due on day 121.
    assert.deepEqual(replaced, ["61:a", "91:b"]);
    assert.equal(failedOn, 121, "the check fails when a rotation is due, rather than the pair stopping silently");
    await ops.remove(orphan.id, orphan.outs);
    const next = await upPair(pairOps, state, base, "30d");
    assert.deepEqual(
      next.steps.map((x) => x.kind),
      ["replace", "same"],
      "the leftover revoked, the pair rotates again",
    );
  });

  it("RotatingPodApiKey: an up cut off after making the new key, then one 45 days later: a failure names both keys of b; the leftover revoked, only b is replaced", async () => {
    const base: Props = { podId, __provider: "shim" };
    const pairOps: PairOps = { schedule: scheduleOps(bench, () => now), keys: ops };
    const { first, cut, orphan } = await cutOffRotation(pairOps, base);
    now = START + 75 * DAY;
    const checked = await pairOps.schedule.check(cut.schedule!.inputs, scheduleInputs(base, "30d"));
    assert.equal(checked.failures.length, 1);
    assert.ok(
      (checked.failures[0] as { reason: string }).reason.includes(orphan.id) &&
        (checked.failures[0] as { reason: string }).reason.includes(first.b.id),
    );
    await ops.remove(orphan.id, orphan.outs);
    const next = await upPair(pairOps, cut, base, "30d");
    assert.equal(next.scheduleStep.kind, "same");
    assert.deepEqual(
      next.steps.map((x) => x.kind),
      ["same", "replace"],
    );
    assert.ok(await works(first.a.outs["apiKey"]), "a, the key consumers hold, still works");
  });

  it("RotatingPodApiKey: `up --target` of the schedule alone hands out no key still to be replaced; the next up replaces it", async () => {
    const base: Props = { podId, __provider: "shim" };
    const pairOps: PairOps = { schedule: scheduleOps(bench, () => now), keys: ops };
    const first = await upPair(pairOps, {}, base, "30d");
    now = START + 30 * DAY;
    // Targeted: the schedule is checked and updated; the keys' check is stubbed with their old inputs (pulumi/pulumi
    // pkg/resource/deploy/step_generator.go: "If not targeted, stub out the provider check"), so they stay.
    const s = await step(pairOps.schedule, first.schedule, scheduleInputs(base, "30d"));
    const targeted: PairState = { schedule: s.live, a: first.a, b: first.b };
    assert.equal(pairOrder(targeted).newer.id, first.a.id, "apiKey stays a: b does not hold its generation");
    now = START + 75 * DAY;
    const next = await upPair(pairOps, targeted, base, "30d");
    assert.deepEqual([next.scheduleStep.kind, ...next.steps.map((x) => x.kind)], ["same", "same", "replace"]);
    assert.ok(await works(first.a.outs["apiKey"]));
  });

  it("RotatingPodApiKey: a schedule started again (`--replace`, taint: Check without old inputs) starts a new pair, both keys replaced, new keys first", async () => {
    const base: Props = { podId, __provider: "shim" };
    const pairOps: PairOps = { schedule: scheduleOps(bench, () => now), keys: ops };
    let state: PairState = await upPair(pairOps, {}, base, "30d");
    for (const day of [30, 60, 90]) {
      now = START + day * DAY;
      state = await upPair(pairOps, state, base, "30d");
    }
    assert.deepEqual([state.schedule!.outs["generationA"], state.schedule!.outs["generationB"]], [2, 3]);
    now = START + 100 * DAY;
    bench.emu.log.clear();
    const fresh = await pairOps.schedule.check({}, scheduleInputs(base, "30d"));
    assert.notEqual(fresh.inputs["pairToken"], state.schedule!.outs["pairToken"]);
    const made = await pairOps.schedule.create(fresh.inputs);
    const restarted: PairState = { ...state, schedule: { id: made.id, inputs: fresh.inputs, outs: made.outs } };
    let most = 0;
    const next = await upPair(pairOps, restarted, base, "30d", async () => {
      most = bench.emu.store.apiKeys(podId).length;
    });
    assert.deepEqual(
      next.steps.map((x) => x.kind),
      ["replace", "replace"],
    );
    assert.equal(most, 4, "both new keys exist before the old ones are revoked");
    assert.equal(bench.emu.store.apiKeys(podId).length, 2);
  });

  it("RotatingPodApiKey: two deployments of one stack in one pod (same names, same URN) keep apart, each replacing its own older key", async () => {
    const base: Props = { podId, __provider: "shim" };
    const pairOps: PairOps = { schedule: scheduleOps(bench, () => now), keys: ops };
    let first: PairState = await upPair(pairOps, {}, base, "30d");
    now = START + 10 * DAY;
    let second: PairState = await upPair(pairOps, {}, base, "30d");
    assert.notEqual(first.schedule!.outs["pairToken"], second.schedule!.outs["pairToken"]);
    for (let day = 11; day <= 100; day++) {
      now = START + day * DAY;
      for (const which of ["first", "second"] as const) {
        const state = which === "first" ? first : second;
        const before = pairOrder(state);
        const next = await upPair(pairOps, state, base, "30d");
        const replaced = next.steps.filter((x) => x.kind === "replace");
        assert.ok(replaced.length <= 1, `day ${day}, ${which}`);
        if (replaced.length === 1) assert.equal(replaced[0]!.retired!.id, before.older.id, `day ${day}, ${which}`);
        const age = now - Date.parse(pairOrder(next).newer.outs["createdAt"] as string);
        assert.ok(age < 30 * DAY, `day ${day}, ${which}: apiKey younger than a period`);
        if (which === "first") first = next;
        else second = next;
      }
      assert.equal(bench.emu.store.apiKeys(podId).length, 4, `day ${day}: two pairs`);
    }
  });
});
