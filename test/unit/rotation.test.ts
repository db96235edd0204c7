/**
 * Level 1: the rotation rules (durations, when a key is due, the conflicts) and how check, diff and update
 * use them. The clock is a number passed in: nothing sleeps.
 */
import assert from "node:assert/strict";
import { check, diff, update } from "../../provider/lifecycle/podApiKey";
import { isDue, parseDuration, rotatesAt, rotationFailures } from "../../provider/lifecycle/rotation";
import { DEFAULTS_KEY } from "../../provider/lifecycle/naming";
import { UNKNOWN } from "../../provider/lifecycle/unknown";

const DAY = 86_400_000;
const created = "2030-01-01T00:00:00.000Z";
const t0 = Date.parse(created);

const state = {
  podId: "pod_1",
  name: "bot-abc1234",
  [DEFAULTS_KEY]: ["name"],
  apiKeyId: "key_1",
  apiKey: "am_us_secretsecretsecretsecret",
  prefix: "am_us_secre",
  createdAt: created,
  rotateAfter: "90d",
  rotatesAt: "2030-04-01T00:00:00.000Z",
};
const inputs = { podId: "pod_1", name: "bot-abc1234", [DEFAULTS_KEY]: ["name"], rotateAfter: "90d" };

describe("rotation rules (unit)", () => {
  it("reads days, hours and minutes, and nothing else", () => {
    assert.equal(parseDuration("90d"), 90 * DAY);
    assert.equal(parseDuration("36h"), 36 * 3_600_000);
    assert.equal(parseDuration("45m"), 45 * 60_000);
    for (const bad of ["", "0d", "90", "d", "1.5d", "90 d", "P90D", "90D", "1w", "-1d", "1d2h", " 9d", "1234567d"]) {
      assert.equal(parseDuration(bad), undefined, bad);
    }
    assert.equal(parseDuration(90), undefined);
  });

  it("is due from createdAt + rotateAfter on, not a millisecond before", () => {
    const policy = { rotateAfter: "90d" };
    assert.equal(rotatesAt(created, policy), "2030-04-01T00:00:00.000Z");
    assert.equal(isDue(created, policy, t0 + 90 * DAY - 1), false);
    assert.equal(isDue(created, policy, t0 + 90 * DAY), true);
    assert.equal(isDue(created, {}, t0 + 9_999 * DAY), false, "no policy, never due");
    assert.equal(
      isDue(created, { rotateAfter: UNKNOWN }, t0 + 9_999 * DAY),
      false,
      "an unknown policy decides nothing",
    );
  });

  it("names each bad or conflicting input, with an example", () => {
    const [bad] = rotationFailures({ rotateAfter: "3 months" });
    assert.equal(bad?.property, "rotateAfter");
    assert.match(bad!.reason, /rotateAfter is not a duration \(got "3 months"\).*"90d", "36h", "45m"/);
    assert.equal(rotationFailures({ expireAfter: "1y" })[0]?.property, "expireAfter");
    const both = rotationFailures({ expireAfter: "30d", expiresAt: "2031-01-01T00:00:00Z" });
    assert.deepEqual(
      both.map((f) => f.property),
      ["expireAfter"],
    );
    assert.match(both[0]!.reason, /expireAfter and expiresAt cannot both be set/);
    for (const [rotate, expire] of [
      ["90d", "90d"],
      ["91d", "90d"],
      ["2161h", "90d"],
    ]) {
      const f = rotationFailures({ rotateAfter: rotate, expireAfter: expire });
      assert.equal(f.length, 1, `${rotate} vs ${expire}`);
      assert.equal(f[0]!.property, "rotateAfter");
      assert.match(f[0]!.reason, /must be shorter than expireAfter .*stops working before it is rotated/);
    }
    assert.deepEqual(rotationFailures({ rotateAfter: "2159h", expireAfter: "90d" }), []);
    assert.deepEqual(rotationFailures({ rotateAfter: UNKNOWN, expireAfter: "90d" }), []);
  });
});

