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
