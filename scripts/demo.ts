/**
 * `npm run demo`: the quickstart example (a least-privilege pod key) against the local emulator.
 *
 * With the Pulumi CLI on PATH: `pulumi up`, the outputs (the key masked unless `--show-secrets` is given),
 * `pulumi destroy`, on a local file backend with passphrase secrets in a temporary folder that is removed
 * afterwards, even on Ctrl-C.
 * Without it: the same program is run under Pulumi's mocks to get what the engine would receive, and
 * walked through Pulumi's real provider host over gRPC, step by step, as `pulumi up` would.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { startEmulator, type Emulator } from "../emulator";
import {
  captureProgram,
  makeProjectDir,
  resolvePackageDir,
  startProviderHost,
  unwrapSecrets,
  urn,
  type ProjectDir,
  type ProviderHost,
} from "../harness";
import { keyHint } from "../provider/agentmail/redact";

const REPO = path.resolve(__dirname, "..", "..");
const EXAMPLE = path.join(REPO, "examples", "quickstart");
const PROJECT = "quickstart";
/** `npm run demo -- --show-secrets` prints the created key; by default it stays masked. */
const SHOW_SECRETS = process.argv.includes("--show-secrets");

function step(text: string): void {
  console.log(`\n==> ${text}`);
}

function mask(value: unknown): string {
  return typeof value === "string" ? `${keyHint(value)} (secret, masked)` : String(value);
}

/** The created key: masked unless the user asked to see it. */
function secretOutput(value: unknown): string {
  return SHOW_SECRETS ? String(value) : `${mask(value)}; add --show-secrets to see it`;
}

/** The example's TypeScript, compiled to CommonJS beside a Pulumi.yaml whose main is the JS file. */
function prepareProject(): ProjectDir {
  const project = makeProjectDir({
    name: PROJECT,
    linkPackages: { "pulumi-agentmail": REPO, "@pulumi/pulumi": resolvePackageDir("@pulumi/pulumi") },
  });
  const source = fs.readFileSync(path.join(EXAMPLE, "index.ts"), "utf8");
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  fs.writeFileSync(path.join(project.dir, "index.js"), js);
  fs.writeFileSync(path.join(project.dir, "Pulumi.yaml"), `name: ${PROJECT}\nruntime: nodejs\nmain: index.js\n`);
  return project;
}

function hasPulumiCli(): boolean {
  return spawnSync("pulumi", ["version"], { stdio: "ignore" }).status === 0;
}

async function withCli(emu: Emulator, podId: string, project: ProjectDir): Promise<void> {
  const state = path.join(project.dir, ".state");
  fs.mkdirSync(state);
  const env = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${state}`,
    PULUMI_CONFIG_PASSPHRASE: "demo-only-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    AGENTMAIL_API_KEY: "",
  };
  const pulumi = (args: string[]): string =>
    execFileSync("pulumi", [...args, "--non-interactive"], {
      cwd: project.dir,
      env,
      stdio: ["ignore", "pipe", "inherit"],
      encoding: "utf8",
    }).trim();
  step("pulumi stack init dev (local file backend, passphrase secrets)");
  pulumi(["stack", "init", "dev"]);
  pulumi(["config", "set", "quickstart:podId", podId]);
  pulumi(["config", "set", "agentmail:baseUrl", emu.url]);
  execFileSync("pulumi", ["config", "set", "agentmail:apiKey", "--secret", "--non-interactive"], {
    cwd: project.dir,
    env,
    input: emu.orgApiKey,
  });
  step("pulumi up");
  console.log(pulumi(["up", "--yes", "--skip-preview"]));
  step(
    `pulumi stack output${SHOW_SECRETS ? " --show-secrets" : " (the key stays masked; add --show-secrets to see it)"}`,
  );
  console.log(pulumi(["stack", "output", ...(SHOW_SECRETS ? ["--show-secrets"] : [])]));
  console.log(`keys in the emulator's pod: ${emu.store.apiKeys(podId).length}`);
  step("pulumi destroy");
  console.log(pulumi(["destroy", "--yes", "--skip-preview"]));
  console.log(`keys in the emulator's pod after destroy: ${emu.store.apiKeys(podId).length}`);
}

