/**
 * Unit: validation of the `connection` input (issue 14) on both resources, before anything is created:
 * the base URL rules of the stack's `agentmail:baseUrl` (reused from credentials.ts), an absent or empty
 * apiKey, unknown fields; no reason ever quotes the key. Also the credentials a connection resolves to, and
 * diff's rule (a change alone replaces nothing, but is a change).
 */
import assert from "node:assert/strict";
import { connectionCredentials, EU_BASE_URL, DEFAULT_BASE_URL } from "../../provider/agentmail/credentials";
import { connectionChanged } from "../../provider/lifecycle/connection";
import { validatePodApiKeyInputs } from "../../provider/lifecycle/podApiKeyInputs";
import { validatePodInputs } from "../../provider/lifecycle/podInputs";
import { UNKNOWN } from "../../provider/lifecycle/unknown";

const KEY = "am_eu_unitconnectionkey0123456789abcdef";
const NOW = Date.parse("2026-11-27T12:00:00Z");

/** Both resources' check, on the same connection. */
const resources = [
  { name: "PodApiKey", check: (c: unknown) => validatePodApiKeyInputs({ podId: "pod_1", connection: c }, {}, NOW) },
  { name: "Pod", check: (c: unknown) => validatePodInputs({ name: "p", connection: c }) },
];

describe("connection input validation (unit)", () => {
  for (const { name, check } of resources) {
    describe(name, () => {
      const failures = (c: unknown) => check(c).failures;

      it("accepts a key alone, a key with an https base URL, http to this machine, and unknown (preview) values", () => {
        for (const ok of [
          { apiKey: KEY },
          { apiKey: KEY, baseUrl: "https://api.agentmail.eu" },
          { apiKey: KEY, baseUrl: "http://127.0.0.1:4010" },
          { apiKey: UNKNOWN, baseUrl: UNKNOWN },
          UNKNOWN,
          undefined,
        ]) {
          assert.deepEqual(failures(ok), [], JSON.stringify(ok));
        }
      });

      it("names connection.apiKey when it is absent, empty or blank, and never quotes a key", () => {
        const missing = failures({ baseUrl: "https://api.agentmail.eu" });
        assert.deepEqual(
          missing.map((f) => f.property),
          ["connection.apiKey"],
        );
        assert.match(missing[0]!.reason, /^connection\.apiKey is required: expected a non-empty AgentMail API key/);
        for (const empty of ["", "   "]) {
          const f = failures({ apiKey: empty });
          assert.deepEqual(
            f.map((x) => x.property),
            ["connection.apiKey"],
          );
          assert.match(f[0]!.reason, /connection\.apiKey is empty or not a string/);
        }
        assert.deepEqual(
          failures({ apiKey: 42 }).map((f) => f.property),
          ["connection.apiKey"],
        );
      });

      it("refuses a base URL by the stack's rules, naming connection.baseUrl, without the key or a password", () => {
        const cases: [string, RegExp][] = [
          ["http://api.agentmail.eu", /connection\.baseUrl uses plain http:\/\/ to api\.agentmail\.eu/],
          ["https://user:s3cret@api.agentmail.eu", /connection\.baseUrl must not hold a user name or password/],
          [`https://api.agentmail.eu/?key=${KEY}`, /connection\.baseUrl must not hold a query/],
          ["not a url", /connection\.baseUrl is not a URL/],
          ["ftp://api.agentmail.eu", /connection\.baseUrl must be an http\(s\) URL/],
        ];
        for (const [baseUrl, reason] of cases) {
          const f = failures({ apiKey: KEY, baseUrl });
          assert.deepEqual(
            f.map((x) => x.property),
            ["connection.baseUrl"],
            baseUrl,
          );
          assert.match(f[0]!.reason, reason);
          assert.ok(!f[0]!.reason.includes(KEY) && !f[0]!.reason.includes("s3cret"), f[0]!.reason);
        }
      });

      it("names an unknown field of connection with a suggestion, and a connection that is not an object", () => {
        const f = failures({ apiKey: KEY, baseURL: "https://api.agentmail.eu" });
        assert.deepEqual(
          f.map((x) => x.property),
          ["connection.baseURL"],
        );
        assert.match(
          f[0]!.reason,
          /"baseURL" is not a field of connection\. Did you mean "baseUrl"\? Allowed: apiKey, baseUrl/,
        );
        const s = failures("am_eu_justastring");
        assert.deepEqual(
          s.map((x) => x.property),
          ["connection"],
        );
        assert.match(s[0]!.reason, /^connection is not valid: expected an object \{ apiKey, baseUrl\? \}/);
        assert.ok(!s[0]!.reason.includes("am_eu_justastring"));
      });
    });
  }

  it("resolves a connection's credentials: the region follows the key, the URL is trimmed, messages name the connection", () => {
    assert.equal(connectionCredentials({ apiKey: KEY }).baseUrl, EU_BASE_URL);
    assert.equal(connectionCredentials({ apiKey: "am_us_x0123456789abcdef" }).baseUrl, DEFAULT_BASE_URL);
    const c = connectionCredentials({ apiKey: KEY, baseUrl: "http://127.0.0.1:4010/" });
    assert.equal(c.baseUrl, "http://127.0.0.1:4010");
    assert.equal(c.baseUrlSetting, "connection.baseUrl");
    assert.match(c.description, /^this resource's connection\.apiKey \(am_eu_unit…\)$/);
    assert.throws(() => connectionCredentials({ apiKey: " " }), /connection\.apiKey is empty/);
    assert.throws(
      () => connectionCredentials({ apiKey: KEY, baseUrl: "http://agentmail.invalid" }),
      /connection\.baseUrl uses plain http/,
    );
  });

  it("diff: a connection change (or an unknown one) is a change; the same one, in any order, is none", () => {
    const a = { connection: { apiKey: KEY, baseUrl: "https://api.agentmail.eu" } };
    assert.equal(connectionChanged(a, { connection: { baseUrl: "https://api.agentmail.eu", apiKey: KEY } }), false);
    assert.equal(connectionChanged({}, {}), false);
    assert.equal(
      connectionChanged(a, { connection: { apiKey: `${KEY}x`, baseUrl: "https://api.agentmail.eu" } }),
      true,
    );
    assert.equal(connectionChanged(a, { connection: { apiKey: KEY } }), true, "a dropped baseUrl");
    assert.equal(connectionChanged(a, {}), true, "a dropped connection");
    assert.equal(connectionChanged({}, a), true, "an added connection");
    assert.equal(connectionChanged(a, { connection: UNKNOWN }), true);
    assert.equal(connectionChanged(a, { connection: { apiKey: UNKNOWN } }), true);
    const unknownUrl = { connection: { apiKey: KEY, baseUrl: UNKNOWN } };
    assert.equal(connectionChanged(unknownUrl, unknownUrl), true, "a field not known yet may change, even if equal");
  });
});
