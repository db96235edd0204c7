import assert from "node:assert/strict";
import { validatePodApiKeyInputs } from "../../provider/lifecycle/podApiKeyInputs";
import { suggest } from "../../provider/lifecycle/suggest";
import { UNKNOWN } from "../../provider/lifecycle/unknown";

const NOW = Date.parse("2026-11-27T12:00:00Z");

function failures(news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  return validatePodApiKeyInputs(news, olds, NOW).failures;
}

describe("PodApiKey input validation (unit)", () => {
  it("accepts valid inputs and returns them", () => {
    const r = validatePodApiKeyInputs(
      {
        podId: "pod_1",
        name: "bot",
        permissions: { messageSend: true, inboxRead: false },
        expiresAt: "2027-01-01T00:00:00Z",
      },
      {},
      NOW,
    );
    assert.deepEqual(r.failures, []);
    assert.equal(r.inputs?.podId, "pod_1");
  });

  it("names a missing or empty podId", () => {
    assert.deepEqual(
      failures({}).map((f) => f.property),
      ["podId"],
    );
    assert.match(failures({})[0]!.reason, /podId is required/);
    assert.match(failures({ podId: "  " })[0]!.reason, /podId is not valid: expected a pod id/);
    assert.match(failures({ podId: 7 })[0]!.reason, /podId is not valid/);
  });

  it("rejects a typo in a permission with the path and a did-you-mean", () => {
    const [f] = failures({ podId: "p", permissions: { mesageSend: true } });
    assert.equal(f!.property, "permissions.mesageSend");
    assert.match(f!.reason, /not an AgentMail permission/);
    assert.match(f!.reason, /silently ignore/);
    assert.match(f!.reason, /Did you mean "messageSend"\?/);
  });

  it("suggests the camelCase name for a snake_case permission", () => {
    const [f] = failures({ podId: "p", permissions: { message_send: true } });
    assert.equal(f!.property, "permissions.message_send");
    assert.match(f!.reason, /Did you mean "messageSend"\?/);
  });

  it("explains legacy names instead of guessing", () => {
    const byProp = Object.fromEntries(
      failures({ podId: "p", permissions: { providerConnect: true, threadRead: true } }).map((f) => [
        f.property,
        f.reason,
      ]),
    );
    assert.match(byProp["permissions.providerConnect"]!, /renamed appConnect/);
    assert.match(byProp["permissions.threadRead"]!, /never enforced threadRead: use messageRead/);
  });

  it("offers no suggestion for a name far from any permission", () => {
    const [f] = failures({ podId: "p", permissions: { launchRockets: true } });
    assert.doesNotMatch(f!.reason, /Did you mean/);
    assert.match(f!.reason, /README's permissions table/);
  });

  it("rejects a non-boolean permission value and a non-object permissions", () => {
    assert.deepEqual(failures({ podId: "p", permissions: { messageSend: "yes" } }), [
      { property: "permissions.messageSend", reason: "permissions.messageSend must be true or false." },
    ]);
    const [f] = failures({ podId: "p", permissions: ["messageSend"] });
    assert.equal(f!.property, "permissions");
    assert.match(f!.reason, /an object of camelCase permission names/);
  });

  it("rejects an unknown top-level input with a suggestion", () => {
    const [f] = failures({ podId: "p", permisions: {} });
    assert.equal(f!.property, "permisions");
    assert.match(f!.reason, /Did you mean "permissions"\?/);
  });

  it("requires expiresAt to be ISO-8601 with a zone and in the future, but only when it changes", () => {
    assert.match(failures({ podId: "p", expiresAt: "tomorrow" })[0]!.reason, /ISO-8601/);
    assert.match(failures({ podId: "p", expiresAt: "2027-01-01T00:00:00" })[0]!.reason, /ISO-8601/);
    assert.match(failures({ podId: "p", expiresAt: "2026-01-01T00:00:00Z" })[0]!.reason, /must be in the future/);
    // An already-expired key stays valid input on later runs: it was in the future when created.
    assert.deepEqual(
      failures({ podId: "p", expiresAt: "2026-01-01T00:00:00Z" }, { expiresAt: "2026-01-01T00:00:00Z" }),
      [],
    );
  });

  it("rejects an expiresAt that is not a real date-time (NaN or rolled over), naming it and what is allowed", () => {
    const bad = {
      "2027-13-01T00:00:00Z": /month 13 does not exist/,
      "2027-00-10T00:00:00Z": /month 00 does not exist/,
      "2027-01-01T25:00:00Z": /hour 25 does not exist/,
      "2027-01-01T24:00:00Z": /hour 24 does not exist/,
      "2027-01-01T00:60:00Z": /minute 60 does not exist/,
      "2027-01-01T00:00:60Z": /second 60 does not exist/,
      "2027-02-30T00:00:00Z": /day 30 does not exist in month 02 of 2027 \(01 to 28\)/,
      "2027-02-29T00:00:00Z": /day 29 does not exist in month 02 of 2027/,
      "2027-04-31T00:00:00+02:00": /day 31 does not exist in month 04/,
      "2027-01-00T00:00:00Z": /day 00 does not exist/,
      "2027-01-01T00:00:00+24:00": /offset is out of range/,
    };
    for (const [expiresAt, why] of Object.entries(bad)) {
      const f = failures({ podId: "p", expiresAt });
      assert.equal(f.length, 1, expiresAt);
      assert.equal(f[0]!.property, "expiresAt");
      assert.match(f[0]!.reason, /^expiresAt is not a real date-time \(got "/, expiresAt);
      assert.match(f[0]!.reason, why, expiresAt);
      assert.match(
        f[0]!.reason,
        /month 01-12, a day that exists in that month, hours 00-23, minutes and seconds 00-59/,
      );
    }
    // Invalid even when unchanged: the value as written is not an instant at all.
    assert.equal(
      failures({ podId: "p", expiresAt: "2027-02-30T00:00:00Z" }, { expiresAt: "2027-02-30T00:00:00Z" })[0]!.property,
      "expiresAt",
    );
    assert.match(
      failures({ podId: "p", expiresAt: "2027-01-01 00:00:00Z" })[0]!.reason,
      /^expiresAt is not an ISO-8601 date-time with a time zone \(got "2027-01-01 00:00:00Z": not of the form/,
    );
    for (const good of [
      "2028-02-29T00:00:00Z",
      "2027-12-31T23:59:59.999Z",
      "2027-06-01T12:00+02:00",
      "2027-06-01T12:00:00-0530",
      "2027-01-31T00:00:00+23:59",
    ]) {
      assert.deepEqual(failures({ podId: "p", expiresAt: good }), [], good);
    }
  });

  it("rejects a podId or name with leading or trailing spaces, naming the input", () => {
    for (const input of ["podId", "name"] as const) {
      for (const value of ["  pod_1", "pod_1 ", "\tpod_1"]) {
        const f = failures({ podId: "pod_1", [input]: value });
        assert.equal(f.length, 1, `${input}=${JSON.stringify(value)}`);
        assert.equal(f[0]!.property, input);
        const head = `${input} has leading or trailing spaces (got ${JSON.stringify(value)})`;
        assert.ok(f[0]!.reason.startsWith(head), f[0]!.reason);
        assert.match(f[0]!.reason, /without leading or trailing spaces/);
      }
    }
    assert.match(failures({ podId: "  " })[0]!.reason, /without leading or trailing spaces/);
    assert.deepEqual(failures({ podId: "pod_1", name: "my bot" }), [], "inner spaces are fine in a name");
    // ...but not in an id, which goes into request paths (issue 15; see test/unit/security.test.ts).
    assert.deepEqual(
      failures({ podId: "pod 1" }).map((f) => f.property),
      ["podId"],
    );
  });

  it("lets the preview's unknown values through, at any depth", () => {
    assert.deepEqual(failures({ podId: UNKNOWN, name: UNKNOWN, permissions: UNKNOWN, expiresAt: UNKNOWN }), []);
    assert.deepEqual(failures({ podId: "p", permissions: { messageSend: UNKNOWN } }), []);
  });

  it("suggest(): folds case and underscores, then edit distance, and declines far guesses", () => {
    assert.equal(suggest("MESSAGE_SEND", ["messageSend", "inboxRead"]), "messageSend");
    assert.equal(suggest("inboxRaed", ["messageSend", "inboxRead"]), "inboxRead");
    assert.equal(suggest("zzz", ["messageSend", "inboxRead"]), undefined);
  });
});
