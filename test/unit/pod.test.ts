import assert from "node:assert/strict";
import { check, diff, update } from "../../provider/lifecycle/pod";
import { CLIENT_ID, generateClientId, validatePodInputs } from "../../provider/lifecycle/podInputs";
import { UNKNOWN } from "../../provider/lifecycle/unknown";

const state = {
  podId: "pod_1",
  name: "tenant-abc1234",
  clientId: "pulumi-0123456789abcdef0123456789abcdef",
  createdAt: "2026-11-27T00:00:00Z",
  updatedAt: "2026-11-27T00:00:00Z",
  autoNamePrefix: "tenant",
};

function failures(news: Record<string, unknown>) {
  return validatePodInputs(news).failures;
}

describe("Pod input validation (unit)", () => {
  it("accepts no inputs, a name, a clientId, and the preview's unknown value", () => {
    assert.deepEqual(failures({}), []);
    assert.deepEqual(
      failures({ name: "support", clientId: "tenant-42.prod_~x", autoNamePrefix: "p", __provider: "x" }),
      [],
    );
    assert.deepEqual(failures({ name: UNKNOWN, clientId: UNKNOWN }), []);
    assert.deepEqual(
      failures({ name: undefined, podId: undefined, createdAt: undefined }),
      [],
      "undefined outputs are ignored",
    );
  });

  it("rejects a clientId outside 1-256 of A-Za-z0-9-._~, saying what is wrong", () => {
    const [bad] = failures({ clientId: "tenant 42/prod" });
    assert.equal(bad!.property, "clientId");
    assert.match(bad!.reason, /clientId is not valid \(got the character\(s\) " " "\/"\)/);
    assert.match(bad!.reason, /1 to 256 characters among A-Z a-z 0-9 - \. _ ~/);
    assert.match(failures({ clientId: "" })[0]!.reason, /got an empty string/);
    assert.match(failures({ clientId: "x".repeat(257) })[0]!.reason, /got 257 characters/);
    assert.deepEqual(failures({ clientId: "x".repeat(256) }), []);
    assert.match(failures({ clientId: 42 })[0]!.reason, /clientId is not valid: expected/);
  });

  it("rejects an empty name and unknown inputs, with a suggestion", () => {
    assert.match(failures({ name: " " })[0]!.reason, /name is not valid: expected a non-empty string/);
    const [typo] = failures({ clientID: "x" });
    assert.equal(typo!.property, "clientID");
    assert.match(typo!.reason, /"clientID" is not an input of Pod\. Did you mean "clientId"\?/);
  });

  it("rejects a name with leading or trailing spaces (it would be sent as written), naming the input", () => {
    for (const name of [" support", "support  ", "\nsupport"]) {
      const f = failures({ name });
      assert.equal(f.length, 1, JSON.stringify(name));
      assert.equal(f[0]!.property, "name");
      assert.ok(
        f[0]!.reason.startsWith(`name has leading or trailing spaces (got ${JSON.stringify(name)})`),
        f[0]!.reason,
      );
      assert.match(f[0]!.reason, /without leading or trailing spaces/);
    }
    assert.deepEqual(failures({ name: "support team" }), [], "inner spaces are fine");
  });

  it("generates client ids the API accepts, a new one each time", () => {
    const id = generateClientId();
    assert.match(id, CLIENT_ID);
    assert.match(id, /^pulumi-[0-9a-f]{32}$/);
    assert.notEqual(generateClientId(), id);
  });
});

describe("Pod check and diff rules (unit)", () => {
  it("auto-names once and keeps the name; generates no clientId (each create does)", async () => {
    const first = await check({}, { autoNamePrefix: "tenant" });
    assert.deepEqual(first.failures, []);
    assert.match(first.inputs["name"] as string, /^tenant-[0-9a-f]{7}$/);
    assert.equal(first.inputs["clientId"], undefined);
    const again = await check(first.inputs, { autoNamePrefix: "tenant" });
    assert.equal(again.inputs["name"], first.inputs["name"]);
    assert.equal(again.inputs["clientId"], undefined);
    // The state holds the clientId the create generated; inputs without one are no change.
    assert.deepEqual(await diff("pod_1", { ...state, name: first.inputs["name"] }, again.inputs), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("keeps an explicit name and clientId as given", async () => {
    const r = await check({}, { name: "support", clientId: "support-1", autoNamePrefix: "tenant" });
    assert.equal(r.inputs["name"], "support");
    assert.equal(r.inputs["clientId"], "support-1");
  });

  it("a new name replaces, creating first (the create will generate a new clientId)", async () => {
    const renamed = await check(state, { name: "b", autoNamePrefix: "tenant" });
    assert.equal(renamed.inputs["clientId"], undefined);
    const d = await diff("pod_1", state, renamed.inputs);
    assert.deepEqual(d, { changes: true, replaces: ["name"], deleteBeforeReplace: false });
  });

  it("dropping a given clientId changes nothing: the pod exists, and the id only matters to a create", async () => {
    const olds = { ...state, clientId: "mine" };
    const r = await check(olds, { name: state.name, autoNamePrefix: "tenant" });
    assert.equal(r.inputs["clientId"], undefined);
    assert.deepEqual(await diff("pod_1", olds, r.inputs), { changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("reports no change when nothing changed, the given clientId included", async () => {
    const r = await diff(
      "pod_1",
      { ...state, clientId: "mine" },
      {
        name: state.name,
        clientId: "mine",
        autoNamePrefix: "tenant",
        __provider: "x",
      },
    );
    assert.deepEqual(r, { changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("replaces on name or clientId", async () => {
    assert.deepEqual((await diff("pod_1", state, { name: state.name, clientId: "other" })).replaces, ["clientId"]);
    assert.equal((await diff("pod_1", state, { name: state.name, clientId: "other" })).deleteBeforeReplace, false);
  });

  it("deletes first when the replacement would carry the same clientId (AgentMail would return the old pod)", async () => {
    const r = await diff("pod_1", { ...state, clientId: "mine" }, { name: "renamed", clientId: "mine" });
    assert.deepEqual(r, { changes: true, replaces: ["name"], deleteBeforeReplace: true });
  });

  it("treats unknown (preview) values as a possible change", async () => {
    assert.deepEqual((await diff("pod_1", state, { name: UNKNOWN })).replaces, ["name"]);
    assert.deepEqual((await diff("pod_1", state, { name: UNKNOWN, clientId: state.clientId })).replaces, ["name"]);
    assert.deepEqual((await diff("pod_1", state, { name: state.name, clientId: UNKNOWN })).replaces, ["clientId"]);
    const checked = await check(state, { name: UNKNOWN, autoNamePrefix: "tenant" });
    assert.deepEqual(checked.failures, []);
    assert.equal(checked.inputs["name"], UNKNOWN);
  });

  it("check returns failures, not exceptions", async () => {
    const bad = await check({}, { clientId: "no spaces", autoNamePrefix: "tenant" });
    assert.equal(bad.failures[0]!.property, "clientId");
  });

  it("update never wipes an output", async () => {
    const { outs } = await update("pod_1", state, { name: state.name, clientId: state.clientId, __provider: "x" });
    for (const [k, v] of Object.entries(state)) assert.deepEqual(outs[k], v, k);
    assert.equal(outs["__provider"], "x");
  });
});
