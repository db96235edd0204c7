/**
 * Level 2, issue 10 item 1: a create revokes only keys that one of its own attempts made. Every scenario
 * the review reproduced (two stacks sharing a name, `pulumi up --replace` of a young key) is run with
 * the faults that used to make the create revoke someone else's live key, and the emulator's keys and
 * request log are counted afterwards. After every test, no key may be left under a one-off claim name.
 */
import assert from "node:assert/strict";
import * as lifecycle from "../../provider/lifecycle/podApiKey";
import { CLAIM_PREFIX, InitFailedError } from "../../provider/lifecycle/createKey";
import { startBench, rejection, usePodBench, type Bench } from "./setup";

const KEYS = "/v0/pods/*/api-keys";
const KEY = "/v0/pods/*/api-keys/*";

describe("PodApiKey create: exact attribution after an ambiguous failure (level 2)", () => {
  const fx = usePodBench("attribution");
  afterEach(function () {
    if (this.currentTest?.state !== "passed") return;
    const claimed = fx.bench.emu.store.apiKeys(fx.podId).filter((k) => k.name.startsWith(CLAIM_PREFIX));
    assert.deepEqual(claimed, [], "no key is ever left under a one-off claim name");
  });

  // Checked inputs as two stacks produce them for the same name (e.g. examples/rotation with the same date),
  // and as `pulumi up --replace` sends them: the replacement's create gets the live key's own inputs.
  const inputs = { podId: "", name: "rotation-2026-12-01", permissions: { messageSend: true }, __provider: "shim" };
  const checked = () => ({ ...inputs, podId: fx.podId });
  const live = () =>
    fx.bench.emu.store
      .apiKeys(fx.podId)
      .map((k) => k.api_key_id)
      .sort();
  const deleted = () => fx.bench.emu.log.entries({ method: "DELETE" }).map((e) => e.path.split("/").pop());

  for (const [label, fault] of [
    ["a 503 that committed nothing", { status: 503 }],
    ["a 503 after commit", { status: 503, afterCommit: true }],
    ["a reset after commit", { destroy: true, afterCommit: true }],
  ] as const) {
    it(`another stack's live key of the same name and grant survives ${label}`, async () => {
      const a = await lifecycle.create(fx.bench.ctx(), checked());
      fx.bench.emu.log.clear();
      fx.bench.emu.faults.add({ method: "POST", path: KEYS, times: 1, ...fault });
      const b = await lifecycle.create(fx.bench.ctx(), checked());
      assert.deepEqual(live(), [a.id, b.id].sort(), "both stacks' keys are live, and nothing else");
      assert.ok(!deleted().includes(a.id), "stack A's key was never revoked");
      assert.equal(fx.bench.emu.log.count({ method: "POST" }), 2);
      assert.equal(
        fx.bench.emu.log.count({ method: "DELETE" }),
        "afterCommit" in fault ? 1 : 0,
        "only B's own leftover",
      );
      assert.equal(fx.bench.emu.store.apiKeys(fx.podId).find((k) => k.api_key_id === b.id)?.name, inputs.name);
    });
  }

  it("--replace of a young key with every POST failing: the create fails, and the key in state still works", async () => {
    const old = await lifecycle.create(fx.bench.ctx(), checked());
    fx.bench.emu.log.clear();
    fx.bench.emu.faults.add({ method: "POST", path: KEYS, status: 503 });
    const e = await rejection(lifecycle.create(fx.bench.ctx(), checked()));
    assert.match(e.message, /failed 4 times/);
    assert.match(e.message, /no other key was touched/);
    assert.deepEqual(live(), [old.id]);
    assert.equal(fx.bench.emu.log.count({ method: "DELETE" }), 0);
  });

  it("--replace of a young key with every POST committing and failing: only the attempts' keys are revoked", async () => {
    const old = await lifecycle.create(fx.bench.ctx(), checked());
    fx.bench.emu.log.clear();
    fx.bench.emu.faults.add({ method: "POST", path: KEYS, status: 500, afterCommit: true });
    await rejection(lifecycle.create(fx.bench.ctx(), checked()));
    assert.deepEqual(live(), [old.id]);
    assert.equal(fx.bench.emu.log.count({ method: "DELETE" }), 4, "the four attempts' keys, each once");
    assert.ok(!deleted().includes(old.id));
  });

  it("--replace of a young key with one 503 then success: the old key is left for the engine to delete", async () => {
    const old = await lifecycle.create(fx.bench.ctx(), checked());
    fx.bench.emu.log.clear();
    fx.bench.emu.faults.add({ method: "POST", path: KEYS, status: 503, times: 1 });
    const replacement = await lifecycle.create(fx.bench.ctx(), checked());
    assert.deepEqual(live(), [old.id, replacement.id].sort());
    assert.equal(fx.bench.emu.log.count({ method: "DELETE" }), 0);
  });

  it("an attempt's key that the first look missed is revoked by the look after the successful retry", async () => {
    fx.bench.emu.faults.add({ method: "POST", path: KEYS, status: 500, afterCommit: true, times: 1 });
    // The first look finds nothing (as if the failed attempt had not committed yet, or the listing lagged).
    fx.bench.emu.faults.add({ method: "GET", path: KEYS, status: 200, body: { count: 0, api_keys: [] }, times: 1 });
    const other = fx.bench.emu.store.createApiKey(fx.podId, { name: inputs.name });
    const { id } = await lifecycle.create(fx.bench.ctx(), checked());
    assert.deepEqual(live(), [id, other.api_key_id].sort());
    assert.equal(fx.bench.emu.log.count({ method: "GET" }), 2);
    assert.equal(fx.bench.emu.log.count({ method: "DELETE" }), 1);
  });

  it("when that second look fails, the state keeps the key and the claim, and the destroy revokes both: no orphan", async () => {
    fx.bench.emu.faults.add({ method: "POST", path: KEYS, status: 500, afterCommit: true, times: 1 });
    fx.bench.emu.faults.add({ method: "GET", path: KEYS, status: 200, body: { count: 0, api_keys: [] }, times: 1 });
    fx.bench.emu.faults.add({ method: "GET", path: KEYS, status: 403, code: "forbidden" });
    const e = await rejection(lifecycle.create(fx.bench.ctx(), checked()));
    assert.ok(e instanceof InitFailedError, e.message);
    assert.match(e.message, /an earlier attempt's key could not be looked for/);
    assert.match(e.message, /kept in the state \(its secret is not\)/);
    assert.equal(fx.bench.emu.log.count({ method: "POST" }), 2);
    assert.equal(fx.bench.emu.log.count({ method: "DELETE" }), 0);
    const claims = fx.bench.emu.store.apiKeys(fx.podId).map((k) => k.name);
    assert.deepEqual(claims, [claims[0], claims[0]], "both attempts' keys, under this create's claim");
    assert.equal(e.properties["pendingClaim"], claims[0]);
    assert.equal(e.properties["apiKey"], undefined);
    fx.bench.emu.faults.clear();
    await lifecycle.remove(fx.bench.ctx(), e.id, e.properties);
    assert.deepEqual(live(), []);
  });

  it("a rename lost after commit is tried again: one key, under the user's name", async () => {
    fx.bench.emu.faults.add({ method: "PATCH", path: KEY, status: 503, afterCommit: true, times: 1 });
    const { id, outs } = await lifecycle.create(fx.bench.ctx(), checked());
    assert.deepEqual(live(), [id]);
    assert.equal(outs["name"], inputs.name);
    assert.equal(fx.bench.emu.log.count({ method: "PATCH" }), 2);
    assert.equal(fx.bench.emu.log.count({ method: "DELETE" }), 0);
  });

  it("a credential that may not rename keys: the key is revoked, and the error names api_key_update", async () => {
    fx.bench.emu.faults.add({ method: "PATCH", path: KEY, status: 403, code: "missing_permission" });
    const e = await rejection(lifecycle.create(fx.bench.ctx(), checked()));
    assert.match(e.message, /It was revoked, so no key was left behind/);
    assert.match(e.message, /needs the api_key_update permission as well as api_key_create/);
    assert.deepEqual(live(), []);
    assert.equal(fx.bench.emu.log.count({ method: "PATCH" }), 1, "a 403 is not retried");
    assert.equal(fx.bench.emu.log.count({ method: "DELETE" }), 1);
  });

  it("a rename that fails and a revoke that fails: created-but-failed, so the state holds the key", async () => {
    fx.bench.emu.faults.add({ method: "PATCH", path: KEY, status: 400, code: "validation_error" });
    fx.bench.emu.faults.add({ method: "DELETE", path: KEY, status: 503 });
    const e = await rejection(lifecycle.create(fx.bench.ctx(), checked()));
    assert.ok(e instanceof InitFailedError);
    const [key] = fx.bench.emu.store.apiKeys(fx.podId);
    assert.equal(e.id, key?.api_key_id);
    assert.equal(e.properties["apiKeyId"], key?.api_key_id);
    assert.equal(e.properties["apiKey"], undefined, "no secret in the properties the engine keeps");
    fx.bench.emu.faults.clear();
    // What the next `up` does with that state: replace it, then delete the old resource by its id.
    assert.deepEqual((await lifecycle.diff(e.id, e.properties, checked())).replaces, ["apiKey"]);
    await lifecycle.remove(fx.bench.ctx(), e.id, e.properties);
    assert.deepEqual(live(), []);
  });

  describe("answers about another key (from an adversarial review)", () => {
    const other = () =>
      fx.bench.emu.store.createApiKey(fx.podId, { name: "another-stacks-key", permissions: { message_send: true } });
    const isLive = (id: string) => live().includes(id);

    it("a valid 2xx answer naming another key (after this attempt committed): that key is never touched", async () => {
      const theirs = other();
      fx.bench.emu.faults.add({
        method: "POST",
        path: KEYS,
        times: 1,
        afterCommit: true,
        status: 200,
        body: {
          api_key_id: theirs.api_key_id,
          api_key: "am_us_notthesecretofanything0000",
          prefix: "am_us_notth",
          name: "another-stacks-key",
          permissions: { message_send: true },
          created_at: new Date().toISOString(),
        },
      });
      const mine = await lifecycle.create(fx.bench.ctx(), checked());
      assert.ok(isLive(theirs.api_key_id), "the other key was not revoked");
      assert.ok(!deleted().includes(theirs.api_key_id));
      assert.equal(fx.bench.emu.log.count({ method: "PATCH" }), 1, "only this create's key was renamed");
      assert.equal(fx.bench.emu.log.count({ method: "DELETE" }), 1, "the attempt's own key, found under its claim");
      assert.deepEqual(live().sort(), [theirs.api_key_id, mine.id].sort());
    });

    it("an unusable 2xx answer naming another key's id: revoked only if it names this create's claim", async () => {
      const theirs = other();
      fx.bench.emu.faults.add({
        method: "POST",
        path: KEYS,
        times: 1,
        status: 201,
        body: { api_key_id: theirs.api_key_id },
      });
      const mine = await lifecycle.create(fx.bench.ctx(), checked());
      assert.ok(isLive(theirs.api_key_id), "the other key was not revoked");
      assert.equal(fx.bench.emu.log.count({ method: "DELETE" }), 0);
      assert.deepEqual(live().sort(), [theirs.api_key_id, mine.id].sort());
    });

    it("a rename and a revoke both answered 404 for a key the pod lists: created-but-failed, never 'revoked'", async () => {
      fx.bench.emu.faults.add({ method: "PATCH", path: KEY, status: 404, code: "not_found", times: 1 });
      fx.bench.emu.faults.add({ method: "DELETE", path: KEY, status: 404, code: "not_found", times: 1 });
      const e = await rejection(lifecycle.create(fx.bench.ctx(), checked()));
      assert.ok(e instanceof InitFailedError, e.message);
      assert.doesNotMatch(e.message, /It was revoked/);
      const [key] = fx.bench.emu.store.apiKeys(fx.podId);
      assert.equal(e.id, key?.api_key_id, "the state keeps the key, so the next up revokes it");
      await lifecycle.remove(fx.bench.ctx(), e.id, e.properties);
      assert.deepEqual(live(), []);
    });
  });
});

describe("PodApiKey create against a lagging listing: a failed attempt's key found later (level 2)", () => {
  let now = Date.parse("2026-12-01T00:00:00Z");
  let bench: Bench;
  let podId: string;
  before(async () => {
    bench = await startBench({ clock: () => now, listingLagMs: 5_000 });
  });
  after(() => bench.close());
  beforeEach(() => {
    now = Date.parse("2026-12-01T00:00:00Z");
    podId = bench.emu.store.createPod({ name: "lag" }).pod_id;
    bench.emu.log.clear();
    bench.emu.faults.clear();
  });
  const ctx = () => ({ ...bench.ctx(), now: () => now });
  const inputs = () => ({ podId, name: "lagging-1234567", permissions: { messageSend: true }, __provider: "shim" });
  const claimed = () => bench.emu.store.apiKeys(podId).filter((k) => k.name.startsWith(CLAIM_PREFIX));

  async function createWithHiddenLeftover(): Promise<{ id: string; outs: Record<string, unknown> }> {
    bench.emu.faults.add({ method: "POST", path: KEYS, status: 500, afterCommit: true, times: 1 });
    const created = await lifecycle.create(ctx(), inputs());
    const [leftover] = claimed();
    assert.ok(leftover !== undefined, "the first attempt's key exists, and no listing showed it");
    assert.equal(created.outs["pendingClaim"], leftover.name, "the state remembers the claim to sweep");
    return created;
  }

  it("the next refresh finds it under the claim the state kept, revokes it, and forgets the claim", async () => {
    const { id, outs } = await createWithHiddenLeftover();
    now += 10_000; // the listing catches up
    bench.emu.log.clear();
    const read = await lifecycle.read(ctx(), id, outs);
    assert.equal(read.id, id);
    assert.equal(read.props["pendingClaim"], undefined);
    assert.deepEqual(claimed(), []);
    assert.equal(bench.emu.log.count({ method: "DELETE" }), 1);
    assert.deepEqual(
      bench.emu.store.apiKeys(podId).map((k) => k.api_key_id),
      [id],
    );
  });

  it("while the listing still lags, a refresh keeps the claim; a day later it lets it go", async () => {
    const { id, outs } = await createWithHiddenLeftover();
    const read = await lifecycle.read(ctx(), id, outs);
    assert.equal(read.props["pendingClaim"], outs["pendingClaim"]);
    assert.equal(bench.emu.log.count({ method: "DELETE" }), 0);
    now += 25 * 3600_000;
    bench.emu.faults.add({ method: "GET", path: KEYS, status: 200, body: { count: 0, api_keys: [] }, times: 1 });
    const later = await lifecycle.read(ctx(), id, outs);
    assert.equal(later.props["pendingClaim"], undefined);
  });

  it("destroy revokes it too, before the resource's own key", async () => {
    const { id, outs } = await createWithHiddenLeftover();
    now += 10_000;
    bench.emu.log.clear();
    await lifecycle.remove(ctx(), id, outs);
    assert.deepEqual(bench.emu.store.apiKeys(podId), []);
    assert.equal(bench.emu.log.count({ method: "DELETE" }), 2);
  });

  // From a second adversarial review: a create that fails after an ambiguous attempt whose key no listing showed.
  for (const [label, faults] of [
    ["its rename is refused", [{ method: "PATCH", path: KEY, status: 403, code: "missing_permission", times: 1 }]],
    [
      "its rename and the revoke are refused",
      [
        { method: "PATCH", path: KEY, status: 403, code: "missing_permission", times: 1 },
        { method: "DELETE", path: KEY, status: 403, code: "missing_permission", times: 1 },
      ],
    ],
  ] as const) {
    it(`then ${label}: the key is kept in the state with the claim, and the destroy revokes both`, async () => {
      bench.emu.faults.add({ method: "POST", path: KEYS, status: 500, afterCommit: true, times: 1 });
      for (const f of faults) bench.emu.faults.add(f);
      const e = await rejection(lifecycle.create(ctx(), inputs()));
      assert.ok(e instanceof InitFailedError, e.message);
      assert.doesNotMatch(e.message, /no key was left behind/);
      assert.equal(claimed().length, 2, "the hidden attempt's key and this create's, both under the claim");
      assert.equal(e.properties["pendingClaim"], claimed()[0]!.name);
      assert.equal(e.properties["apiKey"], undefined);
      assert.equal(bench.emu.log.count({ method: "DELETE" }), 0, "nothing revoked that the state would not remember");
      bench.emu.faults.clear();
      now += 10_000;
      await lifecycle.remove(ctx(), e.id, e.properties);
      assert.deepEqual(bench.emu.store.apiKeys(podId), []);
    });
  }

  it("a failed attempt that committed nothing also leaves its claim in the state: nothing can tell it from a hidden key", async () => {
    bench.emu.faults.add({ method: "POST", path: KEYS, status: 503, times: 1 });
    const { outs } = await lifecycle.create(ctx(), inputs());
    // Nothing was made, but nothing can tell that from a key the listing hides: the claim is kept, at no cost.
    assert.match(String(outs["pendingClaim"]), /^pulumi-pending-[0-9a-f]{32}$/);
    assert.deepEqual(claimed(), []);
  });
});
