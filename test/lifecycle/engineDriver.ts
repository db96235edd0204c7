/**
 * Drives a provider's operations as `pulumi up` does (pulumi/pulumi pkg/resource/deploy/step_generator.go, see
 * /work/shared/pulumi-dynamic-facts.md): Check with the old inputs; no old resource: Create; else Diff against
 * the old outputs; a replacement: Check again without olds, Create the new one, and delete the old one once
 * every resource has been stepped (create-before-delete); changes without replacements: Update; else nothing.
 * The same driver runs over the lifecycle functions (level 2) and over the provider host (level 4).
 */
import assert from "node:assert/strict";

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

/** The inputs `RotatingPodApiKey` registers for its children (see provider/rotatingPodApiKey.ts). */
export function pairInputs(base: Props, period: string, doubled: string, aCreatedAt?: unknown): [Props, Props] {
  return [
    { ...base, autoNamePrefix: "pair-a", rotateAfter: doubled },
    { ...base, autoNamePrefix: "pair-b", rotateBehind: aCreatedAt, rotationPeriod: period },
  ];
}

/** One `pulumi up` of a RotatingPodApiKey's two children: `b` after `a` (it takes `a`'s createdAt). */
export async function upPair(
  ops: ProviderOps,
  state: { a?: Live; b?: Live },
  base: Props,
  period: string,
  doubled: string,
  beforeDeletes?: () => Promise<void>,
): Promise<{ a: Live; b: Live; steps: [Step, Step] }> {
  const [aNews] = pairInputs(base, period, doubled);
  const a = await step(ops, state.a, aNews);
  const [, bNews] = pairInputs(base, period, doubled, a.live.outs["createdAt"]);
  const b = await step(ops, state.b, bNews);
  await beforeDeletes?.();
  for (const s of [a, b]) if (s.retired !== undefined) await ops.remove(s.retired.id, s.retired.outs);
  return { a: a.live, b: b.live, steps: [a, b] };
}
