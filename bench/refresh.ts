/**
 * 3. A refresh of 1,000 keys in one pod, as Pulumi runs it: every `read` at once, in one process.
 * Naive = a context without a listing cache (each read lists the whole pod); cached = the provider
 * host's context (one `ListCache` per process). Counts are taken at the emulator.
 */
import { startEmulator, type Emulator } from "../emulator";
import { ListCache } from "../provider/agentmail/listCache";
import type { LifecycleContext } from "../provider/lifecycle/context";
import * as lifecycle from "../provider/lifecycle/podApiKey";
import { benchContext, fmtMs, median, repeat, timed, type Row } from "./stats";

export const REFRESH_KEYS = 1000;
const LIST_PATH = "/v0/pods/*/api-keys";

interface Pass {
  ms: number;
  gets: number;
  gone: number;
}

async function refreshOnce(emu: Emulator, ctx: LifecycleContext, podId: string, ids: readonly string[]): Promise<Pass> {
  emu.log.clear();
  let gone = 0;
  const ms = await timed(async () => {
    const results = await Promise.all(ids.map((id) => lifecycle.read(ctx, id, { podId })));
    gone = results.filter((r) => r.id === "").length;
  });
  return { ms, gets: emu.log.count({ method: "GET", path: LIST_PATH }), gone };
}

export async function refresh(runsNaive = 3, runsCached = 5): Promise<Row[]> {
  const emu = await startEmulator();
  try {
    const podId = emu.store.createPod({ name: "refresh" }).pod_id;
    for (let i = 0; i < REFRESH_KEYS; i++) emu.store.createApiKey(podId, { name: `key-${i}` });
    const ids = emu.store.apiKeys(podId).map((k) => k.api_key_id);
    const pagesPerListing = Math.ceil(REFRESH_KEYS / emu.settings.defaultPageLimit);

    const naive = await repeat(runsNaive, () => refreshOnce(emu, benchContext(emu), podId, ids));
    // A fresh cache per run: each run is one refresh of a new `pulumi refresh` (a new host process).
    const cached = await repeat(runsCached, () => refreshOnce(emu, benchContext(emu, new ListCache()), podId, ids));
    for (const p of [...naive, ...cached])
      if (p.gone !== 0) throw new Error(`a refresh saw ${p.gone} live keys as gone`);

    const listings = (p: Pass[]): number => median(p.map((x) => x.gets)) / pagesPerListing;
    const row = (metric: string, value: string, target: string, met: boolean | undefined): Row => ({
      section: "3 refresh",
      metric,
      value,
      target,
      met,
    });
    const naiveMs = median(naive.map((p) => p.ms));
    const cachedMs = median(cached.map((p) => p.ms));
    return [
      row(
        `naive: listings (GETs) for ${REFRESH_KEYS} keys, 1 pod`,
        `${listings(naive)} (${median(naive.map((p) => p.gets))})`,
        "(baseline)",
        undefined,
      ),
      row(`naive: time, median of ${runsNaive}`, fmtMs(naiveMs), "(baseline)", undefined),
      row(
        `cached: listings (GETs) for ${REFRESH_KEYS} keys, 1 pod`,
        `${listings(cached)} (${median(cached.map((p) => p.gets))})`,
        "1 per pod",
        listings(cached) === 1,
      ),
      row(
        `cached: time, median of ${runsCached}`,
        `${fmtMs(cachedMs)} (${(naiveMs / cachedMs).toFixed(0)}x faster)`,
        "-",
        undefined,
      ),
    ];
  } finally {
    await emu.stop();
  }
}
