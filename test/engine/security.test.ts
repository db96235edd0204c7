/**
 * Level 4: the security rules of issue 15 through the real dynamic provider host, as `pulumi up` runs
 * them. An id that would leave its request path (`..` folds `/v0/pods/../api-keys` into the
 * organization's `/v0/api-keys`) is a Check failure naming the input, and a stored state holding one is
 * refused by Read and Delete before any request (counted at the emulator). A base URL with a password,
 * a query or plain http to another host fails the first call with a message naming the setting, and the
 * password appears in no output.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import {
  expectHostError,
  startProviderHost,
  unwrapSecrets,
  urn,
  type CapturedResource,
  type PropertyMap,
} from "../../harness";
import { useEngineFixture } from "./fixture";

const PROGRAM = path.join(__dirname, "..", "fixtures", "programs", "perTenant.js");
const POD = "pulumi-nodejs:dynamic/agentmail:Pod";
const KEY = "pulumi-nodejs:dynamic/agentmail:PodApiKey";
const PROJECT = "security";
const PASSWORD = "pr0xy-passw0rd-do-not-print";
/** Pod ids that would change the request's path; each must be refused. */
const UNSAFE_POD_IDS = ["..", ".", "../..", "pod/../..", "pod?x=1", "pod#x", "%2e%2e", "pod 1", "pod\n1"];

