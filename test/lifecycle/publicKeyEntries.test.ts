/**
 * Level 2: a pod's key listing may hold public-key credentials and AgentID sign-in keys (`type: "public_key"`,
 * with `public_key`, `scope`, `status` and no `prefix` or `permissions`) beside bearer keys. The client skips them:
 * a refresh finds its key among them, and the clean-up after an ambiguous create revokes its own attempt's key and
 * never touches one of them. Counted: requests per method, entries left in the pod.
 */
import assert from "node:assert/strict";
import * as lifecycle from "../../provider/lifecycle/podApiKey";
import { CLAIM_PREFIX } from "../../provider/lifecycle/createKey";
import { startBench, type Bench } from "./setup";

const KEYS = "/v0/pods/*/api-keys";

describe("PodApiKey in a pod that holds public-key entries (level 2)", () => {
  let bench: Bench;
  let podId: string;
  let publicIds: string[];

  before(async () => {
    // Small pages, so that the bearer key the provider looks for sits on a later page than the public entries.
    bench = await startBench({ defaultPageLimit: 2 });
  });
  after(() => bench.close());
  beforeEach(() => {
    podId = bench.emu.store.createPod({ name: "public-entries" }).pod_id;
    bench.emu.faults.clear();
    bench.emu.log.clear();
    publicIds = [];
  });

  /** Seeds one credential and two sign-in keys (pending, active) after whatever the pod holds already. */
  function seedPublicEntries(): void {
    publicIds.push(bench.emu.store.addPublicKey(podId, { name: "credential", client_id: "signer" }).api_key_id);
    publicIds.push(bench.emu.store.addPublicKey(podId, { status: "pending" }).api_key_id);
    publicIds.push(
      bench.emu.store.addPublicKey(podId, { status: "active", expires_at: "2099-01-01T00:00:00Z" }).api_key_id,
    );
  }

  const publicLeft = (): string[] =>
    bench.emu.store
      .publicKeys(podId)
      .map((k) => k.api_key_id)
      .sort();
  const inputs = (): Record<string, unknown> => ({
    podId,
    name: "bot",
    permissions: { messageRead: true },
    __provider: "shim",
  });

  it("a refresh finds the key behind public-key entries and changes nothing", async () => {
    const { id, outs } = await lifecycle.create(bench.ctx(), inputs());
    seedPublicEntries();
    bench.emu.log.clear();
    const read = await lifecycle.read(bench.ctx(), id, outs);
    assert.equal(read.id, id);
    assert.deepEqual(read.props, outs, "the key as stored");
    assert.equal(
      bench.emu.log.count({ method: "GET", path: KEYS }),
      2,
      "two pages of two: three public entries, then the key",
    );
    assert.equal(bench.emu.log.count(), 2, "nothing but the listing");
    assert.deepEqual((await lifecycle.diff(id, read.props, inputs())).replaces, []);
    assert.deepEqual(publicLeft(), [...publicIds].sort());
  });

  it("the clean-up after a create that committed and failed revokes only its attempt's key, no public entry", async () => {
    seedPublicEntries();
    bench.emu.faults.add({ method: "POST", path: KEYS, status: 503, afterCommit: true, times: 1 });
    const { id } = await lifecycle.create(bench.ctx(), inputs());
    const bearer = bench.emu.store.apiKeys(podId);
    assert.deepEqual(
      bearer.map((k) => [k.api_key_id, k.name]),
      [[id, "bot"]],
      "one bearer key, under its own name: the failed attempt's key is gone, no claim name left",
    );
    assert.ok(!bearer.some((k) => k.name.startsWith(CLAIM_PREFIX)));
    assert.equal(bench.emu.log.count({ method: "POST" }), 2);
    assert.equal(bench.emu.log.count({ method: "DELETE" }), 1, "the failed attempt's key, once");
    const deleted = bench.emu.log.entries({ method: "DELETE" }).map((e) => e.path.split("/").pop() ?? "");
    assert.ok(!deleted.some((d) => publicIds.includes(d)), "no public-key entry was revoked");
    assert.deepEqual(publicLeft(), [...publicIds].sort(), "every public-key entry is still there");
  });
});
