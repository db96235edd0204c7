/** Small helpers shared by the benchmarks: medians, a bounded worker pool, a lifecycle context. */
import { performance } from "node:perf_hooks";
import type { Emulator } from "../emulator";
import { AgentMailClient } from "../provider/agentmail/client";
import type { ListCache } from "../provider/agentmail/listCache";
import type { LifecycleContext } from "../provider/lifecycle/context";

/** The median of `xs` (mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Runs `fn` `times` times in sequence and returns every result. */
export async function repeat<T>(times: number, fn: (run: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < times; i++) out.push(await fn(i));
  return out;
}

/** Runs `total` operations with at most `concurrency` in flight; resolves to the elapsed ms. Rejects on the first error. */
export async function pool(total: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) await op(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return performance.now() - t0;
}

/** Elapsed ms of `fn`. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** A lifecycle context against the emulator with the default retry policy, as the provider host builds it. */
export function benchContext(emu: Emulator, listings?: ListCache): LifecycleContext {
  const client = new AgentMailClient({
    credentials: { apiKey: emu.orgApiKey, baseUrl: emu.url, description: "bench credential" },
  });
  return listings === undefined
    ? { client: () => client, now: Date.now }
    : { client: () => client, now: Date.now, listings };
}

/** One row of the printed table. */
export interface Row {
  readonly section: string;
  readonly metric: string;
  readonly value: string;
  readonly target: string;
  readonly met: boolean | undefined;
}

export const fmtMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
export const fmtRatio = (r: number): string => `${r.toFixed(2)}x`;
