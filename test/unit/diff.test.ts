import assert from "node:assert/strict";
import { check, diff, update } from "../../provider/lifecycle/podApiKey";
import { autoName } from "../../provider/lifecycle/naming";
import { UNKNOWN } from "../../provider/lifecycle/unknown";

const state = {
  podId: "pod_1",
  name: "bot-abc1234",
  permissions: { messageSend: true },
  apiKeyId: "key_1",
  apiKey: "am_us_secretsecretsecretsecret",
  prefix: "am_us_secre",
  createdAt: "2026-11-27T00:00:00Z",
  autoNamePrefix: "bot",
};

describe("PodApiKey diff and check rules (unit)", () => {
  it("reports no change when nothing changed, by meaning", async () => {
    const r = await diff("key_1", state, {
      podId: "pod_1",
      name: "bot-abc1234",
      permissions: { messageSend: true, inboxRead: false },
    });
    assert.deepEqual(r, { changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("replaces (create before delete) on podId, name, permissions and expiresAt", async () => {
    const news = {
      podId: "pod_2",
      name: "other",
      permissions: { messageRead: true },
      expiresAt: "2027-01-01T00:00:00Z",
    };
    const r = await diff("key_1", state, news);
    assert.equal(r.changes, true);
    assert.deepEqual(r.replaces, ["podId", "name", "permissions", "expiresAt"]);
    assert.equal(r.deleteBeforeReplace, false);
  });

  it("treats omitted (full access) and {} (nothing) as different grants", async () => {
    const full = { ...state, permissions: undefined };
    assert.deepEqual((await diff("key_1", full, { podId: "pod_1", name: "bot-abc1234", permissions: {} })).replaces, [
      "permissions",
    ]);
    assert.deepEqual((await diff("key_1", full, { podId: "pod_1", name: "bot-abc1234" })).replaces, []);
  });

  it("compares expiresAt as an instant", async () => {
    const old = { ...state, expiresAt: "2027-01-01T00:00:00Z" };
    const r = await diff("key_1", old, {
      podId: "pod_1",
      name: "bot-abc1234",
      permissions: { messageSend: true },
      expiresAt: "2027-01-01T01:00:00+01:00",
    });
    assert.equal(r.changes, false);
  });

  describe("expiry given or inherited (issue 16)", () => {
    const news = { podId: "pod_1", name: "bot-abc1234", permissions: { messageSend: true } };
    const at = Date.parse("2026-12-01T00:00:00Z");
    const clock = () => at;
    const inherited = { ...state, expiresAt: "2027-06-01T00:00:00Z", expiresAtInherited: true };

    it("an inherited expiry changes nothing while none is given", async () => {
      assert.deepEqual((await diff("key_1", inherited, news, clock)).replaces, []);
    });

    it("a given expiry removed from the inputs replaces the key (the user asked for one that does not expire)", async () => {
      const given = { ...state, expiresAt: "2027-06-01T00:00:00Z" };
      assert.deepEqual((await diff("key_1", given, news, clock)).replaces, ["expiresAt"]);
    });

    it("a given expiry is compared with the inherited one by instant", async () => {
      const same = { ...news, expiresAt: "2027-06-01T02:00:00+02:00" };
      assert.deepEqual((await diff("key_1", inherited, same, clock)).replaces, []);
      const later = { ...news, expiresAt: "2027-07-01T00:00:00Z" };
      assert.deepEqual((await diff("key_1", inherited, later, clock)).replaces, ["expiresAt"]);
    });

    it("a key whose expiry has passed, inherited or given, is replaced", async () => {
      const past = { ...inherited, expiresAt: "2026-11-30T23:59:59Z" };
      assert.deepEqual((await diff("key_1", past, news, clock)).replaces, ["expiresAt"]);
      const given = { ...past, expiresAtInherited: undefined };
      const r = await diff("key_1", given, { ...news, expiresAt: given.expiresAt }, clock);
      assert.deepEqual(r.replaces, ["expiresAt"]);
      assert.deepEqual((await diff("key_1", inherited, news, () => Date.parse("2027-06-01T00:00:00Z"))).replaces, [
        "expiresAt",
      ]);
    });
  });

  it("treats unknown (preview) values as a possible change", async () => {
    assert.deepEqual(
      (await diff("key_1", state, { podId: UNKNOWN, name: "bot-abc1234", permissions: { messageSend: true } }))
        .replaces,
      ["podId"],
    );
    assert.deepEqual(
      (await diff("key_1", state, { podId: "pod_1", name: "bot-abc1234", permissions: { messageSend: UNKNOWN } }))
        .replaces,
      ["permissions"],
    );
    assert.deepEqual(
      (
        await diff("key_1", state, {
          podId: "pod_1",
          name: "bot-abc1234",
          permissions: { messageSend: true, inboxRead: UNKNOWN },
        })
      ).replaces,
      ["permissions"],
      "an added permission not known yet may grant more",
    );
  });

  it("replaces a state that lost its secret (a half-created key)", async () => {
    const { apiKey: _drop, ...withoutSecret } = state;
    const r = await diff("key_1", withoutSecret, {
      podId: "pod_1",
      name: "bot-abc1234",
      permissions: { messageSend: true },
    });
    assert.deepEqual(r.replaces, ["apiKey"]);
    // Whatever else the state lacks: a state of the inputs alone (an imported pending create) has no apiKeyId either.
    const { apiKeyId: _id, ...inputsAlone } = withoutSecret;
    assert.deepEqual((await diff("key_1", inputsAlone, inputsAlone)).replaces, ["apiKey"]);
  });

  it("auto-names once and keeps the name on later checks", async () => {
    const first = await check({}, { podId: "pod_1", autoNamePrefix: "bot" });
    const name = first.inputs["name"] as string;
    assert.match(name, /^bot-[0-9a-f]{7}$/);
    const again = await check(first.inputs, { podId: "pod_1", autoNamePrefix: "bot" });
    assert.equal(again.inputs["name"], name);
    // An explicit name wins; dropping it later picks a fresh auto-name rather than keeping the explicit one.
    assert.equal((await check({}, { podId: "p", name: "given", autoNamePrefix: "bot" })).inputs["name"], "given");
    assert.notEqual(autoName("bot", { name: "given", __defaults: [] }), "given");
  });

  it("check returns failures, not exceptions, and strips undefined inputs", async () => {
    const bad = await check({}, { podId: "", autoNamePrefix: "bot" });
    assert.equal(bad.failures[0]!.property, "podId");
    const good = await check({}, { podId: "p", autoNamePrefix: "bot", apiKey: undefined, expiresAt: undefined });
    assert.ok(!("apiKey" in good.inputs) && !("expiresAt" in good.inputs));
  });

  it("update never wipes an output", async () => {
    const { outs } = await update("key_1", state, {
      podId: "pod_1",
      name: "bot-abc1234",
      permissions: { messageSend: true },
      __provider: "x",
    });
    for (const [k, v] of Object.entries(state)) assert.deepEqual(outs[k], v, k);
  });
});
