/**
 * Drives a provider's operations as `pulumi up` does (pulumi/pulumi pkg/resource/deploy/step_generator.go, see
 * /work/shared/pulumi-dynamic-facts.md): Check with the old inputs; no old resource: Create; else Diff against
 * the old outputs; a replacement: Check again without olds, Create the new one, and delete the old one once
 * every resource has been stepped (create-before-delete); changes without replacements: Update; else nothing.
 * The same driver runs over the lifecycle functions (level 2) and over the provider host (level 4).
 */
import assert from "node:assert/strict";
import { parseDuration } from "../../provider/lifecycle/rotation";
import { pairKeyName } from "../../provider/lifecycle/rotationSchedule";
import { generationTrigger, pairView } from "../../provider/rotatingPodApiKey";

type Props = Record<string, unknown>;

/** A provider's operations, from wherever they run. */
export interface ProviderOps {
  check(olds: Props, news: Props): Promise<{ inputs: Props; failures: readonly unknown[] }>;
  diff(id: string, olds: Props, news: Props): Promise<{ changes: boolean; replaces: readonly string[] }>;
  create(inputs: Props): Promise<{ id: string; outs: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  remove(id: string, outs: Props): Promise<void>;
}

/** A resource in the state: its id, checked inputs and outputs. */
export interface Live {
  readonly id: string;
  readonly inputs: Props;
  readonly outs: Props;
}

/** What one step did. `retired` is the replaced resource, to delete at the end of the deployment. */
export interface Step {
  readonly live: Live;
  readonly kind: "create" | "same" | "update" | "replace";
  readonly replaces: readonly string[];
  readonly retired?: Live;
}

/** One registration's step, as the engine runs it. */
export async function step(ops: ProviderOps, old: Live | undefined, news: Props): Promise<Step> {
  const checked = await ops.check(old?.inputs ?? {}, news);
  assert.deepEqual(checked.failures, []);
  if (old === undefined) {
    const made = await ops.create(checked.inputs);
    return { live: { id: made.id, inputs: checked.inputs, outs: made.outs }, kind: "create", replaces: [] };
  }
  const d = await ops.diff(old.id, old.outs, checked.inputs);
  if (d.replaces.length > 0) {
    const fresh = await ops.check({}, news);
    assert.deepEqual(fresh.failures, []);
    const made = await ops.create(fresh.inputs);
    return {
      live: { id: made.id, inputs: fresh.inputs, outs: made.outs },
      kind: "replace",
      replaces: d.replaces,
      retired: old,
    };
  }
  if (d.changes) {
    const updated = await ops.update(old.id, old.outs, checked.inputs);
    return { live: { id: old.id, inputs: checked.inputs, outs: updated.outs }, kind: "update", replaces: [] };
  }
  return { live: old, kind: "same", replaces: [] };
}

/** A RotatingPodApiKey's children in the state: its schedule and its two keys. */
export interface PairState {
  readonly schedule?: Live;
  readonly a?: Live;
  readonly b?: Live;
}

/** The operations of the pair's two providers. */
export interface PairOps {
  readonly schedule: ProviderOps;
  readonly keys: ProviderOps;
}

/** The inputs `RotatingPodApiKey` registers for its keys (see provider/rotatingPodApiKey.ts), from its schedule's outputs. */
export function pairInputs(base: Props, schedule: Props): [Props, Props] {
  const key = (m: "a" | "b", g: unknown): Props => ({
    ...base,
    // The PodApiKey class registers its resource name too (its children are `pair-a` and `pair-b`).
    autoNamePrefix: `pair-${m}`,
    name: pairKeyName(String(schedule["keyName"]), String(schedule["pairToken"]), m, Number(g)),
    rotationTrigger: generationTrigger(Number(g)),
  });
  return [key("a", schedule["generationA"]), key("b", schedule["generationB"])];
}

/** The inputs `RotatingPodApiKey` registers for its schedule. */
export function scheduleInputs(base: Props, period: string): Props {
  return {
    rotationPeriod: period,
    podId: base["podId"],
    autoNamePrefix: "pair",
    pairToken: "0a1b2c3d",
    __provider: base["__provider"],
    ...(base["connection"] === undefined ? {} : { connection: base["connection"] }),
  };
}

/** The pair's keys as its outputs give them (`newer` is `apiKey`), by the component's own rule. */
export function pairOrder(state: PairState): { newer: Live; older: Live; rotatesAt: string | undefined } {
  const [a, b] = [state.a!, state.b!];
  const member = (k: Live) => ({
    apiKey: k.outs["apiKey"] as string,
    apiKeyId: k.id,
    createdAt: k.outs["createdAt"] as string,
    rotationTrigger: k.outs["rotationTrigger"] as string | undefined,
  });
  const s = state.schedule!.outs;
  const periodMs = parseDuration(s["rotationPeriod"])!;
  const view = pairView(member(a), member(b), { a: Number(s["generationA"]), b: Number(s["generationB"]) }, periodMs);
  return view.newer.apiKeyId === a.id
    ? { newer: a, older: b, rotatesAt: view.rotatesAt }
    : { newer: b, older: a, rotatesAt: view.rotatesAt };
}

/**
 * One `pulumi up` of a RotatingPodApiKey's children: the schedule, then both keys (they take its generations),
 * then the deletes of the replaced keys.
 */
export async function upPair(
  ops: PairOps,
  state: PairState,
  base: Props,
  period: string,
  beforeDeletes?: () => Promise<void>,
): Promise<{ schedule: Live; a: Live; b: Live; scheduleStep: Step; steps: [Step, Step] }> {
  const s = await step(ops.schedule, state.schedule, scheduleInputs(base, period));
  assert.deepEqual(s.replaces, [], "a schedule is never replaced");
  const [aNews, bNews] = pairInputs(base, s.live.outs);
  const a = await step(ops.keys, state.a, aNews);
  const b = await step(ops.keys, state.b, bNews);
  await beforeDeletes?.();
  for (const k of [a, b]) if (k.retired !== undefined) await ops.keys.remove(k.retired.id, k.retired.outs);
  return { schedule: s.live, a: a.live, b: b.live, scheduleStep: s, steps: [a, b] };
}

/**
 * `pulumi preview` of the pair (no create, update or delete runs): Check and Diff of each child. The schedule's
 * outputs in a previewed update are its checked inputs, as the engine hands them back for a provider without
 * preview support (pulumi/pulumi `sdk/go/common/resource/plugin/provider_plugin.go`, `Update`: `if
 * !protocol.supportsPreview ... return UpdateResponse{Properties: req.NewInputs}`); the keys are diffed with
 * the generations from them. Returns what preview would show for each child.
 */
export async function previewPair(
  ops: PairOps,
  state: Required<PairState>,
  base: Props,
  period: string,
): Promise<{ schedule: "same" | "update"; a: readonly string[]; b: readonly string[] }> {
  const checked = await ops.schedule.check(state.schedule.inputs, scheduleInputs(base, period));
  assert.deepEqual(checked.failures, []);
  const d = await ops.schedule.diff(state.schedule.id, state.schedule.outs, checked.inputs);
  const outs = d.changes ? checked.inputs : state.schedule.outs;
  const [aNews, bNews] = pairInputs(base, outs);
  const replaces = async (old: Live, news: Props) =>
    (await ops.keys.diff(old.id, old.outs, (await ops.keys.check(old.inputs, news)).inputs)).replaces;
  return {
    schedule: d.changes ? "update" : "same",
    a: await replaces(state.a, aNews),
    b: await replaces(state.b, bNews),
  };
}
