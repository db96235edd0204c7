/**
 * The testing kit (`agentmailMocks`) answering a whole RotatingPodApiKey program, as a user's unit test would run
 * it: in a process of its own (test/fixtures/kit/rotatingPair.ts), since mocks are global to a process.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

describe("pulumi-agentmail/testing: a RotatingPodApiKey program under agentmailMocks (unit)", () => {
  it("its children pass the provider's checks; apiKey is a's key, secret; rotatesAt one period on; names of the pair's shape", async function () {
    this.timeout(60_000);
    const script = path.join(__dirname, "..", "fixtures", "kit", "rotatingPair.js");
    const { stdout } = await run(process.execPath, [script], { env: { ...process.env, AGENTMAIL_API_KEY: "" } });
    const out = JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, unknown>;
    assert.equal(out["apiKeyId"], out["aId"], "both keys made at the same `now`: a counts as the newer");
    assert.equal(out["previousApiKeyId"], out["bId"]);
    assert.equal(out["secret"], true);
    assert.equal(out["rotatesAt"], "2030-01-31T09:00:00.000Z", "the minute of the keys' creation plus 30 days");
    assert.match(String(out["nameA"]), /^svc\.x-a-[0-9a-f]{16}-g1$/);
    assert.match(String(out["nameB"]), /^svc\.x-b-[0-9a-f]{16}-g1$/);
  });
});
