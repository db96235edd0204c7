/**
 * Level 4: what the user sees for each kind of 403, through the real provider host over gRPC. Only a
 * missing permission (or a bare 403 that names no code) may be blamed on a permission; the other codes
 * have causes of their own, and the Pod delete reads a 403 `cannot_delete` as a pod that is not empty.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import type { FaultRule } from "../../emulator";
import { expectHostError, unwrapSecrets, urn, type CapturedResource, type PropertyMap } from "../../harness";
import { useEngineFixture } from "./fixture";

const PROGRAM = path.join(__dirname, "..", "fixtures", "programs", "perTenant.js");
const POD = "pulumi-nodejs:dynamic/agentmail:Pod";
const KEY = "pulumi-nodejs:dynamic/agentmail:PodApiKey";
const PROJECT = "per-tenant";
const KEYS_PATH = "/v0/pods/*/api-keys";

describe("403 answers as the user sees them through the provider host (level 4)", function () {
  this.timeout(60_000);
  const fx = useEngineFixture({
    project: PROJECT,
    program: PROGRAM,
    capture: () => ({ config: { "fixture:tenant": "acme" }, mockOutputs: { acme: { podId: "pod_mock_acme" } } }),
  });
  let pod: CapturedResource;
  let key: CapturedResource;
  let podInputs: PropertyMap;
  let created: { id: string; properties: PropertyMap };

  const podUrn = () => urn(POD, pod.name, "dev", PROJECT);
  const keyUrn = () => urn(KEY, key.name, "dev", PROJECT);

  before(async () => {
    pod = fx.captured.resources.find((r) => r.type === POD)!;
    key = fx.captured.resources.find((r) => r.type === KEY)!;
    podInputs = (await fx.host.check(podUrn(), {}, unwrapSecrets(pod.inputs))).inputs;
    created = await fx.host.create(podUrn(), podInputs);
  });
  beforeEach(() => {
    fx.emu.faults.clear();
    fx.emu.log.clear();
  });

  /** Creates the key through the host with one 403 injected; returns the message shown to the user. */
  async function keyCreateRefused(rule: FaultRule): Promise<string> {
    const news = { ...unwrapSecrets(key.inputs), podId: created.id };
    const { inputs } = await fx.host.check(keyUrn(), {}, news);
    fx.emu.faults.add({ method: "POST", path: KEYS_PATH, ...rule });
    const e = await expectHostError(fx.host.create(keyUrn(), inputs));
    assert.equal(fx.emu.log.count({ method: "POST", path: KEYS_PATH }), 1, "a 403 is not retried");
    assert.deepEqual(fx.emu.store.apiKeys(created.id), [], "no key was made");
    return e.details;
  }

  /** Creates a second pod through the host with one 403 injected; returns the message shown to the user. */
  async function podCreateRefused(rule: FaultRule): Promise<string> {
    const before = fx.emu.store.pods().length;
    fx.emu.faults.add({ method: "POST", path: "/v0/pods", ...rule });
    const e = await expectHostError(fx.host.create(podUrn(), podInputs));
    assert.equal(fx.emu.log.count({ method: "POST", path: "/v0/pods" }), 1, "a 403 is not retried");
    assert.equal(fx.emu.store.pods().length, before, "no pod was made");
    return e.details;
  }

  it("missing_permission names the permission the request needs", async () => {
    const details = await keyCreateRefused({ code: "missing_permission" });
    assert.match(details, /POST \/v0\/pods\/\S+\/api-keys answered 403 missing_permission/);
    assert.match(details, /This request needs the api_key_create permission\./);
  });

  it("a bare 403 with no code (a gateway's) names the permission too", async () => {
    const details = await keyCreateRefused({ status: 403, body: { message: "Forbidden" } });
    assert.match(details, /answered 403 Forbidden\./);
    assert.match(details, /This request needs the api_key_create permission\./);
  });

  it("permission_escalation says the credential cannot grant what it lacks, not that it lacks api_key_create", async () => {
    const details = await keyCreateRefused({ code: "permission_escalation" });
    assert.match(details, /answered 403 permission_escalation/);
    assert.match(details, /cannot give a key a permission it does not hold itself/);
    assert.doesNotMatch(details, /needs the \w+ permission/);
  });

  it("unrestricted_key_required says an unrestricted credential is needed, not a permission", async () => {
    const details = await podCreateRefused({ code: "unrestricted_key_required" });
    assert.match(details, /POST \/v0\/pods answered 403 unrestricted_key_required/);
    assert.match(details, /needs an unrestricted credential \(an organization API key with full access\)/);
    assert.doesNotMatch(details, /needs the \w+ permission/);
  });

  it("limit_exceeded says a limit is reached, not that a permission is missing", async () => {
    const details = await podCreateRefused({ code: "limit_exceeded" });
    assert.match(details, /answered 403 limit_exceeded/);
    assert.match(details, /has reached an AgentMail limit/);
    assert.doesNotMatch(details, /needs the \w+ permission/);
  });

  it("a Pod delete answered 403 cannot_delete gets the not-empty message, and the pod is kept", async () => {
    fx.emu.faults.add({
      method: "DELETE",
      path: `/v0/pods/${created.id}`,
      status: 403,
      code: "cannot_delete",
      times: 1,
    });
    const e = await expectHostError(fx.host.delete(created.id, podUrn(), created.properties));
    assert.match(e.details, /cannot be deleted: it still holds inboxes or domains/);
    assert.match(e.details, /retainOnDelete: true/);
    assert.match(e.details, /answered 403 cannot_delete/);
    assert.doesNotMatch(e.details, /needs the \w+ permission/);
    assert.equal(fx.emu.log.count({ method: "DELETE" }), 1);
    assert.ok(fx.emu.store.pod(created.id), "the pod is still there");
    await fx.host.delete(created.id, podUrn(), created.properties);
    assert.equal(fx.emu.store.pod(created.id), undefined, "and is deleted once AgentMail allows it");
  });
});
