/**
 * Level 1: a RotatingPodApiKey's schedule (provider/lifecycle/rotationSchedule.ts): which key an `up` replaces
 * and when, whatever the gaps between ups; that a second check in the same period changes nothing; and what it
 * refuses. The clock is a number passed in.
 */
import assert from "node:assert/strict";
import * as schedule from "../../provider/lifecycle/rotationSchedule";
import { UNKNOWN } from "../../provider/lifecycle/unknown";

type Props = Record<string, unknown>;
const DAY = 86_400_000;
const t0 = Date.parse("2030-01-01T09:00:00.000Z");
const news = { rotationPeriod: "30d", __provider: "shim" };

/** The schedule's checked inputs after a check at `at`, from `olds`. */
async function checkedAt(olds: Props, at: number, inputs: Props = news): Promise<Props> {
  const { inputs: out, failures } = await schedule.check(olds, inputs, () => at);
  assert.deepEqual(failures, []);
  return out;
}

describe("a RotatingPodApiKey's schedule (unit)", () => {
  it("starts both keys now, in whole minutes, `a` counted as the newer, so `b` is replaced first", async () => {
    const first = await checkedAt({}, t0 + 42_123);
    assert.deepEqual(first, {
      rotationPeriod: "30d",
      generationA: 1,
      generationB: 1,
      sinceA: "2030-01-01T09:00:00.000Z",
      sinceB: "2030-01-01T09:00:00.000Z",
      newer: "a",
      rotatesAt: "2030-01-31T09:00:00.000Z",
      __provider: "shim",
    });
  });

  it("replaces nothing before the newer key is a period old; from then on, the older key, then the other in turn", async () => {
    let plan = await checkedAt({}, t0);
    assert.deepEqual(await checkedAt(plan, t0 + 30 * DAY - 1), plan, "a millisecond before: the same");
    const order: string[] = [];
    for (let day = 1; day <= 120; day++) {
      const next = await checkedAt(plan, t0 + day * DAY);
      if (next["generationA"] !== plan["generationA"]) order.push(`${day}:a`);
      if (next["generationB"] !== plan["generationB"]) order.push(`${day}:b`);
      assert.deepEqual(
        await checkedAt(next, t0 + day * DAY + 3_600_000),
        next,
        `day ${day}: a second up changes nothing`,
      );
      plan = next;
    }
    assert.deepEqual(order, ["30:b", "60:a", "90:b", "120:a"]);
    assert.deepEqual([plan["generationA"], plan["generationB"], plan["newer"]], [3, 3, "a"]);
  });

  it("after any gap, one up replaces one key, the older: never the key handed out last", async () => {
    // b is the newer (replaced on day 30); a is the newer from day 60 on.
    const bNewer = await checkedAt(await checkedAt({}, t0), t0 + 30 * DAY);
    const aNewer = await checkedAt(bNewer, t0 + 60 * DAY);
    assert.equal(bNewer["newer"], "b");
    assert.equal(aNewer["newer"], "a");
    for (const [label, plan] of [
      ["b newer", bNewer],
      ["a newer", aNewer],
    ] as const) {
      for (const gapDays of [31, 45, 61, 75, 300]) {
        const since = Date.parse(String(plan[plan["newer"] === "a" ? "sinceA" : "sinceB"]));
        const next = await checkedAt(plan, since + gapDays * DAY);
        const older = plan["newer"] === "a" ? "B" : "A";
        const newer = plan["newer"] === "a" ? "A" : "B";
        assert.equal(
          next[`generation${older}`],
          Number(plan[`generation${older}`]) + 1,
          `${label}, ${gapDays}d: older`,
        );
        assert.equal(next[`generation${newer}`], plan[`generation${newer}`], `${label}, ${gapDays}d: newer kept`);
        assert.equal(next["newer"], older.toLowerCase(), `${label}, ${gapDays}d: the replaced key is the newer now`);
        assert.equal(next["rotatesAt"], new Date(since + gapDays * DAY + 30 * DAY).toISOString());
      }
    }
  });

  it("a shorter period can make the older key due at once; a longer one delays it; both are updates, never replacements", async () => {
    const plan = await checkedAt({}, t0);
    const shorter = await checkedAt(plan, t0 + 10 * DAY, { ...news, rotationPeriod: "7d" });
    assert.equal(shorter["generationB"], 2);
    const longer = await checkedAt(plan, t0 + 40 * DAY, { ...news, rotationPeriod: "60d" });
    assert.equal(longer["generationB"], 1);
    assert.equal(longer["rotatesAt"], "2030-03-02T09:00:00.000Z");
    assert.deepEqual(await schedule.diff("s", plan, longer), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    assert.deepEqual(await schedule.diff("s", plan, plan), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("an unknown period (a preview) keeps the plan; create, update and read keep the checked inputs as they are", async () => {
    const plan = await checkedAt({}, t0);
    const kept = await checkedAt(plan, t0 + 99 * DAY, { ...news, rotationPeriod: UNKNOWN });
    assert.equal(kept["generationB"], 1);
    const made = await schedule.create(plan);
    assert.match(made.id, /^schedule-[0-9a-f]{16}$/);
    assert.deepEqual(made.outs, plan);
    assert.deepEqual((await schedule.update(made.id, plan, kept)).outs, kept);
    assert.deepEqual(await schedule.read(made.id, plan), { id: made.id, props: plan });
  });

  it("refuses a period that is not a duration, an unknown input, and a damaged state, naming each", async () => {
    const bad = await schedule.check({}, { rotationPeriod: "monthly" }, () => t0);
    assert.deepEqual(
      bad.failures.map((f) => f.property),
      ["rotationPeriod"],
    );
    assert.match(bad.failures[0]!.reason, /rotationPeriod is not a duration \(got "monthly"\).*"90d", "36h", "45m"/);
    const extra = await schedule.check({}, { ...news, rotateAfter: "1d" }, () => t0);
    assert.deepEqual(
      extra.failures.map((f) => f.property),
      ["rotateAfter"],
    );
    const plan = await checkedAt({}, t0);
    for (const damage of [{ generationA: "1" }, { sinceB: "yesterday" }, { newer: "c" }, { generationB: 0 }]) {
      const damaged = await schedule.check({ ...plan, ...damage }, news, () => t0);
      assert.equal(damaged.failures.length, 1, JSON.stringify(damage));
      assert.match(damaged.failures[0]!.reason, /state cannot be read .*pulumi state delete/);
    }
  });
});
