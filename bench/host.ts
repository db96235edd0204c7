/**
 * 5. The provider host, as the engine runs it (`@pulumi/pulumi/cmd/dynamic-provider`, driven over gRPC by
 * the harness, from a project folder where the package is linked): time from spawning it to the first
 * completed create (spawn, Configure, Check, Create), and its resident memory (VmRSS, /proc/<pid>/status)
 * after 1,000 operations: 300 creates (c=16), a refresh of those 300 keys (all reads at once, 2.1 s after
 * the creates, as a separate `pulumi refresh` would), 100 more reads (c=16) and 300 deletes (c=16).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startEmulator, type Emulator } from "../emulator";
import { DEFAULT_LIST_TTL_MS } from "../provider/agentmail/listCache";
import {
  captureProgram,
  makeProjectDir,
  startProviderHost,
  unwrapSecrets,
  urn,
  type CapturedResource,
  type PropertyMap,
  type ProviderHost,
} from "../harness";
import { PROGRAM } from "./providerSize";
import { fmtMs, median, pool, timed, type Row } from "./stats";

const REPO = path.resolve(__dirname, "..", "..");
const TYPE = "pulumi-nodejs:dynamic/agentmail:PodApiKey";
const CREATES = 300;
const EXTRA_READS = 100;

function rssKiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (m === null) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

interface Started {
  host: ProviderHost;
  ms: number;
  created: { id: string; properties: PropertyMap };
}

async function startAndCreate(emu: Emulator, dir: string, resource: CapturedResource, podId: string): Promise<Started> {
  let host: ProviderHost | undefined;
  let created: { id: string; properties: PropertyMap } | undefined;
  const u = urn(TYPE, resource.name, "dev", "keys");
  const ms = await timed(async () => {
    host = await startProviderHost({
      cwd: dir,
      project: "keys",
      env: { AGENTMAIL_API_KEY: "", AGENTMAIL_BASE_URL: "" },
    });
    await host.configure({ "agentmail:apiKey": emu.orgApiKey, "agentmail:baseUrl": emu.url });
    const checked = await host.check(u, {}, { ...unwrapSecrets(resource.inputs), podId });
    if (checked.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
    created = await host.create(u, checked.inputs);
  });
  return { host: host!, ms, created: created! };
}

export async function providerHost(startRuns = 5): Promise<Row[]> {
  const emu = await startEmulator();
  const project = makeProjectDir({ name: "keys", linkPackages: { "pulumi-agentmail": REPO } });
  try {
    const podId = emu.store.createPod({ name: "host" }).pod_id;
    const captured = await captureProgram(PROGRAM, { project: "keys", config: { "fixture:podId": podId } });
    const resource = captured.resources.find((r) => r.name === "support-bot")!;

    const startTimes: number[] = [];
    for (let i = 0; i < startRuns; i++) {
      const s = await startAndCreate(emu, project.dir, resource, podId);
      startTimes.push(s.ms);
      await s.host.delete(s.created.id, urn(TYPE, resource.name, "dev", "keys"), s.created.properties);
      await s.host.stop();
    }

    // Memory: one more host, 1,000 operations.
    const { host, created: first } = await startAndCreate(emu, project.dir, resource, podId);
    try {
      const baseline = rssKiB(host.pid);
      const u = (i: number): string => urn(TYPE, `bench-${i}`, "dev", "keys");
      const inputs = (await host.check(u(0), {}, { ...unwrapSecrets(resource.inputs), podId })).inputs;
      const keys: { id: string; properties: PropertyMap }[] = [];
      await pool(CREATES, 16, async (i) => {
        keys.push(await host.create(u(i), { ...inputs, name: `bench-${i}` }));
      });
      await sleep(DEFAULT_LIST_TTL_MS + 100); // a new refresh, after the creates
      emu.log.clear();
      const reads = await Promise.all(keys.map((k, i) => host.read(k.id, u(i), k.properties, inputs)));
      const refreshGets = emu.log.count({ method: "GET", path: "/v0/pods/*/api-keys" });
      const pages = Math.ceil((CREATES + 1) / emu.settings.defaultPageLimit);
      if (reads.some((r) => r.id === "")) throw new Error("a refresh through the host saw a live key as gone");
      await pool(EXTRA_READS, 16, (i) => host.read(keys[i]!.id, u(i), keys[i]!.properties, inputs));
      await pool(keys.length, 16, (i) => host.delete(keys[i]!.id, u(i), keys[i]!.properties));
      await host.delete(first.id, urn(TYPE, resource.name, "dev", "keys"), first.properties);
      const operations = CREATES + keys.length + EXTRA_READS + keys.length;
      const after = rssKiB(host.pid);
      const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`;
      return [
        {
          section: "5 host",
          metric: `start -> first create done (spawn+Configure+Check+Create), median of ${startRuns}`,
          value: fmtMs(median(startTimes)),
          target: "-",
          met: undefined,
        },
        {
          section: "5 host",
          metric: "host RSS after its first create",
          value: mib(baseline),
          target: "-",
          met: undefined,
        },
        {
          section: "5 host",
          metric: `host RSS after ${operations} ops (${CREATES} C, ${keys.length}+${EXTRA_READS} R, ${keys.length} D)`,
          value: mib(after),
          target: "-",
          met: undefined,
        },
        {
          section: "5 host",
          metric: `refresh of ${keys.length} keys through the host: list GETs (1 listing = ${pages} pages)`,
          value: `${refreshGets / pages} listing (${refreshGets} GETs)`,
          target: "1 per pod",
          met: refreshGets === pages,
        },
      ];
    } finally {
      await host.stop();
    }
  } finally {
    project.cleanup();
    await emu.stop();
  }
}
