/**
 * Level 1: a RotatingPodApiKey's schedule (provider/lifecycle/rotationSchedule.ts): how it finds the pair's keys
 * in a listing, which key it gives a new generation and when (whatever the gaps between ups, and never while a
 * replacement is still to be made), what it keeps across renames and restarts, and what it refuses. The clock
 * is a number passed in; the listing is a list of keys.
 */
import assert from "node:assert/strict";
import type { BearerKey } from "../../provider/agentmail/schemas";
import * as schedule from "../../provider/lifecycle/rotationSchedule";
import { pairView, type PairMember } from "../../provider/rotatingPodApiKey";
import { UNKNOWN } from "../../provider/lifecycle/unknown";

type Props = Record<string, unknown>;
const DAY = 86_400_000;
const t0 = Date.parse("2030-01-01T09:00:00.000Z");
/** The component's URN hash (what it registers), and a pair's whole token (that hash and 8 random digits). */
const HASH = "0a1b2c3d";
const TOKEN = `${HASH}11223344`;
const PERIOD = 30 * DAY;
const news: Props = { rotationPeriod: "30d", podId: "pod_1", autoNamePrefix: "worker", pairToken: HASH };

/** The checked inputs of this pair's schedule at generations `ga`, `gb` (its state). */
const stateAt = (ga: number, gb: number): Props => ({
  ...news,
  keyName: "worker",
  keyNameGiven: false,
  pairToken: TOKEN,
  generationA: ga,
  generationB: gb,
});

/** A listed key of the pair (or any name), made at `at`. */
function key(name: string, at: number, id = `ak_${name}`): BearerKey {
  const iso = new Date(at).toISOString();
  return { type: "bearer", api_key_id: id, prefix: "am_us_x", name, created_at: iso, updated_at: iso } as BearerKey;
}
const named = (m: "a" | "b", g: number) => schedule.pairKeyName("worker", TOKEN, m, g);

/** A check at `at` against a pod listing `keys`, counting the listings. */
function env(at: number, keys: readonly BearerKey[] = []) {
  const calls: string[] = [];
  return {
    calls,
    env: { now: () => at, listKeys: async (podId: string) => (calls.push(podId), keys) },
  };
}

async function checked(olds: Props, at: number, keys: readonly BearerKey[] = [], inputs: Props = news) {
  const { env: e } = env(at, keys);
  const { inputs: out, failures } = await schedule.check(e, olds, inputs);
  assert.deepEqual(failures, []);
  return out;
}

