/**
 * The testing kit's mocks (`pulumi-agentmail/testing`), called directly with what Pulumi's mock monitor passes
 * them: no `setMocks` here, so this runs beside the other unit suites. The path through the SDK (secrets,
 * `promiseOf`, a user's mocha test) is proven in the installed package (test/engine/package.test.ts).
 */
import assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import { GET_POD_API_KEYS_TOKEN, GET_POD_TOKEN } from "../../provider";
import {
  agentmailMocks,
  CheckFailedError,
  POD_API_KEY_TYPE,
  POD_TYPE,
  ROTATION_SCHEDULE_TYPE,
} from "../../provider/testing";
import { isSecretWrapper, wrapSecret } from "../../provider/testing/wire";

type Props = Record<string, unknown>;

/** The provider text is a string in the inputs under mocks (pulumi-dynamic-facts.md). */
const SHIM = "exports.handler = ...";

/** The arguments the mock monitor gives `newResource` for a resource of this package. */
function args(type: string, name: string, inputs: Props): pulumi.runtime.MockResourceArgs {
  return { type, name, inputs: { ...inputs, autoNamePrefix: name, __provider: SHIM }, custom: true };
}

/** The mocks' answer to a resource, always as a promise (the type allows a plain value). */
async function answer(m: pulumi.runtime.Mocks, a: pulumi.runtime.MockResourceArgs) {
  return m.newResource(a);
}

/** A fixed clock: tests never read the wall clock. */
const NOW = Date.parse("2026-11-27T10:00:00.000Z");

