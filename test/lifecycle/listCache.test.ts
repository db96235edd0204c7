/**
 * The listing cache shared by a refresh's reads (provider/agentmail/listCache.ts), against the emulator:
 * counts of requests only, never time.
 */
import assert from "node:assert/strict";
import { ListCache } from "../../provider/agentmail/listCache";
import type { LifecycleContext } from "../../provider/lifecycle/context";
import * as lifecycle from "../../provider/lifecycle/podApiKey";
import { rejection, startBench, type Bench } from "./setup";

const LIST = { method: "GET", path: "/v0/pods/*/api-keys" };

describe("ListCache: one listing per pod per refresh", () => {
  let bench: Bench;
  before(async () => {
    bench = await startBench({ defaultPageLimit: 20 });
  });
  after(() => bench.close());

  /** A context as the provider host has it: the bench's client plus `cache`. */
  const withCache = (cache: ListCache, apiKey?: string): LifecycleContext => ({
    ...bench.ctx(apiKey),
    listings: cache,
  });

  function seedPod(keys: number): { podId: string; ids: string[] } {
    const podId = bench.emu.store.createPod({ name: "cache" }).pod_id;
    for (let i = 0; i < keys; i++) bench.emu.store.createApiKey(podId, { name: `k${i}` });
    return { podId, ids: bench.emu.store.apiKeys(podId).map((k) => k.api_key_id) };
  }

  it("200 concurrent reads of keys in one pod make exactly one listing pass", async () => {
    const { podId, ids } = seedPod(200);
    const cache = new ListCache();
    const ctx = withCache(cache);
    bench.emu.log.clear();
    const results = await Promise.all(ids.map((id) => lifecycle.read(ctx, id, { podId })));
    assert.deepEqual(
      results.map((r) => r.id),
      ids,
      "every key is found",
    );
    const pages = Math.ceil(200 / 20);
    assert.equal(bench.emu.log.count(LIST), pages, `one pass of ${pages} pages`);
    // Reads right after (within the TTL) reuse it.
    await lifecycle.read(ctx, ids[0]!, { podId });
    assert.equal(bench.emu.log.count(LIST), pages);
  });

  it("without a cache (tests' default), every read lists the pod itself", async () => {
    const { podId, ids } = seedPod(3);
    bench.emu.log.clear();
    await Promise.all(ids.map((id) => lifecycle.read(bench.ctx(), id, { podId })));
    assert.equal(bench.emu.log.count(LIST), 3);
  });

  it("this process's create and delete invalidate the pod's listing", async () => {
    const { podId, ids } = seedPod(2);
    const cache = new ListCache({ ttlMs: 60_000 });
    const ctx = withCache(cache);
    await lifecycle.read(ctx, ids[0]!, { podId });
    const created = await lifecycle.create(ctx, { podId, name: "fresh" });
    const read = await lifecycle.read(ctx, created.id, created.outs);
    assert.equal(read.id, created.id, "a read after a create sees the new key");
    await lifecycle.remove(ctx, created.id, created.outs);
    assert.equal((await lifecycle.read(ctx, created.id, created.outs)).id, "", "a read after a delete sees it gone");
    bench.emu.log.clear();
    await lifecycle.read(ctx, ids[1]!, { podId });
    assert.equal(bench.emu.log.count(LIST), 0, "otherwise the listing is reused");
  });

  it("an invalidation while a listing is in flight keeps that listing out of the cache", async () => {
    const { podId, ids } = seedPod(1);
    const cache = new ListCache({ ttlMs: 60_000 });
    const ctx = withCache(cache);
    const inFlight = lifecycle.read(ctx, ids[0]!, { podId });
    cache.invalidate(ctx.client(), podId);
    await inFlight;
    assert.deepEqual(cache.keys(), []);
  });

  it("out-of-band changes show after the TTL, or at once with TTL 0", async () => {
    // With its secret, as a state holds it: a key missing from a listing is dropped only once the secret is refused.
    const seedKey = () => {
      const podId = bench.emu.store.createPod({ name: "cache" }).pod_id;
      const key = bench.emu.store.createApiKey(podId, { name: "k0" });
      return { id: key.api_key_id, props: { podId, apiKey: key.api_key } };
    };
    const one = seedKey();
    let now = 1_000;
    const cache = new ListCache({ ttlMs: 2_000, now: () => now });
    const ctx = withCache(cache);
    assert.equal((await lifecycle.read(ctx, one.id, one.props)).id, one.id);
    bench.emu.store.revokeApiKey(one.props.podId, one.id);
    assert.equal((await lifecycle.read(ctx, one.id, one.props)).id, one.id, "within the TTL: the same listing");
    now += 2_000;
    assert.equal((await lifecycle.read(ctx, one.id, one.props)).id, "", "after the TTL: listed again");

    const other = seedKey();
    const zero = withCache(new ListCache({ ttlMs: 0 }));
    assert.equal((await lifecycle.read(zero, other.id, other.props)).id, other.id);
    bench.emu.store.revokeApiKey(other.props.podId, other.id);
    assert.equal((await lifecycle.read(zero, other.id, other.props)).id, "");
  });

  it("errors are not cached: the next read lists again", async () => {
    const { podId, ids } = seedPod(1);
    const cache = new ListCache({ ttlMs: 60_000 });
    const ctx = withCache(cache);
    bench.emu.faults.add({ method: "GET", path: /\/api-keys$/, status: 400, times: 1 });
    bench.emu.log.clear();
    await rejection(lifecycle.read(ctx, ids[0]!, { podId }));
    assert.deepEqual(cache.keys(), [], "the failure left nothing behind");
    assert.equal((await lifecycle.read(ctx, ids[0]!, { podId })).id, ids[0]);
    assert.equal(bench.emu.log.count(LIST), 2);
  });

  it("keys never hold the credential, the pod id or the URL, and credentials never share a listing", async () => {
    const { podId, ids } = seedPod(1);
    const cache = new ListCache();
    const podKey = bench.emu.store.createApiKey(podId, { name: "pod-scoped" }).api_key;
    await lifecycle.read(withCache(cache), ids[0]!, { podId });
    await lifecycle.read(withCache(cache, podKey), ids[0]!, { podId });
    const keys = cache.keys();
    assert.equal(keys.length, 2, "one entry per credential");
    for (const k of keys) {
      assert.match(k, /^[0-9a-f]{64}$/);
      for (const secret of [bench.emu.orgApiKey, podKey, podId, bench.emu.url]) assert.ok(!k.includes(secret));
    }
  });
});
