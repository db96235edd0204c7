/**
 * Where this process's CPU goes while a function runs, from V8's sampling profiler (`node:inspector`).
 * Used by the throughput benchmark to say how much of a client's CPU is this package's own code (and zod),
 * a share that does not move with the machine's speed the way wall and CPU times do on a shared host.
 */
import { Session } from "node:inspector/promises";

/** Self time of the samples whose frame matched, against all busy samples (idle excluded). */
export interface CpuShare {
  /** Milliseconds of busy CPU sampled (every frame but `(idle)`). */
  readonly busyMs: number;
  /** Milliseconds of it spent in frames whose script URL matched. */
  readonly matchedMs: number;
}

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
}

/** Runs `fn` under the sampling profiler (100 µs interval) and attributes self time by script URL. */
export async function cpuShare(fn: () => Promise<unknown>, matches: (url: string) => boolean): Promise<CpuShare> {
  const session = new Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 100 });
    await session.post("Profiler.start");
    let failure: unknown;
    await fn().catch((e: unknown) => (failure = e));
    const { profile } = await session.post("Profiler.stop");
    if (failure !== undefined) throw failure;
    const nodes = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
    let busy = 0;
    let matched = 0;
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      const frame = nodes.get(samples[i]!)?.callFrame;
      if (frame === undefined || frame.functionName === "(idle)") continue;
      const us = deltas[i] ?? 0;
      busy += us;
      if (matches(frame.url)) matched += us;
    }
    return { busyMs: busy / 1000, matchedMs: matched / 1000 };
  } finally {
    session.disconnect();
  }
}
