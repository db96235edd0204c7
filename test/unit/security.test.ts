/**
 * Unit tests of the rules that keep requests on their path and the key off the wire and out of state:
 * the shape of ids (check, lookups and the path builder) and what a base URL may hold.
 */
import assert from "node:assert/strict";
import { resolveCredentials, isLoopback } from "../../provider/agentmail/credentials";
import { AgentMailError } from "../../provider/agentmail/errors";
import { apiPath, idProblem, isSafeId } from "../../provider/agentmail/ids";
import { validatePodApiKeyInputs } from "../../provider/lifecycle/podApiKeyInputs";
import { UNKNOWN } from "../../provider/lifecycle/unknown";
import { getPod, getPodApiKeys } from "../../provider/lookups";

const KEY = "am_us_0123456789abcdef0123456789abcdef";
const PASSWORD = "hunter2-s3cret";

/** Ids that would change a request's path, and why. */
const UNSAFE = [
  ".",
  "..",
  "a/b",
  "../api-keys",
  "a?b",
  "a#b",
  "%2e%2e",
  "a b",
  "a\tb",
  "a\nb",
  "a\u0000b",
  "a\u007fb",
  "",
];
/** Ids of the shapes AgentMail uses, or may one day. */
const SAFE = [
  "pod_123",
  "ak_0123abcd",
  "3f2b9c1e-8d4a-4e1b-9a7c-0d1e2f3a4b5c",
  "a.b",
  "...",
  ".hidden",
  "x..y",
  UNKNOWN,
];

describe("security rules (unit)", () => {
  describe("ids in request paths", () => {
    it("accepts letters, digits, '-', '_' and '.', but not '.' or '..' alone", () => {
      for (const id of SAFE) assert.equal(idProblem(id), undefined, JSON.stringify(id));
      for (const id of UNSAFE) assert.ok(!isSafeId(id), `${JSON.stringify(id)} must be refused`);
      assert.match(idProblem("..")!, /folded/);
      assert.match(idProblem("a/b")!, /"\/"/);
      assert.match(idProblem("a\u0000b")!, /control character \(U\+0000\)/);
      assert.match(idProblem("a b")!, /a space/);
    });

    it("apiPath fills the template and refuses an unsafe segment, naming it, before any request", () => {
      assert.equal(
        apiPath("/v0/pods/{pod_id}/api-keys/{api_key_id}", { pod_id: "pod_1", api_key_id: "ak_1" }),
        "/v0/pods/pod_1/api-keys/ak_1",
      );
      for (const id of UNSAFE) {
        assert.throws(
          () => apiPath("/v0/pods/{pod_id}/api-keys", { pod_id: id }),
          (e: unknown) =>
            AgentMailError.isInstance(e) &&
            e.code === "AGENTMAIL_UNSAFE_ID" &&
            /\/v0\/pods\/\{pod_id\}\/api-keys with pod_id/.test(e.message) &&
            /No request was sent/.test(e.message),
          JSON.stringify(id),
        );
      }
      assert.throws(
        () => apiPath("/v0/pods/{pod_id}/api-keys/{api_key_id}", { pod_id: "p", api_key_id: ".." }),
        /api_key_id ".."/,
      );
    });

    it("PodApiKey check fails on an unsafe podId, naming podId and the allowed shape, and lets the preview's unknown through", () => {
      for (const id of UNSAFE.filter((i) => i.trim() !== "")) {
        const { failures } = validatePodApiKeyInputs({ podId: id }, {});
        assert.equal(failures.length, 1, JSON.stringify(id));
        assert.equal(failures[0]!.property, "podId");
        assert.match(failures[0]!.reason, /podId is not a pod id .*letters, digits/);
      }
      assert.deepEqual(validatePodApiKeyInputs({ podId: UNKNOWN }, {}).failures, []);
      assert.deepEqual(validatePodApiKeyInputs({ podId: "3f2b9c1e-8d4a-4e1b-9a7c-0d1e2f3a4b5c" }, {}).failures, []);
    });

    it("the lookups refuse an unsafe podId before building a client (no credential is needed to fail)", async () => {
      for (const id of ["..", "a/b", "a?b"]) {
        await assert.rejects(getPod({ podId: id }), /getPod: podId is not a pod id/);
        await assert.rejects(getPodApiKeys({ podId: id }), /getPodApiKeys: podId is not a pod id/);
      }
    });
  });

  describe("base URLs", () => {
    const resolve = (baseUrl: string, where: "config" | "env" = "config") =>
      where === "config"
        ? resolveCredentials({ apiKey: KEY, baseUrl }, {})
        : resolveCredentials({}, { AGENTMAIL_API_KEY: KEY, AGENTMAIL_BASE_URL: baseUrl });

    it("accepts https anywhere and http to this machine only", () => {
      for (const u of [
        "https://api.agentmail.to",
        "https://proxy.example/v0-gw",
        "http://127.0.0.1:4000",
        "http://127.8.9.10",
      ]) {
        assert.equal(resolve(u).baseUrl, u);
      }
      for (const u of [
        "http://localhost:1",
        "http://LOCALHOST",
        "http://api.localhost",
        "http://[::1]:9",
        "http://0x7f000001",
      ]) {
        assert.doesNotThrow(() => resolve(u), u);
      }
      assert.ok(
        !isLoopback("127.0.0.1.example.com") && !isLoopback("localhost.example.com") && !isLoopback("10.0.0.1"),
      );
    });

    it("refuses plain http to another host, naming the setting", () => {
      for (const u of [
        "http://api.agentmail.to",
        "http://10.0.0.5:8080",
        "http://127.0.0.1.example.com",
        "http://[::2]",
      ]) {
        assert.throws(
          () => resolve(u),
          /^AgentMailCredentialsError: agentmail:baseUrl uses plain http:\/\/ .*unencrypted/,
          u,
        );
      }
      assert.throws(() => resolve("http://example.com", "env"), /AGENTMAIL_BASE_URL uses plain http/);
    });

    it("refuses user:password@, a query and a fragment, never repeating the password or the query", () => {
      const cases: [string, RegExp][] = [
        [`https://admin:${PASSWORD}@api.agentmail.to`, /must not hold a user name or password/],
        [`https://${PASSWORD}@api.agentmail.to`, /must not hold a user name or password/],
        [`http://admin:${PASSWORD}@127.0.0.1:9`, /must not hold a user name or password/],
        [`https://admin:${PASSWORD}/x@api.agentmail.to`, /is not a URL/],
        [`https://api.agentmail.to/?token=${PASSWORD}`, /must not hold a query .* or a fragment/],
        [`https://api.agentmail.to/#${PASSWORD}`, /must not hold a query .* or a fragment/],
        ["https://api.agentmail.to/?", /must not hold a query/],
      ];
      for (const [u, expected] of cases) {
        for (const where of ["config", "env"] as const) {
          let message = "";
          assert.throws(
            () => resolve(u, where),
            (e: unknown) => ((message = (e as Error).message), true),
          );
          assert.match(message, expected, u);
          assert.match(message, where === "config" ? /^agentmail:baseUrl / : /^AGENTMAIL_BASE_URL /);
          assert.ok(!message.includes(PASSWORD), `${u}: ${message}`);
          assert.ok(!message.includes(KEY));
        }
      }
    });
  });
});
