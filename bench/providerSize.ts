/**
 * 1. The size of `__provider` per resource: the text a real program (test/fixtures/programs/keys.ts,
 * compiled) registers, captured under Pulumi's mocks by the harness. Pulumi stores it twice per resource.
 */
import * as path from "node:path";
import { captureProgram } from "../harness";
import type { Row } from "./stats";

export const PROGRAM = path.join(__dirname, "..", "test", "fixtures", "programs", "keys.js");
const TARGET = 1024;

/** The `__provider` text of the fixture program's first PodApiKey. */
export async function capturedProviderText(podId = "pod_bench"): Promise<string> {
  const captured = await captureProgram(PROGRAM, { project: "keys", config: { "fixture:podId": podId } });
  const key = captured.resources.find((r) => r.type === "pulumi-nodejs:dynamic/agentmail:PodApiKey");
  const text = key?.inputs["__provider"];
  if (typeof text !== "string") throw new Error("the program registered no PodApiKey with a __provider text");
  return text;
}

export async function providerSize(): Promise<Row[]> {
  const text = await capturedProviderText();
  const bytes = Buffer.byteLength(text, "utf8");
  const functions = (text.match(/^function __f\d+\(/gm) ?? []).length;
  return [
    {
      section: "1 state",
      metric: `__provider per resource (${functions} serialized functions; stored twice)`,
      value: `${bytes} B`,
      target: `<= ${TARGET} B`,
      met: bytes <= TARGET,
    },
  ];
}
