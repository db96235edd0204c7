/**
 * Emulator benchmark: prints startup time and requests per second over loopback HTTP (undici Pool, 32
 * connections). It prints figures only and never fails on time. Loops are bounded; nothing leaves 127.0.0.1.
 *
 *   node dist/bench/emulator.js [requests=20000] [concurrency=32]
 */
import os from "node:os";
import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import { startEmulator, type Emulator } from "../emulator";

const REQUESTS = positive(process.argv[2], 20_000);
const CONCURRENCY = positive(process.argv[3], 32);

function positive(raw: string | undefined, fallback: number): number {
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 1_000_000) : fallback;
}

interface Figures {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  errors: number;
}

/** Runs `total` operations with `concurrency` workers; each op reports how many requests it made. */
async function run(total: number, concurrency: number, op: (i: number) => Promise<number>): Promise<Figures> {
  let next = 0;
  let requests = 0;
  let errors = 0;
  const latencies: number[] = [];
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      const s = performance.now();
      try {
        const made = await op(i); // not `requests += await op(i)`: that reads `requests` before awaiting
        requests += made;
      } catch {
        errors += 1;
      }
      latencies.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { requests, seconds, p50: at(0.5), p99: at(0.99), errors };
}

function print(name: string, f: Figures): void {
  const rps = Math.round(f.requests / f.seconds);
  process.stdout.write(
    `${name.padEnd(34)} ${String(f.requests).padStart(7)} req in ${f.seconds.toFixed(2)} s = ` +
      `${String(rps).padStart(6)} req/s   p50 ${f.p50.toFixed(2)} ms  p99 ${f.p99.toFixed(2)} ms` +
      (f.errors > 0 ? `   errors ${f.errors}` : "") +
      "\n",
  );
}

async function main(): Promise<void> {
  const cpu = os.cpus()[0]?.model ?? "unknown cpu";
  process.stdout.write(`node ${process.version}, ${cpu}, ${REQUESTS} requests, concurrency ${CONCURRENCY}\n`);

  let t = performance.now();
  const emu: Emulator = await startEmulator();
  process.stdout.write(`startup (first, cold)              ${(performance.now() - t).toFixed(1)} ms\n`);
  // performance.now() counts from the start of the process: node boot + module loading + first start.
  process.stdout.write(`process start -> listening         ${performance.now().toFixed(1)} ms\n`);
  t = performance.now();
  const second = await startEmulator();
  process.stdout.write(`startup (second, warm)             ${(performance.now() - t).toFixed(1)} ms\n`);
  t = performance.now();
  await second.stop();
  process.stdout.write(`stop                               ${(performance.now() - t).toFixed(1)} ms\n`);

  const pool = new Pool(emu.url, { connections: CONCURRENCY, pipelining: 1, keepAliveTimeout: 2_000 });
  const headers = { authorization: `Bearer ${emu.orgApiKey}`, "content-type": "application/json" };
  const podId = emu.store.createPod({ name: "bench" }).pod_id;
  for (let i = 0; i < 5; i++) emu.store.createApiKey(podId, { name: `seed-${i}`, permissions: { message_read: true } });
  const keysPath = `/v0/pods/${podId}/api-keys`;

  const get = async (path: string): Promise<number> => {
    const res = await pool.request({ method: "GET", path, headers });
    await res.body.text();
    if (res.statusCode !== 200) throw new Error(String(res.statusCode));
    return 1;
  };

  try {
    await run(Math.min(2_000, REQUESTS), CONCURRENCY, () => get(keysPath)); // warm-up
    emu.log.clear();
    print("GET list api-keys (5 keys)", await run(REQUESTS, CONCURRENCY, () => get(keysPath)));
    print("GET /v0/pods", await run(REQUESTS, CONCURRENCY, () => get("/v0/pods")));
    print("GET /v0/auth/me", await run(REQUESTS, CONCURRENCY, () => get("/v0/auth/me")));
    const createDelete = await run(Math.ceil(REQUESTS / 2), CONCURRENCY, async (i) => {
      const created = await pool.request({
        method: "POST",
        path: keysPath,
        headers,
        body: JSON.stringify({ name: `k${i}`, permissions: { message_send: true, typo: true } }),
      });
      const body = (await created.body.json()) as { api_key_id?: string };
      if (created.statusCode !== 200 || body.api_key_id === undefined) throw new Error(String(created.statusCode));
      const deleted = await pool.request({ method: "DELETE", path: `${keysPath}/${body.api_key_id}`, headers });
      await deleted.body.text();
      if (deleted.statusCode !== 204) throw new Error(String(deleted.statusCode));
      return 2;
    });
    print("POST create + DELETE key (pairs)", createDelete);
    emu.faults.add({ method: "GET", path: "/v0/pods/*", status: 429 });
    print(
      "GET with a matching 429 fault rule",
      await run(REQUESTS, CONCURRENCY, async () => {
        const res = await pool.request({ method: "GET", path: `/v0/pods/${podId}`, headers });
        await res.body.text();
        return 1;
      }),
    );
    emu.faults.clear();
    process.stdout.write(`keys left in the pod after the run  ${emu.store.apiKeys(podId).length} (expected 5)\n`);
    process.stdout.write(`log entries kept                   ${emu.log.count()}\n`);
  } finally {
    await pool.close();
    await emu.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
