/**
 * A fault rule's `pathRegex` over the admin API is limited to a subset whose matching cannot hold the server:
 * no groups, alternation or back-references, at most one unbounded quantifier, at most 200 characters. A refused
 * pattern is a 400 naming `pathRegex`, and no rule is added.
 */
import assert from "node:assert/strict";
import { assertValidation, resetEmulator, useEmulator } from "./helpers";

describe("emulator: admin fault rules' pathRegex is bounded", () => {
  const ctx = useEmulator();
  beforeEach(() => resetEmulator(ctx.emu));

  const refused: [string, string, RegExp][] = [
    ["a nested quantifier (catastrophic backtracking)", "^(a+)+$", /groups or alternation/],
    ["alternation", "^/v0/pods|/v0/auth", /groups or alternation/],
    ["a back-reference", "^/v0/([a-z]+)/\\1$", /groups|back-references/],
    ["a bare back-reference", "^/v0/a\\1$", /back-references/],
    ["two unbounded quantifiers", "^/v0/.*/api-keys/.+$", /at most one unbounded quantifier/],
    ["a quantifier {n,} beside a *", "^/v0/a{2,}/.*", /at most one unbounded quantifier/],
    ["over 200 characters", `^/v0/${"a".repeat(200)}`, /at most 200 characters/],
  ];
  for (const [what, pathRegex, reason] of refused) {
    it(`refuses ${what}, before adding any rule`, async () => {
      const answer = await ctx.api.call("POST", "/__emulator/faults", { body: { pathRegex, status: 503 } });
      assertValidation(answer, ["pathRegex"]);
      assert.match(JSON.stringify(answer.json), reason);
      assert.equal(ctx.emu.faults.list().length, 0);
    });
  }

  it("accepts literal paths, classes, anchors and one unbounded quantifier, and applies them", async () => {
    for (const pathRegex of ["^/v0/auth/me$", "^/v0/pods/[^/]+/api-keys$", "^/v0/pods/[a-z(|)*+]{1,64}$", "\\.json"]) {
      const answer = await ctx.api.call("POST", "/__emulator/faults", { body: { pathRegex, status: 503 } });
      assert.equal(answer.status, 200, `${pathRegex}: ${JSON.stringify(answer.json)}`);
    }
    assert.equal(ctx.emu.faults.list().length, 4);
    assert.equal((await ctx.api.call("GET", "/v0/auth/me")).status, 503);
  });
});
