/**
 * `npm run bench`: runs every benchmark in turn and prints one table. Figures only: nothing fails on time.
 * Everything runs on 127.0.0.1 against in-process emulators; loops are bounded.
 *
 *   node dist/bench/run.js [section ...]   sections: size requests refresh throughput host ratelimit (default: all)
 */
import * as os from "node:os";
import { providerSize } from "./providerSize";
import { requestsPerOperation } from "./requests";
import { refresh } from "./refresh";
import { throughput } from "./throughput";
import { providerHost } from "./host";
import { rateLimit } from "./rateLimit";
import type { Row } from "./stats";

const SECTIONS: Record<string, () => Promise<Row[]>> = {
  size: providerSize,
  requests: requestsPerOperation,
  refresh: () => refresh(),
  throughput: () => throughput(),
  host: () => providerHost(),
  ratelimit: () => rateLimit(),
};

function table(rows: readonly Row[]): string {
  const cells = rows.map((r) => [
    r.section,
    r.metric,
    r.value,
    r.target,
    r.met === undefined ? "" : r.met ? "met" : "MISSED",
  ]);
  const head = ["section", "metric", "value", "target", ""];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string =>
    c
      .map((x, i) => x.padEnd(widths[i]!))
      .join(" | ")
      .trimEnd();
  return [line(head), widths.map((w) => "-".repeat(w)).join("-|-"), ...cells.map(line)].join("\n");
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length === 0 ? Object.keys(SECTIONS) : wanted;
  const rows: Row[] = [];
  for (const name of names) {
    const section = SECTIONS[name];
    if (section === undefined) throw new Error(`unknown section "${name}"; known: ${Object.keys(SECTIONS).join(", ")}`);
    process.stderr.write(`bench: ${name}...\n`);
    rows.push(...(await section()));
  }
  rows.sort((a, b) => a.section.localeCompare(b.section));
  process.stdout.write(
    `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), ${os.platform()}\n\n`,
  );
  process.stdout.write(table(rows) + "\n");
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
