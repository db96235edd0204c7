/**
 * 1. The size of `__provider` per resource, which Pulumi stores twice in each resource's state. Two
 * figures, each from a real program captured under Pulumi's mocks by the harness:
 * - installed: the package packed and installed into a fresh project as a user gets it. The shim is a
 *   module of the installed package, so Pulumi serializes a `require` of it (the target applies here);
 * - linked: this repository's own copy (test/fixtures/programs/keys.ts), serialized by value.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { captureProgram, makeInstalledProject } from "../harness";
import type { Row } from "./stats";

export const PROGRAM = path.join(__dirname, "..", "test", "fixtures", "programs", "keys.js");
const REPO = path.resolve(__dirname, "..", "..");
const TARGET = 1024;
const TYPE = "pulumi-nodejs:dynamic/agentmail:PodApiKey";

const INSTALLED_PROGRAM = `const { PodApiKey } = require("pulumi-agentmail");
new PodApiKey("bench", { podId: "pod_bench", permissions: { messageSend: true } });
`;

async function providerText(program: string, options: Parameters<typeof captureProgram>[1]): Promise<string> {
  const captured = await captureProgram(program, options);
  const text = captured.resources.find((r) => r.type === TYPE)?.inputs["__provider"];
  if (typeof text !== "string") throw new Error("the program registered no PodApiKey with a __provider text");
  return text;
}

/** The `__provider` text of the fixture program's first PodApiKey (this repository's copy). */
export function capturedProviderText(podId = "pod_bench"): Promise<string> {
  return providerText(PROGRAM, { project: "keys", config: { "fixture:podId": podId } });
}

export async function providerSize(): Promise<Row[]> {
  const project = makeInstalledProject("bench-size", REPO);
  let installed: string;
  try {
    fs.writeFileSync(path.join(project.dir, "index.js"), INSTALLED_PROGRAM);
    installed = await providerText(path.join(project.dir, "index.js"), { project: "bench-size", cwd: project.dir });
  } finally {
    project.cleanup();
  }
  const linked = await capturedProviderText();
  const bytes = (t: string) => Buffer.byteLength(t, "utf8");
  const functions = (linked.match(/^function __f\d+\(/gm) ?? []).length;
  return [
    {
      section: "1 state",
      metric: "__provider per resource, package installed from a tarball (a require of the shim)",
      value: `${bytes(installed)} B`,
      target: `<= ${TARGET} B`,
      met: bytes(installed) <= TARGET,
    },
    {
      section: "1 state",
      metric: `__provider per resource, linked/local copy (by value: ${functions} functions)`,
      value: `${bytes(linked)} B`,
      target: "(info)",
      met: undefined,
    },
  ];
}
