/**
 * A seeded fault campaign: a few hundred create / read / delete operations with faults of every kind
 * injected at random. At the end the emulator's keys must equal the keys the lifecycle believes it owns
 * (no orphan, no duplicate, no loss), every failure must be a clear error, and no secret may appear in
 * any message. Replay a run with AGENTMAIL_CAMPAIGN_SEED=<the printed seed>.
 */
import assert from "node:assert/strict";
import * as lifecycle from "../../provider/lifecycle/podApiKey";
import { AgentMailError } from "../../provider/agentmail/errors";
import type { FaultRule } from "../../emulator";
import { startBench, type Bench } from "./setup";

const OPERATIONS = 300;

/** mulberry32: small, fast, good enough to drive a test. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type FaultKind = keyof typeof FAULTS;
const FAULTS = {
  "429": { status: 429, headers: { "retry-after": "0" } },
  "500": { status: 500 },
  "503": { status: 503 },
  "500-after-commit": { status: 500, afterCommit: true },
  reset: { destroy: true },
  "reset-after-commit": { destroy: true, afterCommit: true },
  "malformed-after-commit": { malformed: true, afterCommit: true },
  delay: { delayMs: 15 },
  "hang-after-commit": { hang: true, afterCommit: true },
} satisfies Record<string, Omit<FaultRule, "method" | "path">>;
// Hangs cost a headers timeout each: keep them rare.
const WEIGHTS: Record<FaultKind, number> = {
  "429": 3,
  "500": 3,
  "503": 3,
  "500-after-commit": 3,
  reset: 3,
  "reset-after-commit": 3,
  "malformed-after-commit": 2,
  delay: 2,
  "hang-after-commit": 0.3,
};

describe("seeded fault campaign (level 2)", function () {
  this.timeout(120_000);
  let bench: Bench;
  before(async () => {
    bench = await startBench();
  });
  after(() => bench.close());

  it(`${OPERATIONS} operations with random faults leave exactly the owned keys, and no secret in any message`, async () => {
    const seed = Number(process.env["AGENTMAIL_CAMPAIGN_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`      campaign seed: ${seed} (replay with AGENTMAIL_CAMPAIGN_SEED=${seed})`);
    const random = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const kinds = Object.keys(FAULTS) as FaultKind[];
    const totalWeight = kinds.reduce((s, k) => s + WEIGHTS[k], 0);
    const pickFault = (): FaultKind => {
      let r = random() * totalWeight;
      for (const k of kinds) if ((r -= WEIGHTS[k]) < 0) return k;
      return kinds[0]!;
    };

    const podId = bench.emu.store.createPod({ name: "campaign" }).pod_id;
    const owned = new Map<string, Record<string, unknown>>();
    const secrets = [bench.emu.orgApiKey];
    const counts = { create: 0, read: 0, delete: 0, failures: 0, lost: 0 };
    const faultCounts: Record<string, number> = {};
    const grants = [{ messageSend: true }, { messageRead: true, inboxRead: true }, {}, undefined];

    for (let i = 0; i < OPERATIONS; i++) {
      const op = owned.size === 0 || random() < 0.4 ? "create" : random() < 0.5 ? "read" : "delete";
      counts[op]++;
      bench.emu.faults.clear();
      if (random() < 0.5) {
        const kind = pickFault();
        faultCounts[kind] = (faultCounts[kind] ?? 0) + 1;
        const target =
          op === "create"
            ? { method: "POST", path: "/v0/pods/*/api-keys" }
            : op === "read"
              ? { method: "GET", path: "/v0/pods/*/api-keys" }
              : { method: "DELETE", path: "/v0/pods/*/api-keys/*" };
        bench.emu.faults.add({ ...target, ...FAULTS[kind], times: 1 + Math.floor(random() * 2) });
        // Sometimes the clean-up path fails too.
        if (op === "create" && random() < 0.2)
          bench.emu.faults.add({ method: "GET", path: "/v0/pods/*/api-keys", status: 503, times: 1 });
      }
      const ctx = bench.ctx();
      try {
        if (op === "create") {
          const permissions = pick(grants);
          const checked = await lifecycle.check(
            {},
            { podId, autoNamePrefix: `c${i}`, ...(permissions ? { permissions } : {}) },
          );
          const { id, outs } = await lifecycle.create(ctx, checked.inputs);
          secrets.push(outs["apiKey"] as string);
          owned.set(id, outs);
        } else {
          const [id, outs] = pick([...owned.entries()]);
          if (op === "read") {
            const r = await lifecycle.read(ctx, id, outs);
            if (r.id !== id) counts.lost++;
          } else {
            await lifecycle.remove(ctx, id, outs);
            owned.delete(id);
          }
        }
      } catch (e) {
        counts.failures++;
        assert.ok(AgentMailError.isInstance(e), `a clear error, got ${String(e)}`);
        const message = (e as Error).message;
        assert.match(message, /AgentMail|Creating key/);
        for (const s of secrets) assert.ok(!message.includes(s), `no secret in: ${message}`);
      }
    }
    bench.emu.faults.clear();

    const live = bench.emu.store.apiKeys(podId);
    const liveIds = new Set(live.map((k) => k.api_key_id));
    const orphans = [...liveIds].filter((id) => !owned.has(id));
    const missing = [...owned.keys()].filter((id) => !liveIds.has(id));
    const names = live.map((k) => k.name);
    const duplicates = names.length - new Set(names).size;
    console.log(
      `      operations: ${OPERATIONS} (create ${counts.create}, read ${counts.read}, delete ${counts.delete}), ` +
        `failed cleanly: ${counts.failures}`,
    );
    console.log(
      `      faults: ${Object.entries(faultCounts)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ")}`,
    );
    console.log(
      `      live keys: ${live.length}, owned: ${owned.size}, orphans = ${orphans.length}, duplicates = ${duplicates}, lost = ${missing.length + counts.lost}`,
    );
    assert.deepEqual(orphans, [], "no orphan");
    assert.equal(duplicates, 0, "no duplicate");
    assert.deepEqual(missing, [], "no key lost from state");
    assert.equal(counts.lost, 0, "no live key read as gone");
    const log = JSON.stringify(bench.emu.log.entries());
    for (const s of secrets) assert.ok(!log.includes(s));
  });
});
