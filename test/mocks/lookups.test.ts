/**
 * Level 3: the lookups under a user's Pulumi mocks (issue 15). With a real-looking credential in the
 * environment and AGENTMAIL_BASE_URL pointing at a local server, `getPod` / `getPodApiKeys` (and their
 * `Output` forms) must be answered by `mocks.call` as invokes, and that server must see no request: a
 * unit test on a developer's machine or in CI never reaches AgentMail.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as pulumi from "@pulumi/pulumi";
import { calls, MOCK_LOOKUPS, SECRET_CREDENTIAL, value } from "./setup";
// Loaded after the mocks are installed, as a program would be.
import { getPod, getPodApiKeys, getPodApiKeysOutput, getPodOutput } from "../../provider";

describe("lookups under Pulumi mocks (level 3)", () => {
  let server: http.Server;
  const seen: string[] = [];
  let savedBaseUrl: string | undefined;

  before(async () => {
    // A stand-in for AgentMail that answers like it would, so that a lookup that reached it would succeed.
    server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          pod_id: "pod_real",
          name: "REAL",
          created_at: "2026-01-01T00:00:00Z",
          updated_at: "2026-01-01T00:00:00Z",
          count: 0,
          api_keys: [],
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    savedBaseUrl = process.env["AGENTMAIL_BASE_URL"];
    process.env["AGENTMAIL_BASE_URL"] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    if (savedBaseUrl === undefined) delete process.env["AGENTMAIL_BASE_URL"];
    else process.env["AGENTMAIL_BASE_URL"] = savedBaseUrl;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => (calls.length = 0));

  it("the environment holds a real-looking credential (what a developer's machine or CI has)", () => {
    assert.equal(process.env["AGENTMAIL_API_KEY"], SECRET_CREDENTIAL);
    assert.match(SECRET_CREDENTIAL, /^am_us_/);
  });

  it("getPod is an invoke that mocks.call answers with { token: agentmail:index:getPod, inputs: { podId } }", async () => {
    const pod = await getPod({ podId: "pod_123" });
    assert.deepEqual(seen, [], "no request reached the server");
    assert.deepEqual(pod, MOCK_LOOKUPS["agentmail:index:getPod"]!({ podId: "pod_123" }));
    assert.deepEqual(
      calls.map((c) => [c.token, c.inputs]),
      [["agentmail:index:getPod", { podId: "pod_123" }]],
    );
  });

  it("getPodApiKeys is an invoke that mocks.call answers with { token: agentmail:index:getPodApiKeys, inputs: { podId } }", async () => {
    const result = await getPodApiKeys({ podId: "pod_123" });
    assert.deepEqual(seen, [], "no request reached the server");
    assert.deepEqual(result, MOCK_LOOKUPS["agentmail:index:getPodApiKeys"]!({ podId: "pod_123" }));
    assert.deepEqual(
      calls.map((c) => [c.token, c.inputs]),
      [["agentmail:index:getPodApiKeys", { podId: "pod_123" }]],
    );
    assert.deepEqual(seen, []);
  });

  it("the Output forms go through the mocks too, with an Output podId", async () => {
    const pod = await value(getPodOutput({ podId: pulumi.output("pod_out") }));
    const keys = await value(getPodApiKeysOutput({ podId: pulumi.output("pod_out") }));
    assert.equal(pod.name, "mocked pod");
    assert.deepEqual(
      keys.keys.map((k) => k.apiKeyId),
      ["ak_mock"],
    );
    assert.deepEqual(
      calls.map((c) => c.token),
      ["agentmail:index:getPod", "agentmail:index:getPodApiKeys"],
    );
    assert.deepEqual(seen, []);
  });

  it("an unsafe podId is refused before the mocks are asked (the same rule as outside mocks)", async () => {
    await assert.rejects(getPodApiKeys({ podId: ".." }), /getPodApiKeys: podId is not a pod id \(got "\.\."/);
    assert.deepEqual(calls, []);
    assert.deepEqual(seen, []);
  });
});