describe("a RotatingPodApiKey's schedule (unit)", () => {
  describe("finding the pair's keys in a listing", () => {
    it("by member: the highest generation, the newest of two with it, whether an older generation is listed too; nothing of another shape or token", () => {
      const seen = schedule.observe(
        [
          key(named("a", 2), t0),
          key(named("a", 3), t0 + DAY),
          key(named("b", 3), t0 + 2 * DAY, "old"),
          key(named("b", 3), t0 + 3 * DAY, "new"),
          key(schedule.pairKeyName("worker", `${HASH}ffffffff`, "a", 9), t0),
          key(schedule.pairKeyName("worker-x", TOKEN, "a", 9), t0),
          key(`worker-a-${TOKEN}-g09`, t0),
          key(`worker-c-${TOKEN}-g9`, t0),
          key(`${named("a", 9)}-old`, t0),
          key(`pulumi-pending-${"0".repeat(32)}`, t0),
        ],
        "worker",
        TOKEN,
      );
      assert.deepEqual(
        { a: { ...seen.a, listed: [] }, b: { ...seen.b, listed: [] } },
        {
          a: { generation: 3, createdAt: new Date(t0 + DAY).toISOString(), superseded: true, listed: [] },
          b: { generation: 3, createdAt: new Date(t0 + 3 * DAY).toISOString(), superseded: false, listed: [] },
        },
      );
      assert.deepEqual(
        seen.a!.listed.map((k) => k.name),
        [named("a", 2), named("a", 3)],
        "every key of the member, oldest first",
      );
    });

    it("takes the name literally: a dot in it is not a wildcard", () => {
      const seen = schedule.observe([key(`w-k-a-${TOKEN}-g4`, t0)], "w.k", TOKEN);
      assert.deepEqual(seen, {});
    });
  });

  describe("deciding", () => {
    const both = (ga: number, atA: number, gb: number, atB: number): schedule.Reality => ({
      a: { generation: ga, createdAt: new Date(atA).toISOString(), superseded: false, listed: [] },
      b: { generation: gb, createdAt: new Date(atB).toISOString(), superseded: false, listed: [] },
    });
    const gens = (a: number, b: number) => ({ generationA: a, generationB: b });

    it("keys made in the same minute: a counts as the newer, so b gets the next generation one period later", () => {
      const reality = both(1, t0 + 5_000, 1, t0 + 7_000);
      assert.deepEqual(schedule.decide(gens(1, 1), reality, PERIOD, t0 + PERIOD - 1), gens(1, 1));
      assert.deepEqual(schedule.decide(gens(1, 1), reality, PERIOD, t0 + PERIOD), gens(1, 2));
    });

    it("the older key, by whole minutes of createdAt, gets the next generation; once, after any gap", () => {
      const reality = both(3, t0, 2, t0 + 10 * DAY);
      for (const gap of [0, 1, 31, 95, 400]) {
        assert.deepEqual(schedule.decide(gens(3, 2), reality, PERIOD, t0 + 40 * DAY + gap * DAY), gens(4, 2), `${gap}`);
      }
      assert.deepEqual(schedule.decide(gens(3, 2), reality, PERIOD, t0 + 40 * DAY - 60_001), gens(3, 2));
    });

    it("nothing new while a key does not hold its generation yet (a replacement still to be made), however late", () => {
      const pending = both(1, t0, 1, t0);
      assert.deepEqual(schedule.decide(gens(1, 2), pending, PERIOD, t0 + 900 * DAY), gens(1, 2), "b pending");
      assert.deepEqual(schedule.decide(gens(2, 1), pending, PERIOD, t0 + 900 * DAY), gens(2, 1), "a pending");
    });

    it("nothing new while a key's predecessor is still listed (a replacement not over, or made by an interrupted up)", () => {
      for (const m of ["a", "b"] as const) {
        const reality = both(2, t0, 2, t0 + DAY);
        const stale = { ...reality, [m]: { ...reality[m]!, superseded: true } };
        assert.deepEqual(schedule.decide(gens(2, 2), stale, PERIOD, t0 + 900 * DAY), gens(2, 2), m);
      }
    });

    it("nothing while a key is missing from the listing (revoked elsewhere, until a refresh recreates it)", () => {
      const onlyA: schedule.Reality = {
        a: { generation: 1, createdAt: new Date(t0).toISOString(), superseded: false, listed: [] },
      };
      assert.deepEqual(schedule.decide(gens(1, 1), onlyA, PERIOD, t0 + 900 * DAY), gens(1, 1));
    });

    it("takes a key's own generation where it is ahead of the schedule's (a state restored from an older copy)", () => {
      assert.deepEqual(schedule.decide(gens(1, 1), both(4, t0, 5, t0 + DAY), PERIOD, t0 + 2 * DAY), gens(4, 5));
    });
  });

  describe("check", () => {
    it("a first create: generation 1 for both, the component's name, a token of its URN hash and 8 random digits", async () => {
      const first = await checked({}, t0);
      assert.equal(first["generationA"], 1);
      assert.equal(first["generationB"], 1);
      assert.equal(first["keyName"], "worker");
      assert.equal(first["keyNameGiven"], false);
      assert.match(String(first["pairToken"]), /^0a1b2c3d[0-9a-f]{8}$/);
      const second = await checked({}, t0);
      assert.notEqual(second["pairToken"], first["pairToken"], "two deployments of one stack never share a token");
    });

    it("the same inputs in the same period: the same checked inputs (a second up changes nothing)", async () => {
      const keys = [key(named("a", 1), t0), key(named("b", 1), t0)];
      const first = await checked(stateAt(1, 1), t0, keys);
      assert.deepEqual(first, stateAt(1, 1));
      assert.deepEqual(await checked(first, t0 + PERIOD - 60_001, keys), first);
      const due = await checked(first, t0 + PERIOD, keys);
      assert.equal(due["generationB"], 2);
    });

    it("keeps the name and token of the old inputs when the component is renamed; follows a given name", async () => {
      const first = await checked({}, t0);
      const renamed = await checked(first, t0, [], { ...news, autoNamePrefix: "renamed", pairToken: "99999999" });
      assert.equal(renamed["keyName"], "worker");
      assert.equal(renamed["pairToken"], first["pairToken"]);
      const given = await checked(first, t0, [], { ...news, name: "svc" });
      assert.equal(given["keyName"], "svc");
      assert.equal(given["keyNameGiven"], true);
      const dropped = await checked(given, t0, [], news);
      assert.equal(dropped["keyName"], "worker", "a given name removed: the component's name again");
    });

    it("started again without old inputs (--replace, taint): a new pair, even with its former keys listed", async () => {
      const keys = [key(named("a", 7), t0), key(named("b", 6), t0 + DAY)];
      const e = env(t0 + 2 * DAY, keys);
      const { inputs } = await schedule.check(e.env, {}, news);
      assert.notEqual(inputs["pairToken"], TOKEN, "a twin deployment's keys look the same: none are taken");
      assert.deepEqual([inputs["generationA"], inputs["generationB"]], [1, 1]);
      assert.deepEqual(e.calls, [], "nothing to list for a new pair");
    });

    it("keys of another pair's token change nothing (two deployments of one stack in one pod)", async () => {
      const first = await checked(stateAt(1, 1), t0, [key(named("a", 1), t0), key(named("b", 1), t0)]);
      const twin = schedule.pairKeyName("worker", `${HASH}99999999`, "a", 7);
      const later = await checked(first, t0 + DAY, [
        key(named("a", 1), t0),
        key(named("b", 1), t0),
        key(twin, t0 + DAY),
      ]);
      assert.deepEqual(later, first);
    });

    it("lists the pod once per check, and not at all while the pod id (or the connection) is not known", async () => {
      const known = env(t0);
      await schedule.check(known.env, stateAt(1, 1), news);
      assert.deepEqual(known.calls, ["pod_1"]);
      for (const unknown of [{ podId: UNKNOWN }, { connection: UNKNOWN }, { connection: { apiKey: UNKNOWN } }]) {
        const preview = env(t0);
        const out = await schedule.check(preview.env, stateAt(3, 2), { ...news, ...unknown });
        assert.deepEqual(preview.calls, [], JSON.stringify(unknown));
        assert.deepEqual([out.inputs["generationA"], out.inputs["generationB"]], [3, 2]);
      }
    });

    it("a replaced key listed beside its successor for a period: a failure naming the member's keys, not a silent stop", async () => {
      const keys = [
        key(named("a", 2), t0, "ak_a2"),
        key(named("b", 1), t0 - 40 * DAY, "ak_b1"),
        key(named("b", 2), t0 + DAY, "ak_b2"),
      ];
      const early = await schedule.check(env(t0 + DAY + PERIOD - 60_001, keys).env, stateAt(2, 2), news);
      assert.deepEqual(early.failures, [], "within a period: a replacement may still be under way");
      assert.deepEqual([early.inputs["generationA"], early.inputs["generationB"]], [2, 2], "and nothing is decided");
      const late = await schedule.check(env(t0 + DAY + PERIOD, keys).env, stateAt(2, 2), news);
      assert.equal(late.failures.length, 1);
      assert.equal(late.failures[0]!.property, "");
      const reason = late.failures[0]!.reason;
      assert.match(reason, /more than one key of this pair's "b" in pod pod_1: /);
      const [first, second] = [
        reason.indexOf(`${named("b", 1)} (ak_b1, `),
        reason.indexOf(`${named("b", 2)} (ak_b2, `),
      ];
      assert.ok(first > 0 && second > first, reason);
      assert.match(reason, /neither this pair's apiKeyId nor its previousApiKeyId/);
    });

    it("a listing that fails fails the check, saying what it was for and that nothing changed", async () => {
      const failing = {
        now: () => t0,
        listKeys: async () => {
          throw new Error("AgentMail GET /v0/pods/pod_1/api-keys answered 503 service_unavailable.");
        },
      };
      await assert.rejects(
        schedule.check(failing, stateAt(1, 1), news),
        /RotatingPodApiKey's schedule lists pod pod_1's keys to decide which key to rotate, and could not: AgentMail GET .* answered 503.* Nothing was changed\./,
      );
    });

    it("refuses a bad period, pod id or token, and an unknown input, naming each, with no listing", async () => {
      for (const [bad, property] of [
        [{ rotationPeriod: "monthly" }, "rotationPeriod"],
        [{ podId: ".." }, "podId"],
        [{ pairToken: "xyz" }, "pairToken"],
        [{ pairToken: "0a1b2c3d1" }, "pairToken"],
        [{ rotateAfter: "1d" }, "rotateAfter"],
      ] as const) {
        const e = env(t0);
        const out = await schedule.check(e.env, {}, { ...news, ...bad });
        assert.deepEqual(
          out.failures.map((f) => f.property),
          [property],
          JSON.stringify(bad),
        );
        assert.deepEqual(e.calls, []);
      }
    });
  });

  it("diff: a change is an update, never a replacement; create, update and read keep the checked inputs", async () => {
    const first = await checked({}, t0);
    const next = { ...first, generationB: 2 };
    assert.deepEqual(await schedule.diff("s", first, next), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    assert.deepEqual(await schedule.diff("s", first, first), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const made = await schedule.create(first);
    assert.match(made.id, /^schedule-[0-9a-f]{16}$/);
    assert.deepEqual(made.outs, first);
    assert.deepEqual((await schedule.update(made.id, first, next)).outs, next);
    assert.deepEqual(await schedule.read(made.id, first), { id: made.id, props: first });
  });

  describe("the pair's outputs (pairView)", () => {
    const member = (id: string, at: number, g: number): PairMember => ({
      apiKey: `am_us_${id}`,
      apiKeyId: id,
      createdAt: new Date(at).toISOString(),
      rotationTrigger: `generation ${g}`,
    });

    it("the later createdAt (whole minutes) is apiKey, a on a tie; rotatesAt is its minute plus a period", () => {
      const later = pairView(member("a", t0, 1), member("b", t0 + DAY, 1), { a: 1, b: 1 }, PERIOD);
      assert.equal(later.newer.apiKeyId, "b");
      assert.equal(later.rotatesAt, new Date(t0 + DAY + PERIOD).toISOString());
      const tie = pairView(member("a", t0 + 1_000, 1), member("b", t0 + 2_000, 1), { a: 1, b: 1 }, PERIOD);
      assert.equal(tie.newer.apiKeyId, "a");
    });

    it("a key that does not hold its generation yet is never apiKey, however new, and there is no rotatesAt", () => {
      const view = pairView(member("a", t0, 1), member("b", t0 + DAY, 1), { a: 1, b: 2 }, PERIOD);
      assert.equal(view.newer.apiKeyId, "a");
      assert.equal(view.older.apiKeyId, "b");
      assert.equal(view.rotatesAt, undefined);
      const mirror = pairView(member("a", t0 + DAY, 1), member("b", t0, 1), { a: 2, b: 1 }, PERIOD);
      assert.equal(mirror.newer.apiKeyId, "b");
      assert.equal(mirror.rotatesAt, undefined);
    });
  });
});
