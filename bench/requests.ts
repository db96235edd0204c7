/**
 * 2. HTTP requests per operation, counted at the emulator: one create, one read, one delete through the
 * lifecycle functions the provider host runs (with the host's listing cache), in a small pod; then a read
 * in a pod of 1,000 keys (one listing = every page).
 */
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
    const inputs = { podId, name: "bench-key", permissions: { messageRead: true } };
    let created: { id: string; outs: Record<string, unknown> } | undefined;
    const creates = await count(async () => (created = await lifecycle.create(ctx, inputs)));
    const reads = await count(() => lifecycle.read(ctx, created!.id, created!.outs));
    const deletes = await count(() => lifecycle.remove(ctx, created!.id, created!.outs));

    const big = emu.store.createPod({ name: "big" }).pod_id;
    for (let i = 0; i < 1000; i++) emu.store.createApiKey(big, { name: `k${i}` });
    const last = emu.store.apiKeys(big)[0]!;
    const bigRead = await count(() => lifecycle.read(benchContext(emu), last.api_key_id, { podId: big }));
    const row = (metric: string, n: number, target: string, met: boolean | undefined): Row => ({
      section: "2 requests",
      metric,
      value: String(n),
      target,
      met,
    });
    return [
      row("create (POST), small pod", creates, "1", creates === 1),
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