describe("rotation in check, diff and update (unit)", () => {
  it("check refuses a bad duration and the conflicts, and keeps __defaults as they were when rotateAfter changes", async () => {
    const bad = await check({}, { podId: "pod_1", rotateAfter: "soon" });
    assert.deepEqual(
      bad.failures.map((f) => f.property),
      ["rotateAfter"],
    );
    const conflict = await check({}, { podId: "pod_1", expireAfter: "1d", expiresAt: "2099-01-01T00:00:00Z" });
    assert.deepEqual(
      conflict.failures.map((f) => f.property),
      ["expireAfter"],
    );
    const first = await check({}, { podId: "pod_1", autoNamePrefix: "bot", rotateAfter: "90d" });
    const again = await check(first.inputs, { podId: "pod_1", autoNamePrefix: "bot", rotateAfter: "30d" });
    assert.deepEqual(again.failures, []);
    assert.equal(again.inputs["name"], first.inputs["name"]);
    assert.deepEqual(again.inputs[DEFAULTS_KEY], ["name"]);
    assert.equal(again.inputs["rotateAfter"], "30d");
  });

  it("diff: a key not yet due is no change; once due it is replaced because of rotateAfter, creating first", async () => {
    assert.deepEqual(await diff("key_1", state, inputs, () => t0 + 90 * DAY - 1), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    assert.deepEqual(await diff("key_1", state, inputs, () => t0 + 90 * DAY), {
      changes: true,
      replaces: ["rotateAfter"],
      deleteBeforeReplace: false,
    });
  });

  it("diff: a new rotationTrigger replaces the key, and so does setting or removing one; the same one changes nothing", async () => {
    const at = (): number => t0 + 10 * DAY;
    const triggered = { ...state, rotationTrigger: "generation 1" };
    const news = { ...inputs, rotationTrigger: "generation 1" };
    assert.equal((await diff("key_1", triggered, news, at)).changes, false);
    for (const next of ["generation 2", undefined, UNKNOWN]) {
      const d = await diff("key_1", triggered, { ...news, rotationTrigger: next }, at);
      assert.deepEqual(d.replaces, ["rotationTrigger"], String(next));
    }
    assert.deepEqual((await diff("key_1", state, news, at)).replaces, ["rotationTrigger"], "set the first time");
    const preview = await check({}, { podId: "pod_1", rotationTrigger: UNKNOWN });
    assert.deepEqual(preview.failures, [], "not known yet (a preview): passes");
    const bad = await check({}, { podId: "pod_1", rotationTrigger: " q1" });
    assert.deepEqual(
      bad.failures.map((f) => f.property),
      ["rotationTrigger"],
    );
  });

  it("diff: a policy change is an in-place update, unless the new policy makes the key due now", async () => {
    const day10 = (): number => t0 + 10 * DAY;
    const longer = await diff("key_1", state, { ...inputs, rotateAfter: "120d" }, day10);
    assert.deepEqual(longer, { changes: true, replaces: [], deleteBeforeReplace: false });
    const removed = await diff("key_1", state, { ...inputs, rotateAfter: undefined }, day10);
    assert.deepEqual(removed, { changes: true, replaces: [], deleteBeforeReplace: false });
    const expiry = await diff("key_1", state, { ...inputs, expireAfter: "180d" }, day10);
    assert.deepEqual(expiry, { changes: true, replaces: [], deleteBeforeReplace: false });
    const shorter = await diff("key_1", state, { ...inputs, rotateAfter: "7d" }, day10);
    assert.deepEqual(shorter.replaces, ["rotateAfter"]);
  });

  it("diff: an expiry given by expireAfter is not a removed expiresAt, and replaces the key once passed", async () => {
    const withExpiry = {
      ...state,
      expireAfter: "120d",
      expiresAt: "2030-05-01T00:00:00.000Z",
      expiresAtByPolicy: true,
    };
    const news = { ...inputs, expireAfter: "120d" };
    assert.deepEqual((await diff("key_1", withExpiry, news, () => t0)).changes, false);
    // Without the mark, the same state reads as a given expiresAt removed from the inputs: a replacement.
    const { expiresAtByPolicy: _, ...unmarked } = withExpiry;
    assert.deepEqual((await diff("key_1", unmarked, news, () => t0)).replaces, ["expiresAt"]);
    const expired = await diff("key_1", withExpiry, { ...news, rotateAfter: undefined }, () => t0 + 120 * DAY);
    assert.deepEqual(expired.replaces, ["expiresAt"]);
  });

  it("update keeps the key and its secret, stores the new policy and rotatesAt, and drops a removed one", async () => {
    const shorter = await update("key_1", state, { ...inputs, rotateAfter: "30d" });
    assert.equal(shorter.outs["apiKey"], state.apiKey);
    assert.equal(shorter.outs["apiKeyId"], "key_1");
    assert.equal(shorter.outs["createdAt"], created);
    assert.equal(shorter.outs["rotateAfter"], "30d");
    assert.equal(shorter.outs["rotatesAt"], "2030-01-31T00:00:00.000Z");
    const removed = await update("key_1", state, { ...inputs, rotateAfter: undefined });
    assert.equal("rotateAfter" in removed.outs, false);
    assert.equal("rotatesAt" in removed.outs, false);
    assert.equal(removed.outs["apiKey"], state.apiKey);
    // The stored state now matches the inputs: the next diff sees nothing to do.
    assert.equal((await diff("key_1", removed.outs, { ...inputs, rotateAfter: undefined }, () => t0)).changes, false);
  });
});
