/**
 * 6. Rate limit (issue 11): N keys created, then deleted, all at once, through ONE provider host (as one
 * `pulumi up` / `destroy` runs them) against the emulator's token bucket (`rateLimit`, burst = one second's
 * worth, `Retry-After` in whole seconds, honoured whole: the default `maxRetryAfterMs`). Per row: failed
 * operations, requests answered 429 (of requests sent), list GETs, wall time, and the ratio to the floor: the
 * requests needed (a POST and a rename PATCH per create, a DELETE per delete: 3N) divided by the limit, the
 * time the server lets no fewer through in. Each row has a fresh emulator and a fresh host (so a fresh budget).
 * The same with today's policy (`agentmail:retry` `{"sharedBudget":false}`), for comparison.
 */
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { startEmulator } from "../emulator";
import { captureProgram, makeProjectDir, startProviderHost, unwrapSecrets, urn, type PropertyMap } from "../harness";
import { PROGRAM } from "./providerSize";
import type { Row } from "./stats";

const REPO = path.resolve(__dirname, "..", "..");
const TYPE = "pulumi-nodejs:dynamic/agentmail:PodApiKey";
/** Keys per row. */
export const SIZES = [100, 300, 1000];
/** Limits of the emulator, requests per second. */
export const LIMITS = [50, 200];

interface Measured {
  failures: number;
  limited: number;
  sent: number;
  gets: number;
  ms: number;
}

async function run(n: number, perSecond: number, sharedBudget: boolean): Promise<Measured> {
  const emu = await startEmulator({ rateLimit: { perSecond } });
  const project = makeProjectDir({ name: "keys", linkPackages: { "pulumi-agentmail": REPO } });
  const host = await startProviderHost({
    cwd: project.dir,
    project: "keys",
    env: { AGENTMAIL_API_KEY: "", AGENTMAIL_BASE_URL: "" },
    // The engine sets no deadline on a Create or Delete call; the harness's default (30 s) would cut the
    // 1,000-key rows short on the caller's side while the host goes on.
    callTimeoutMs: 600_000,
  });
  try {
    await host.configure({
      "agentmail:apiKey": emu.orgApiKey,
      "agentmail:baseUrl": emu.url,
      "agentmail:retry": JSON.stringify({ sharedBudget }),
    });
    const podId = emu.store.createPod({ name: "tenants" }).pod_id;
    const captured = await captureProgram(PROGRAM, { project: "keys", config: { "fixture:podId": podId } });
    const resource = captured.resources.find((r) => r.name === "support-bot")!;
    const u = (i: number): string => urn(TYPE, `tenant-${i}`, "dev", "keys");
    const inputs = (await host.check(u(0), {}, { ...unwrapSecrets(resource.inputs), podId })).inputs;
    // A full bucket for the timed part: the check above sent nothing, but be sure.
    emu.settings.rateLimit = { perSecond };
    emu.log.clear();
    const t0 = performance.now();
    const created = await Promise.allSettled(
      Array.from({ length: n }, (_, i) => host.create(u(i), { ...inputs, name: `tenant-${i}` })),
    );
    const keys = created.flatMap((s, i) => (s.status === "fulfilled" ? [{ i, ...s.value }] : []));
    const deleted = await Promise.allSettled(
      keys.map((k: { i: number; id: string; properties: PropertyMap }) => host.delete(k.id, u(k.i), k.properties)),
    );
    const ms = performance.now() - t0;
    return {
      failures: n - keys.length + deleted.filter((s) => s.status === "rejected").length,
      limited: emu.rateLimited(),
      sent: emu.log.count(),
      gets: emu.log.count({ method: "GET" }),
      ms,
    };
  } finally {
    await host.stop();
    project.cleanup();
    await emu.stop();
  }
}

export async function rateLimit(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const perSecond of LIMITS) {
    for (const n of SIZES) {
      for (const sharedBudget of [true, false]) {
        process.stderr.write(
          `  ratelimit: ${n} keys at ${perSecond} req/s, ${sharedBudget ? "shared budget" : "today's policy"}\n`,
        );
        const m = await run(n, perSecond, sharedBudget);
        const floorMs = ((3 * n) / perSecond) * 1000;
        const ratio = m.ms / floorMs;
        const share = m.limited / m.sent;
        const label = `${n} keys C+D at once, limit ${perSecond}/s, ${sharedBudget ? "shared budget" : "today's policy"}`;
        rows.push({
          section: "6 ratelimit",
          metric: `${label}: failures; 429s of sent; list GETs`,
          value: `${m.failures}; ${m.limited} of ${m.sent} (${(share * 100).toFixed(1)}%); ${m.gets}`,
          target: "0; <= 10%",
          met: sharedBudget ? m.failures === 0 && share <= 0.1 : undefined,
        });
        rows.push({
          section: "6 ratelimit",
          metric: `${label}: wall time (floor ${(floorMs / 1000).toFixed(1)} s = ${3 * n} requests / limit)`,
          value: `${(m.ms / 1000).toFixed(1)} s = ${ratio.toFixed(2)}x floor`,
          target: n >= 300 ? "<= 1.25x" : "-",
          met: sharedBudget && n >= 300 ? ratio <= 1.25 : undefined,
        });
      }
    }
  }
  return rows;
}