describe("security rules through the provider host over gRPC (level 4, issue 15)", function () {
  this.timeout(60_000);
  const fx = useEngineFixture({
    project: PROJECT,
    program: PROGRAM,
    capture: () => ({ config: { "fixture:tenant": "sec" }, mockOutputs: { sec: { podId: "pod_mock_sec" } } }),
    secrets: [PASSWORD],
  });
  let pod: CapturedResource;
  let key: CapturedResource;
  let podId: string;
  let keyInputs: PropertyMap;
  const keyUrn = () => urn(KEY, key.name, "dev", PROJECT);
  const podUrn = () => urn(POD, pod.name, "dev", PROJECT);

  before(async () => {
    pod = fx.captured.resources.find((r) => r.type === POD)!;
    key = fx.captured.resources.find((r) => r.type === KEY)!;
    podId = fx.emu.store.createPod({ name: "security" }).pod_id;
    keyInputs = (await fx.host.check(keyUrn(), {}, { ...unwrapSecrets(key.inputs), podId })).inputs;
  });
  beforeEach(() => fx.emu.log.clear());

  it("Check fails on a podId that would leave its path, naming podId, and sends nothing", async () => {
    for (const bad of UNSAFE_POD_IDS) {
      const r = await fx.host.check(keyUrn(), {}, { ...unwrapSecrets(key.inputs), podId: bad });
      assert.deepEqual(
        r.failures.map((f) => f.property),
        ["podId"],
        JSON.stringify(bad),
      );
      assert.match(r.failures[0]!.reason, /^podId is not a pod id .*letters, digits, '-', '_' and '\.'/);
    }
    assert.equal(fx.emu.log.count(), 0);
  });

  it("a stored key whose podId is '..' is refused by Read and Delete before any request; the key lives on", async () => {
    const created = await fx.host.create(keyUrn(), keyInputs);
    fx.secrets.push(created.properties["apiKey"] as string);
    fx.emu.log.clear();
    const tampered = { ...created.properties, podId: ".." };
    const del = await expectHostError(fx.host.delete(created.id, keyUrn(), tampered));
    assert.match(
      del.details,
      /Refusing to send a request to \/v0\/pods\/\{pod_id\}\/api-keys\/\{api_key_id\} with pod_id ".."/,
    );
    assert.match(del.details, /No request was sent/);
    const read = await expectHostError(fx.host.read(created.id, keyUrn(), tampered, keyInputs));
    assert.match(read.details, /with pod_id ".."/);
    assert.equal(fx.emu.log.count(), 0, "no request at all, to any path");
    assert.deepEqual(
      fx.emu.store.apiKeys(podId).map((k) => k.api_key_id),
      [created.id],
      "the key is neither revoked nor lost",
    );
    // The same for an id the state (or an API answer) holds in place of the key's own id.
    const badId = await expectHostError(fx.host.delete("../../pods/x", keyUrn(), created.properties));
    assert.match(badId.details, /with api_key_id "..\/..\/pods\/x"/);
    assert.equal(fx.emu.log.count(), 0);
    await fx.host.delete(created.id, keyUrn(), created.properties);
    assert.equal(fx.emu.store.apiKeys(podId).length, 0);
  });

  it("a stored Pod whose id is '..' is refused by Read and Delete before any request", async () => {
    const checked = await fx.host.check(podUrn(), {}, unwrapSecrets(pod.inputs));
    const created = await fx.host.create(podUrn(), checked.inputs);
    fx.emu.log.clear();
    for (const bad of ["..", "."]) {
      const props = { ...created.properties, podId: bad };
      const del = await expectHostError(fx.host.delete(bad, podUrn(), props));
      assert.match(del.details, new RegExp(`/v0/pods/\\{pod_id\\} with pod_id "${bad.replace(/\./g, "\\.")}"`));
      await expectHostError(fx.host.read(bad, podUrn(), props, checked.inputs));
    }
    assert.equal(fx.emu.log.count(), 0);
    assert.ok(fx.emu.store.pods().some((p) => p.pod_id === created.id));
    await fx.host.delete(created.id, podUrn(), created.properties);
  });

  describe("a base URL that would leak the key", () => {
    const bad = (emuUrl: string) => {
      const port = new URL(emuUrl).port;
      return [
        {
          url: `http://admin:${PASSWORD}@127.0.0.1:${port}`,
          message: /agentmail:baseUrl must not hold a user name or password/,
        },
        { url: `${emuUrl}/?token=${PASSWORD}`, message: /agentmail:baseUrl must not hold a query/ },
        { url: `${emuUrl}/#${PASSWORD}`, message: /agentmail:baseUrl must not hold a query .* or a fragment/ },
        {
          url: `http://agentmail.invalid:${port}`,
          message: /agentmail:baseUrl uses plain http:\/\/ to agentmail\.invalid/,
        },
      ];
    };

    it("fails the first call with a message naming the setting, sends nothing, and prints no password", async () => {
      const keysBefore = fx.emu.store.apiKeys(podId).length;
      for (const { url, message } of bad(fx.emu.url)) {
        const host = await startProviderHost({
          cwd: fx.project.dir,
          project: PROJECT,
          env: { AGENTMAIL_API_KEY: "", AGENTMAIL_BASE_URL: "" },
        });
        try {
          await host.configure({ "agentmail:apiKey": fx.emu.orgApiKey, "agentmail:baseUrl": url });
          const create = await expectHostError(host.create(keyUrn(), keyInputs));
          assert.match(create.details, message, url);
          const del = await expectHostError(host.delete("ak_0123", keyUrn(), { ...keyInputs, apiKeyId: "ak_0123" }));
          assert.match(del.details, message, url);
          for (const text of [create.details, del.details, create.message, host.output()]) {
            assert.ok(!text.includes(PASSWORD), `the password leaked: ${text}`);
            assert.ok(!text.includes(fx.emu.orgApiKey), "the key leaked");
          }
        } finally {
          await host.stop();
        }
      }
      assert.equal(fx.emu.log.count(), 0, "no request reached the emulator");
      assert.equal(fx.emu.store.apiKeys(podId).length, keysBefore);
    });

    it("the same base URLs from AGENTMAIL_BASE_URL are refused too, naming that variable", async () => {
      const { url } = bad(fx.emu.url)[0]!;
      const host = await startProviderHost({
        cwd: fx.project.dir,
        project: PROJECT,
        env: { AGENTMAIL_API_KEY: fx.emu.orgApiKey, AGENTMAIL_BASE_URL: url },
      });
      try {
        await host.configure({});
        const e = await expectHostError(host.create(keyUrn(), keyInputs));
        assert.match(e.details, /^AGENTMAIL_BASE_URL must not hold a user name or password/);
        assert.ok(!e.details.includes(PASSWORD) && !host.output().includes(PASSWORD));
      } finally {
        await host.stop();
      }
      assert.equal(fx.emu.log.count(), 0);
    });

    it("http:// to the emulator on 127.0.0.1 keeps working", async () => {
      assert.match(fx.emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const created = await fx.host.create(keyUrn(), keyInputs);
      fx.secrets.push(created.properties["apiKey"] as string);
      assert.equal(created.properties["endpoint"], fx.emu.url);
      await fx.host.delete(created.id, keyUrn(), created.properties);
      assert.equal(fx.emu.log.count({ method: "POST" }), 1);
    });
  });

  it("nothing the host printed holds a secret", () => {
    for (const s of fx.secrets) assert.ok(!fx.host.output().includes(s));
  });
});
