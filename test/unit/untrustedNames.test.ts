/**
 * Names from the user's program reach lookup tables and the "did you mean" search as they are: a name that
 * is an `Object.prototype` member must read as unknown, and a huge name must not be compared.
 */
import assert from "node:assert/strict";
import { LEGACY_PERMISSIONS } from "../../provider/agentmail/permissions";
import { validatePodApiKeyInputs } from "../../provider/lifecycle/podApiKeyInputs";
import { MAX_SUGGEST_INPUT, suggest } from "../../provider/lifecycle/suggest";

const NOW = Date.parse("2026-11-27T12:00:00Z");

describe("names from the user's program (unit)", () => {
  for (const name of ["__proto__", "toString", "constructor", "hasOwnProperty"]) {
    it(`a permission named ${name} is an unknown permission, not a legacy one`, () => {
      // JSON.parse makes "__proto__" an own key, as the engine's inputs do.
      const news = JSON.parse(`{"podId":"pod_1","permissions":{"${name}":true}}`) as Record<string, unknown>;
      const { failures } = validatePodApiKeyInputs(news, {}, NOW);
      assert.equal(failures.length, 1, JSON.stringify(failures));
      assert.equal(failures[0]!.property, `permissions.${name}`);
      assert.match(failures[0]!.reason, new RegExp(`^"${name}" is not an AgentMail permission`));
      assert.doesNotMatch(failures[0]!.reason, /no longer|\[object Object\]|function/);
    });
  }

  it("LEGACY_PERMISSIONS has only its own four names", () => {
    assert.equal(LEGACY_PERMISSIONS["__proto__"], undefined);
    assert.equal(LEGACY_PERMISSIONS["toString"], undefined);
    assert.match(LEGACY_PERMISSIONS["providerConnect"]!, /renamed appConnect/);
  });

  it(`suggest() compares names of at most ${MAX_SUGGEST_INPUT} characters, and declines longer ones`, () => {
    const long = "x".repeat(MAX_SUGGEST_INPUT);
    assert.equal(suggest(long + "y", [long + "z"]), undefined, "one edit away, but longer than the bound");
    assert.equal(suggest(long.slice(1) + "y", [long.slice(1) + "z"]), long.slice(1) + "z", "at the bound");
    assert.equal(suggest("m".repeat(50_000), ["messageSend"]), undefined);
  });
});
