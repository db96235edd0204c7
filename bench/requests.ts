/**
 * 2. HTTP requests per operation, counted at the emulator: one create, one read, one delete through the
 * lifecycle functions the provider host runs (with the host's listing cache), in a small pod; then a read
 * in a pod of 1,000 keys (one listing = every page). Creates are counted without a fault, after one
 * ambiguous failure (a 503 that committed a key, and one that did not), and in a pod of 1,000 keys.
 */
import type { FaultRule } from "../emulator";
import { startEmulator } from "../emulator";
import { ListCache } from "../provider/agentmail/listCache";
import * as lifecycle from "../provider/lifecycle/podApiKey";
import { benchContext, type Row } from "./stats";

export async function requestsPerOperation(): Promise<Row[]> {
  const emu = await startEmulator();
  try {
    const ctx = benchContext(emu, new ListCache());
    const podId = emu.store.createPod({ name: "bench" }).pod_id;
    const count = async (fn: () => Promise<unknown>): Promise<number> => {
      emu.log.clear();
      await fn();
      return emu.log.count();
    };
    /** Requests of one create (after `fault`, applied once to its first POST), by method. */
    const createIn = async (pod: string, fault?: FaultRule): Promise<{ n: number; by: string }> => {
      emu.faults.clear();
      if (fault !== undefined) emu.faults.add({ method: "POST", path: "/v0/pods/*/api-keys", times: 1, ...fault });
      const n = await count(() => lifecycle.create(ctx, { podId: pod, name: "bench-key" }));
      emu.faults.clear();
      const methods = ["POST", "PATCH", "GET", "DELETE"].map((m) => [m, emu.log.count({ method: m })] as const);
      return {
        n,
        by: methods
          .filter(([, c]) => c > 0)
          .map(([m, c]) => `${c} ${m}`)
          .join(", "),
      };
    };
    const inputs = { podId, name: "bench-key", permissions: { messageRead: true } };
    let created: { id: string; outs: Record<string, unknown> } | undefined;
    const creates = await count(async () => (created = await lifecycle.create(ctx, inputs)));
    const reads = await count(() => lifecycle.read(ctx, created!.id, created!.outs));
    const deletes = await count(() => lifecycle.remove(ctx, created!.id, created!.outs));

    const big = emu.store.createPod({ name: "big" }).pod_id;
    for (let i = 0; i < 1000; i++) emu.store.createApiKey(big, { name: `k${i}` });
    const last = emu.store.apiKeys(big)[0]!;
    const bigRead = await count(() => lifecycle.read(benchContext(emu), last.api_key_id, { podId: big }));
    const afterLost = await createIn(podId, { status: 503, afterCommit: true });
    const afterRefused = await createIn(podId, { status: 503 });
    const bigCreate = await createIn(big);
    const bigAfterLost = await createIn(big, { status: 503, afterCommit: true });
    const row = (metric: string, n: number, target: string, met: boolean | undefined): Row => ({
      section: "2 requests",
      metric,
      value: String(n),
      target,
      met,
    });
    return [
      row("create (POST + rename), small pod", creates, "2", creates === 2),
      {
        ...row("create after a 503 that committed a key", afterLost.n, "(info)", undefined),
        value: `${afterLost.n} (${afterLost.by})`,
      },
      {
        ...row("create after a 503 that committed nothing", afterRefused.n, "(info)", undefined),
        value: `${afterRefused.n} (${afterRefused.by})`,
      },
      {
        ...row("create, pod of 1,000 keys", bigCreate.n, "2", bigCreate.n === 2),
        value: `${bigCreate.n} (${bigCreate.by})`,
      },
      {
        ...row("create after a 503 that committed a key, pod of 1,000 keys", bigAfterLost.n, "(info)", undefined),
        value: `${bigAfterLost.n} (${bigAfterLost.by})`,
      },
      row("read (GET list), small pod", reads, "1", reads === 1),
      row("delete (DELETE), small pod", deletes, "1", deletes === 1),
      row(
        `read, pod of 1,000 keys (page size ${emu.settings.defaultPageLimit})`,
        bigRead,
        "(info: 1 per page)",
        undefined,
      ),
    ];
  } finally {
    await emu.stop();
  }
}
