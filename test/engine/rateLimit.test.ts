/**
 * Level 4, issue 11: one provider host, as the engine runs it for a whole `pulumi up`, serving many Create and
 * then many Delete calls at once against the emulator's rate limit. Every call goes through the one budget of
 * the host process: none fails, the pod ends with exactly the created keys, then with none, and each create is
 * one processed POST and one processed rename. (Pulumi's default parallelism is unbounded and every resource of
 * a provider is served by one host process: facts file, from pulumi/pulumi pkg/resource/deploy.)
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { unwrapSecrets, urn, type CapturedResource } from "../../harness";
import { useEngineFixture } from "./fixture";

const PROGRAM = path.join(__dirname, "..", "fixtures", "programs", "perTenant.js");
const KEY = "pulumi-nodejs:dynamic/agentmail:PodApiKey";
const PROJECT = "ratelimit";
const N = 150;

describe("many concurrent Creates and Deletes through one provider host against a rate limit (level 4, issue 11)", function () {
  this.timeout(60_000);
  let podId: string;
  const fx = useEngineFixture({
    project: PROJECT,
    program: PROGRAM,
    emulator: { rateLimit: { perSecond: 100, burst: 20 } },
    // The emulator answers Retry-After: 1; a 50 ms cap keeps the test short (the benchmark honours it whole).
    config: { "agentmail:retry": JSON.stringify({ maxRetryAfterMs: 50 }) },
    capture: (emu) => {
      podId = emu.store.createPod({ name: "tenants" }).pod_id;
      return { config: { "fixture:tenant": "acme" }, mockOutputs: { acme: { podId } } };
    },
  });
  let agent: CapturedResource;

  before(() => {
    agent = fx.captured.resources.find((r) => r.name === "acme-agent")!;
  });

  it(`${N} Creates, then ${N} Deletes, all at once: no failure, exactly the state's keys, 1 POST + 1 PATCH each`, async () => {
    fx.emu.log.clear();
    const created = await Promise.allSettled(
      Array.from({ length: N }, async (_, i) => {
        const u = urn(KEY, `tenant-${i}`, "dev", PROJECT);
        const checked = await fx.host.check(u, {}, { ...unwrapSecrets(agent.inputs), podId, autoNamePrefix: `t${i}` });
        assert.deepEqual(checked.failures, []);
        const res = await fx.host.create(u, checked.inputs);
        fx.secrets.push(res.properties["apiKey"] as string);
        return { u, ...res };
      }),
    );
    assert.deepEqual(
      created.flatMap((s) => (s.status === "rejected" ? [String(s.reason)] : [])),
      [],
      "no Create failed",
    );
    const keys = created.map((s) => (s as PromiseFulfilledResult<{ u: string; id: string; properties: never }>).value);
    const log = fx.emu.log;
    assert.ok(fx.emu.rateLimited() > 0, "the limit was reached (else this test proves nothing)");
    assert.deepEqual(
      fx.emu.store
        .apiKeys(podId)
        .map((k) => k.api_key_id)
        .sort(),
      keys.map((k) => k.id).sort(),
      "the pod holds exactly the created keys",
    );
    assert.equal(log.count({ method: "POST", status: 200 }), N, "one processed POST per Create");
    assert.equal(log.count({ method: "PATCH", status: 200 }), N, "one processed rename per Create");

    const deleted = await Promise.allSettled(keys.map((k) => fx.host.delete(k.id, k.u, k.properties)));
    assert.deepEqual(
      deleted.flatMap((s) => (s.status === "rejected" ? [String(s.reason)] : [])),
      [],
      "no Delete failed",
    );
    assert.equal(fx.emu.store.apiKeys(podId).length, 0, "every key revoked");
    assert.equal(log.count({ method: "DELETE", status: 204 }), N, "one processed DELETE per key");
    assert.equal(log.count({ status: 429 }), fx.emu.rateLimited(), "every 429 came from the limit");
    assert.ok(
      fx.emu.rateLimited() <= 0.25 * log.count(),
      `the host's budget held the burst back: ${fx.emu.rateLimited()} of ${log.count()} requests answered 429`,
    );
  });
});