describe("pulumi-agentmail/testing: agentmailMocks (unit)", () => {
  const mocks = agentmailMocks({}, { now: () => NOW });

  describe("PodApiKey", () => {
    it("answers with realistic outputs, built as the provider builds them", async () => {
      const { id, state } = await answer(
        mocks,
        args(POD_API_KEY_TYPE, "bot", { podId: "pod_1", permissions: { messageSend: true, inboxRead: false } }),
      );
      assert.match(String(id), /^ak_[0-9a-f]{24}$/);
      assert.equal(state["apiKeyId"], id);
      assert.ok(isSecretWrapper(state["apiKey"]), "apiKey is a secret, as additionalSecretOutputs makes it");
      const secret = String((state["apiKey"] as { value: unknown }).value);
      assert.match(secret, /^am_us_[0-9a-f]{48}$/);
      assert.equal(state["prefix"], secret.slice(0, 12));
      assert.equal(state["podId"], "pod_1");
      assert.equal(state["createdAt"], "2026-11-27T10:00:00.000Z");
      // The provider stores the grant by meaning: only what is granted.
      assert.deepEqual(state["permissions"], { messageSend: true });
      assert.match(String(state["name"]), /^bot-[0-9a-f]{7}$/);
      assert.deepEqual(state["__defaults"], ["name"]);
      assert.equal(state["expiresAt"], undefined);
    });

    it("keeps a given name and expiry (in the user's spelling)", async () => {
      const { state } = await answer(
        mocks,
        args(POD_API_KEY_TYPE, "named", { podId: "pod_1", name: "explicit", expiresAt: "2027-01-31T00:00:00+01:00" }),
      );
      assert.equal(state["name"], "explicit");
      assert.deepEqual(state["__defaults"], []);
      assert.equal(state["expiresAt"], "2027-01-31T00:00:00+01:00");
      assert.equal(state["permissions"], undefined, "permissions omitted: the pod's full access");
    });

    it("makes a new id and secret for every key", async () => {
      const a = await answer(mocks, args(POD_API_KEY_TYPE, "a", { podId: "pod_1" }));
      const b = await answer(mocks, args(POD_API_KEY_TYPE, "b", { podId: "pod_1" }));
      assert.notEqual(a.id, b.id);
      assert.notDeepEqual(a.state["apiKey"], b.state["apiKey"]);
    });

    it("fails a typo in permissions with the engine's line, naming the input path and the near name", async () => {
      const failed = await answer(
        mocks,
        args(POD_API_KEY_TYPE, "typo", { podId: "pod_1", permissions: { mesageSend: true } }),
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(failed instanceof CheckFailedError, String(failed));
      assert.equal(
        failed.message,
        `${POD_API_KEY_TYPE} resource 'typo': property permissions.mesageSend value {<nil>} has a problem: ` +
          `"mesageSend" is not an AgentMail permission, and AgentMail would silently ignore it. Did you mean ` +
          `"messageSend"? Allowed: the camelCase names listed in the README's permissions table (e.g. messageSend, inboxRead).`,
      );
      assert.deepEqual(
        failed.failures.map((f) => f.property),
        ["permissions.mesageSend"],
      );
    });

    it("fails every refused input, one line each, with the value as the engine prints it", async () => {
      const failed = (await answer(
        mocks,
        args(POD_API_KEY_TYPE, "bad", { podId: "..", expiresAt: "2020-01-01T00:00:00Z", nmae: "x" }),
      ).catch((e: unknown) => e)) as CheckFailedError;
      const lines = failed.message.split("\n");
      assert.deepEqual(
        failed.failures.map((f) => f.property),
        ["podId", "nmae"],
      );
      assert.match(lines[0]!, /resource 'bad': property podId value \{\.\.\} has a problem: podId is not a pod id/);
      assert.match(lines[1]!, /resource 'bad': property nmae value \{x\} has a problem: "nmae" is not an input/);
    });

    it("refuses a past expiresAt, as check does", async () => {
      await assert.rejects(
        answer(mocks, args(POD_API_KEY_TYPE, "old", { podId: "pod_1", expiresAt: "2020-01-01T00:00:00Z" })),
        /property expiresAt value \{2020-01-01T00:00:00Z\} has a problem: expiresAt must be in the future/,
      );
    });

    it("checks the plaintext of a secret input, and keeps its output secret", async () => {
      const { state } = await answer(mocks, args(POD_API_KEY_TYPE, "private", { podId: wrapSecret("pod_1") }));
      assert.deepEqual(state["podId"], wrapSecret("pod_1"));
      assert.equal(state["name"] !== undefined && !isSecretWrapper(state["name"]), true, "the rest stays plain");
    });

    it("never prints a secret input in a failure", async () => {
      const secretPod = wrapSecret("pod/1");
      const failed = (await answer(mocks, args(POD_API_KEY_TYPE, "hidden", { podId: secretPod })).catch(
        (e: unknown) => e,
      )) as CheckFailedError;
      assert.deepEqual(
        failed.failures.map((f) => f.property),
        ["podId"],
      );
      assert.match(failed.message, /property podId value \{\[secret\]\} has a problem/);
    });
  });

  describe("RotatingPodApiKey's schedule", () => {
    const scheduleArgs = (inputs: Props): pulumi.runtime.MockResourceArgs => ({
      type: ROTATION_SCHEDULE_TYPE,
      name: "pair-schedule",
      inputs: { podId: "pod_1", autoNamePrefix: "pair", pairToken: "0a1b2c3d", __provider: SHIM, ...inputs },
      custom: true,
    });

    it("answers as a first up: both keys in generation 1, the component's name, its token", async () => {
      const { state } = await answer(mocks, scheduleArgs({ rotationPeriod: "30d" }));
      assert.equal(state["generationA"], 1);
      assert.equal(state["generationB"], 1);
      assert.equal(state["keyName"], "pair");
      assert.match(String(state["pairToken"]), /^0a1b2c3d[0-9a-f]{8}$/, "its URN hash and 8 random digits");
    });

    it("refuses a period that is not a duration with the lines preview prints", async () => {
      await assert.rejects(
        answer(mocks, scheduleArgs({ rotationPeriod: "monthly" })),
        (e: Error) => e instanceof CheckFailedError && /rotationPeriod/.test(e.message),
      );
    });
  });

  describe("Pod", () => {
    it("answers with a UUID id, the auto-name and a generated clientId", async () => {
      const { id, state } = await answer(mocks, args(POD_TYPE, "tenant", {}));
      assert.match(String(id), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.equal(state["podId"], id);
      assert.match(String(state["name"]), /^tenant-[0-9a-f]{7}$/);
      assert.match(String(state["clientId"]), /^pulumi-[0-9a-f]{32}$/);
      assert.equal(state["createdAt"], "2026-11-27T10:00:00.000Z");
      assert.equal(state["updatedAt"], "2026-11-27T10:00:00.000Z");
    });

    it("keeps a given clientId and fails a bad one naming it", async () => {
      const { state } = await answer(mocks, args(POD_TYPE, "given", { clientId: "tenant-42.prod" }));
      assert.equal(state["clientId"], "tenant-42.prod");
      await assert.rejects(
        answer(mocks, args(POD_TYPE, "spaced", { clientId: "tenant 42" })),
        /Pod resource 'spaced': property clientId value \{tenant 42\} has a problem: clientId is not valid/,
      );
    });
  });

  describe("the lookups and everything else", () => {
    const seeded = agentmailMocks(
      {
        newResource: async (a) => ({ id: "mine", state: { ...a.inputs, from: "inner" } }),
        call: async (a) => ({ answeredBy: "inner", token: a.token }),
      },
      {
        now: () => NOW,
        pods: [{ podId: "pod_1", name: "support", keys: [{ apiKeyId: "ak_1", name: "bot" }, { apiKeyId: "ak_2" }] }],
      },
    );
    const call = async (m: pulumi.runtime.Mocks, token: string, inputs: Props) =>
      m.call({ token, inputs, provider: "" });

    it("getPod and getPodApiKeys answer the seeded pods and keys", async () => {
      assert.deepEqual(await call(seeded, GET_POD_TOKEN, { podId: "pod_1" }), {
        podId: "pod_1",
        name: "support",
        createdAt: "2026-11-27T10:00:00.000Z",
        updatedAt: "2026-11-27T10:00:00.000Z",
      });
      const listed = (await call(seeded, GET_POD_API_KEYS_TOKEN, { podId: "pod_1" })) as {
        keys: { apiKeyId: string; name: string }[];
      };
      assert.deepEqual(
        listed.keys.map((k) => [k.apiKeyId, k.name]),
        [
          ["ak_1", "bot"],
          ["ak_2", "API Key"],
        ],
      );
    });

    it("a pod not seeded lists no key, and getPod of it fails as a 404 would, naming it", async () => {
      assert.deepEqual(await call(seeded, GET_POD_API_KEYS_TOKEN, { podId: "pod_9" }), { podId: "pod_9", keys: [] });
      assert.deepEqual(await call(mocks, GET_POD_API_KEYS_TOKEN, { podId: "pod_1" }), { podId: "pod_1", keys: [] });
      await assert.rejects(call(seeded, GET_POD_TOKEN, { podId: "pod_9" }), (e: Error & { details?: string }) => {
        assert.match(e.message, /getPod: no pod "pod_9" among the pods given to agentmailMocks/);
        assert.equal(e.details, e.message, "the SDK's invoke shows `details`");
        return true;
      });
    });

    it("every other type and call goes to inner; without inner, the inputs are echoed", async () => {
      const other = { type: "aws:s3/bucket:Bucket", name: "b", inputs: { acl: "private" }, custom: true };
      assert.deepEqual(await answer(seeded, other), { id: "mine", state: { acl: "private", from: "inner" } });
      assert.deepEqual(await answer(mocks, other), { id: "b_id", state: { acl: "private" } });
      assert.deepEqual(await call(seeded, "aws:index/getRegion:getRegion", {}), {
        answeredBy: "inner",
        token: "aws:index/getRegion:getRegion",
      });
      assert.deepEqual(await call(mocks, "aws:index/getRegion:getRegion", { a: 1 }), { a: 1 });
    });

    it("a seed AgentMail could never hold is refused when the mocks are made, naming it", () => {
      assert.throws(() => agentmailMocks({}, { pods: [{ podId: "../x" }] }), /agentmailMocks: pods\[0\]\.podId is not/);
      assert.throws(
        () => agentmailMocks({}, { pods: [{ podId: "p" }, { podId: "p" }] }),
        /pods\[1\]\.podId: pod "p" is seeded twice/,
      );
      assert.throws(
        () => agentmailMocks({}, { pods: [{ podId: "p", keys: [{ apiKeyId: "ak 1" }] }] }),
        /pods\[0\]\.keys\[0\]\.apiKeyId is not an AgentMail id/,
      );
      assert.throws(
        () =>
          agentmailMocks(
            {},
            { pods: [{ podId: "p", keys: [{ apiKeyId: "ak_1", permissions: { mesageSend: true } as never }] }] },
          ),
        /pods\[0\]\.keys\[0\]\.permissions\.mesageSend: "mesageSend" is not an AgentMail permission/,
      );
    });
  });
});
