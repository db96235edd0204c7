/**
 * Level 4: rotation through the real provider host over gRPC, with the host's clock and the emulator's moved
 * together (harness/hostClock.ts): Check/Diff/Create/Update of a PodApiKey with `rotateAfter` and `expireAfter`,
 * and a shorter run of the pair's driver (test/lifecycle/engineDriver.ts) than the year-long one at level 2.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { hostClock, startProviderHost, unwrapSecrets, urn, type CapturedResource } from "../../harness";
import {
  pairInputs,
  pairOrder,
  scheduleInputs,
  step,
  upPair,
  type PairOps,
  type PairState,
  type ProviderOps,
} from "../lifecycle/engineDriver";
import { useEngineFixture } from "./fixture";

const PROGRAM = path.join(__dirname, "..", "fixtures", "programs", "rotation.js");
const TYPE = "pulumi-nodejs:dynamic/agentmail:PodApiKey";
const SCHEDULE_TYPE = "pulumi-nodejs:dynamic/agentmail:RotationSchedule";
const DAY = 86_400_000;
const START = Date.parse("2030-01-01T09:00:00.000Z");

describe("rotation through the provider host over gRPC (level 4)", function () {
  this.timeout(120_000);
  const clock = hostClock();
  let podId: string;
  const fx = useEngineFixture({
    project: "rotation",
    program: PROGRAM,
    capture: (emu) => {
      podId = emu.store.createPod({ name: "engine" }).pod_id;
      return { config: { "fixture:podId": podId } };
    },
    emulator: { clock: () => clock.now() },
    hostEnv: clock.env,
  });
  let rotating: CapturedResource;
  let pairA: CapturedResource;
  let pairSchedule: CapturedResource;
  after(() => clock.cleanup());
  before(() => {
    rotating = fx.captured.resources.find((r) => r.name === "rotating")!;
    pairA = fx.captured.resources.find((r) => r.name === "pair-a")!;
    pairSchedule = fx.captured.resources.find((r) => r.name === "pair-schedule")!;
    clock.set(START);
  });
  beforeEach(() => fx.emu.log.clear());

  /** The host's operations for resources named `name` (of `type`), as the driver calls them. */
  function hostOps(name: string, type = TYPE): ProviderOps {
    const u = urn(type, name, "dev", "rotation");
    return {
      check: (olds, news) => fx.host.check(u, olds, news),
      diff: async (id, olds, news) => {
        const d = await fx.host.diff(id, u, olds, news);
        return { changes: d.changes === "DIFF_SOME", replaces: d.replaces };
      },
      create: async (inputs) => {
        const made = await fx.host.create(u, inputs);
        if (type === TYPE) fx.secrets.push(made.properties["apiKey"] as string);
        return { id: made.id, outs: made.properties };
      },
      update: async (id, olds, news) => ({ outs: (await fx.host.update(id, u, olds, news)).properties }),
      remove: (id, outs) => fx.host.delete(id, u, outs),
    };
  }

  /** The pair's children through the host: each key under its own URN, the schedule with its own provider text. */
  function pairHost(): { pairOps: PairOps; base: Record<string, unknown> } {
    const opsA = hostOps("pair-a");
    const opsB = hostOps("pair-b");
    const of = (props: Record<string, unknown>) => (props["autoNamePrefix"] === "pair-b" ? opsB : opsA);
    const keys: ProviderOps = {
      check: (olds, news) => of(news).check(olds, news),
      diff: (id, olds, news) => of(news).diff(id, olds, news),
      create: (inputs) => of(inputs).create(inputs),
      update: (id, olds, news) => of(news).update(id, olds, news),
      remove: (id, outs) => of(outs).remove(id, outs),
    };
    const scheduleOps = hostOps("pair-schedule", SCHEDULE_TYPE);
    const scheduleProvider = pairSchedule.inputs["__provider"];
    // The driver registers the schedule with the keys' provider text: give it its own, as the program does.
    const schedule: ProviderOps = {
      ...scheduleOps,
      check: (olds, news) => scheduleOps.check(olds, { ...news, __provider: scheduleProvider }),
    };
    const base = { podId, permissions: pairA.inputs["permissions"], __provider: pairA.inputs["__provider"] };
    return { pairOps: { schedule, keys }, base };
  }

  it("the program registers rotateAfter and expireAfter, and the pair's children with their policies", () => {
    assert.equal(rotating.inputs["rotateAfter"], "90d");
    assert.equal(rotating.inputs["expireAfter"], "120d");
    const pairB = fx.captured.resources.find((r) => r.name === "pair-b")!;
    assert.equal(pairSchedule.inputs["rotationPeriod"], "30d");
    assert.equal(pairSchedule.type, SCHEDULE_TYPE);
    assert.equal(pairSchedule.inputs["podId"], podId, "it lists the keys' pod");
    assert.match(String(pairSchedule.inputs["pairToken"]), /^[0-9a-f]{8}$/);
    assert.deepEqual(pairSchedule.options.dependencies, [], "the schedule waits for nothing");
    for (const key of [pairA, pairB]) {
      assert.equal(key.inputs["rotateAfter"], undefined);
      assert.ok(
        key.options.propertyDependencies["rotationTrigger"]?.includes(pairSchedule.urn),
        `${key.name} takes its rotationTrigger from the schedule (so waits for it)`,
      );
    }
  });

  it("Check/Create/Diff/Update: a rotateAfter change is an Update that keeps every output; a due key is replaced", async () => {
    const ops = hostOps("rotating");
    const news = unwrapSecrets(rotating.inputs);
    const bad = await fx.host.check(urn(TYPE, "rotating", "dev", "rotation"), {}, { ...news, rotateAfter: "3 months" });
    assert.deepEqual(
      bad.failures.map((f) => f.property),
      ["rotateAfter"],
    );
    const first = await step(ops, undefined, news);
    const createdAt = Date.parse(first.live.outs["createdAt"] as string);
    assert.ok(Math.abs(createdAt - START) < 60_000, "created by the moved clock");
    // expires_at is now + expireAfter by the host's clock, which is the emulator's.
    assert.ok(Math.abs(Date.parse(first.live.outs["expiresAt"] as string) - (createdAt + 120 * DAY)) < 60_000);
    assert.equal(first.live.outs["rotatesAt"], new Date(createdAt + 90 * DAY).toISOString());
    clock.set(START + 10 * DAY);
    fx.emu.log.clear();
    const policy = await step(ops, first.live, { ...news, rotateAfter: "60d" });
    assert.equal(policy.kind, "update");
    assert.equal(fx.emu.log.count(), 0, "a policy change sends nothing");
    for (const k of ["apiKey", "apiKeyId", "createdAt", "expiresAt", "name", "__provider"]) {
      assert.deepEqual(policy.live.outs[k], first.live.outs[k], k);
    }
    assert.equal(policy.live.outs["rotateAfter"], "60d");
    assert.equal(
      (await step(ops, policy.live, { ...news, rotateAfter: "60d" })).kind,
      "same",
      "a second up: no change",
    );
    clock.set(createdAt + 60 * DAY); // from the key's own creation: due whatever the time the create took
    const rotated = await step(ops, policy.live, { ...news, rotateAfter: "60d" });
    assert.equal(rotated.kind, "replace");
    assert.deepEqual(rotated.replaces, ["rotateAfter"]);
    await ops.remove(rotated.retired!.id, rotated.retired!.outs);
    assert.deepEqual(
      fx.emu.store.apiKeys(podId).map((k) => k.api_key_id),
      [rotated.live.id],
    );
    assert.equal(fx.emu.log.count({ method: "POST" }), 1);
    assert.equal(fx.emu.log.count({ method: "DELETE" }), 1);
    await ops.remove(rotated.live.id, rotated.live.outs);
  });

  it("the pair, 90 days of ups around a 60-day gap: its schedule and keys through the host, only the older key replaced, nothing left", async () => {
    const { pairOps, base } = pairHost();
    const { schedule, keys } = pairOps;
    let state: PairState = {};
    let rotations = 0;
    const replacedDays: string[] = [];
    for (let day = 0; day < 150; day++) {
      // Ups on days 0-64, none on 65-124 (two periods, starting when `a` is the newer key), then daily again.
      if (day >= 65 && day < 125) continue;
      clock.set(START + 5 * 365 * DAY + day * DAY);
      const before = state.a === undefined ? undefined : pairOrder(state);
      const next = await upPair(pairOps, state, base, "30d");
      const replaced = next.steps.filter((s) => s.kind === "replace");
      assert.ok(replaced.length <= 1, `day ${day}`);
      if (before !== undefined && replaced.length === 1) {
        assert.equal(replaced[0]!.retired!.id, before.older.id, `day ${day}: the older key is the one replaced`);
      }
      for (const s of replaced) replacedDays.push(`${day}:${s.live.outs["autoNamePrefix"] === "pair-b" ? "b" : "a"}`);
      rotations += replaced.length;
      const order = pairOrder(next);
      const age = clock.now() - Date.parse(order.newer.outs["createdAt"] as string);
      assert.ok(age < 30 * DAY, `day ${day}: the newer key is younger than a period`);
      assert.equal(fx.emu.store.apiKeys(podId).length, 2, `day ${day}`);
      state = next;
    }
    console.log(`      90 days of ups through the host (none on days 65-124): replaced ${replacedDays.join(", ")}`);
    // b at day 30, a at 60; after the gap b, the older, and not a, the newer (whose consumers would lose their key).
    assert.deepEqual(replacedDays, ["30:b", "60:a", "125:b"]);
    assert.equal(rotations, 3);
    for (const live of [state.a!, state.b!]) await keys.remove(live.id, live.outs);
    await schedule.remove(state.schedule!.id, state.schedule!.outs);
    assert.deepEqual(fx.emu.store.apiKeys(podId), []);
  });

  it("the pair through the host: an up whose rotation fails, then one 45 days later, replaces only that key", async () => {
    const { pairOps, base } = pairHost();
    const T = START + 6 * 365 * DAY;
    clock.set(T);
    const first = await upPair(pairOps, {}, base, "30d");
    clock.set(T + 30 * DAY);
    // Day 30: the schedule gives b its next generation, then every POST fails: the up stops with the old b.
    fx.emu.faults.add({ method: "POST", code: "resource_deleting" });
    const s = await step(pairOps.schedule, first.schedule, scheduleInputs(base, "30d"));
    const [, bNews] = pairInputs(base, s.live.outs);
    await assert.rejects(step(pairOps.keys, first.b, bNews));
    fx.emu.faults.clear();
    const after: PairState = { schedule: s.live, a: first.a, b: first.b };
    assert.equal(pairOrder(after).newer.id, first.a.id, "b, still to be replaced, is not handed out");
    clock.set(T + 75 * DAY);
    fx.emu.log.clear();
    const next = await upPair(pairOps, after, base, "30d");
    assert.deepEqual([next.scheduleStep.kind, ...next.steps.map((x) => x.kind)], ["same", "same", "replace"]);
    assert.deepEqual(
      fx.emu.store
        .apiKeys(podId)
        .map((k) => k.api_key_id)
        .sort(),
      [first.a.id, next.b.id].sort(),
      "a, the key consumers hold, lives on",
    );
    assert.equal(fx.emu.log.count({ method: "GET" }), 1, "one listing of the pod for the schedule");
    for (const live of [next.a, next.b]) await pairOps.keys.remove(live.id, live.outs);
    assert.deepEqual(fx.emu.store.apiKeys(podId), []);
  });

  it("the schedule without any credential: Check fails with how to set one, before any request", async () => {
    const { pairOps, base } = pairHost();
    clock.set(START + 7 * 365 * DAY);
    const live = await upPair(pairOps, {}, base, "30d");
    const bare = await startProviderHost({ cwd: fx.project.dir, project: "rotation", env: { AGENTMAIL_API_KEY: "" } });
    try {
      await bare.configure({});
      fx.emu.log.clear();
      const news = { ...scheduleInputs(base, "30d"), __provider: pairSchedule.inputs["__provider"] };
      const checked = await bare.check(
        urn(SCHEDULE_TYPE, "pair-schedule", "dev", "rotation"),
        live.schedule.inputs,
        news,
      );
      assert.equal(checked.failures.length, 1);
      assert.equal(checked.failures[0]!.property, "");
      assert.match(checked.failures[0]!.reason, /No AgentMail API key\. .*pulumi config set agentmail:apiKey --secret/);
      assert.equal(fx.emu.log.count(), 0, "no listing without a credential");
    } finally {
      await bare.stop();
    }
    for (const k of [live.a, live.b]) await pairOps.keys.remove(k.id, k.outs);
  });
});
