/**
 * Level 2: the settings `check` verifies so that `pulumi preview` fails where `up` would (provider/runtime.ts,
 * `settingsFailures`): the stack's `agentmail:retry` applies to every resource, its credential only to those
 * without a `connection`. (A case from an adversarial review: a resource with a connection skipped the retry
 * settings, so preview passed and create failed.)
 */
import assert from "node:assert/strict";
import * as runtime from "../../provider/runtime";
import { startEmulator, type Emulator } from "../../emulator";

describe("check verifies the settings every operation needs (level 2)", () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await runtime.configure({ get: () => undefined });
    await emu.stop();
  });

  it("a bad agentmail:retry fails check with a connection as without one, and the message is create's", async () => {
    const config: Record<string, string> = {
      "agentmail:apiKey": emu.orgApiKey,
      "agentmail:baseUrl": emu.url,
      "agentmail:retry": "{not json",
    };
    await runtime.configure({ get: (k) => config[k] });
    const podId = emu.store.createPod({ name: "p" }).pod_id;
    const connection = { apiKey: emu.orgApiKey, baseUrl: emu.url };
    const plain = await runtime.podApiKey.check({}, { podId, name: "k" });
    const connected = await runtime.podApiKey.check({}, { podId, name: "k", connection });
    for (const r of [plain, connected]) {
      assert.equal(r.failures.length, 1);
      assert.match(r.failures[0]!.reason, /agentmail:retry \/ AGENTMAIL_RETRY is not JSON/);
    }
    assert.equal(emu.log.count(), 0, "no request");
  });

  it("a resource with a connection needs no stack credential", async () => {
    await runtime.configure({ get: () => undefined });
    const saved = process.env["AGENTMAIL_API_KEY"];
    delete process.env["AGENTMAIL_API_KEY"];
    try {
      const podId = emu.store.createPod({ name: "q" }).pod_id;
      const connected = await runtime.podApiKey.check(
        {},
        { podId, name: "k", connection: { apiKey: emu.orgApiKey, baseUrl: emu.url } },
      );
      assert.deepEqual(connected.failures, []);
      const plain = await runtime.podApiKey.check({}, { podId, name: "k" });
      assert.match(plain.failures[0]?.reason ?? "", /No AgentMail API key/);
    } finally {
      if (saved !== undefined) process.env["AGENTMAIL_API_KEY"] = saved;
    }
  });
});
