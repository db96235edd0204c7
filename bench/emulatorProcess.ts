/**
 * The emulator in a child process (`dist/emulator/cli.js`), so that a client benchmark does not share its
 * event loop with the server. Only the HTTP API is reachable: pods are made with POST /v0/pods.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { request } from "undici";

/** A running emulator process. */
export interface EmulatorProcess {
  readonly url: string;
  readonly orgApiKey: string;
  createPod(): Promise<string>;
  /** Number of bearer keys in a pod (first page of 100; enough to see "none left"). */
  keyCount(podId: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const orgApiKey = `am_us_${randomBytes(24).toString("hex")}`;
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, "..", "emulator", "cli.js")], {
    stdio: ["ignore", "pipe", "inherit"],
    // The key through the environment: the CLI refuses it as an argument, where ps would show it.
    env: { ...process.env, AGENTMAIL_EMULATOR_API_KEY: orgApiKey },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("the emulator did not start in 10 s")), 10_000);
    child.once("exit", (code) => reject(new Error(`the emulator exited (${code})`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  const headers = { authorization: `Bearer ${orgApiKey}`, "content-type": "application/json" };
  return {
    url,
    orgApiKey,
    async createPod() {
      const res = await request(`${url}/v0/pods`, { method: "POST", headers, body: "{}" });
      return ((await res.body.json()) as { pod_id: string }).pod_id;
    },
    async keyCount(podId) {
      const res = await request(`${url}/v0/pods/${podId}/api-keys?limit=100`, { headers });
      return ((await res.body.json()) as { api_keys: unknown[] }).api_keys.length;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