async function withoutCli(emu: Emulator, podId: string, project: ProjectDir): Promise<void> {
  console.log("The Pulumi CLI is not on PATH: walking the program through Pulumi's provider host instead,");
  console.log("exactly as `pulumi up` would drive it (gRPC: Configure, Check, Diff, Create, Read, Delete).");
  step("Run the program under Pulumi's mocks to get what the engine receives");
  const captured = await captureProgram(path.join(project.dir, "index.js"), {
    project: PROJECT,
    cwd: project.dir,
    config: { "quickstart:podId": podId },
  });
  const res = captured.resources.find((r) => r.type.endsWith(":PodApiKey"));
  if (res === undefined) throw new Error("the quickstart program registered no PodApiKey");
  const u = urn(res.type, res.name, "dev", PROJECT);
  const text = res.inputs["__provider"] as string;
  console.log(
    `registered ${res.type} "${res.name}", additionalSecretOutputs ${JSON.stringify(res.options.additionalSecretOutputs)}`,
  );
  console.log(
    `serialized provider (__provider): ${text.length} bytes, no credential in it: ${!text.includes(emu.orgApiKey)}`,
  );

  step("Start the provider host in the project folder and Configure it with the stack config");
  const host: ProviderHost = await startProviderHost({
    cwd: project.dir,
    project: PROJECT,
    env: { AGENTMAIL_API_KEY: "" },
  });
  try {
    await host.configure({ "agentmail:apiKey": emu.orgApiKey, "agentmail:baseUrl": emu.url });
    console.log(`agentmail:baseUrl = ${emu.url}, agentmail:apiKey = ${mask(emu.orgApiKey)}`);

    step("Check: validate the inputs and pick the auto-name");
    const checked = await host.check(u, {}, unwrapSecrets(res.inputs));
    console.log(`failures: ${checked.failures.length}, name: ${String(checked.inputs["name"])}`);
    console.log(`permissions: ${JSON.stringify(checked.inputs["permissions"])}`);

    step("Create: POST /v0/pods/{pod}/api-keys");
    const created = await host.create(u, checked.inputs);
    const outs = created.properties;
    console.log(`id: ${created.id}`);
    for (const k of ["name", "podId", "prefix", "createdAt"]) console.log(`${k}: ${String(outs[k])}`);
    console.log(`apiKey: ${secretOutput(outs["apiKey"])}`);
    console.log(`keys in the emulator's pod: ${emu.store.apiKeys(podId).length}`);

    step("Diff against the same program (a second `pulumi up`)");
    const again = await host.check(u, checked.inputs, unwrapSecrets(res.inputs));
    const diff = await host.diff(created.id, u, outs, again.inputs);
    console.log(`changes: ${diff.changes}, replaces: ${JSON.stringify(diff.replaces)}`);

    step("Read (pulumi refresh): the key is still there, the secret kept from state");
    const read = await host.read(created.id, u, outs, checked.inputs);
    console.log(`id: ${read.id || "(gone)"}, apiKey kept: ${read.properties["apiKey"] === outs["apiKey"]}`);

    step("Delete (pulumi destroy): revoke the key");
    await host.delete(created.id, u, outs);
    console.log(`keys in the emulator's pod: ${emu.store.apiKeys(podId).length}`);
  } finally {
    await host.stop();
  }
}

async function main(): Promise<void> {
  step("Start the AgentMail emulator");
  const emu = await startEmulator();
  const project = prepareProject();
  const cleanup = async () => {
    project.cleanup();
    await emu.stop();
  };
  process.once("SIGINT", () => void cleanup().finally(() => process.exit(130)));
  process.once("SIGTERM", () => void cleanup().finally(() => process.exit(143)));
  try {
    console.log(`emulator: ${emu.url}, organization key ${mask(emu.orgApiKey)}`);
    const pod = emu.store.createPod({ name: "quickstart" });
    console.log(`pod: ${pod.pod_id} ("${pod.name}")`);
    if (hasPulumiCli()) await withCli(emu, pod.pod_id, project);
    else await withoutCli(emu, pod.pod_id, project);
    step("Done");
  } finally {
    await cleanup();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
