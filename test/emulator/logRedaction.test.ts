/**
 * The request log holds no part of a key however it arrives: percent-encoded (once or twice) in the path or the
 * query string, or in an `Authorization` header of another scheme than Bearer (or of none).
 */
import assert from "node:assert/strict";
import { resetEmulator, useEmulator } from "./helpers";

/** Every character as `%XX`: what a client that encodes everything sends. */
function encodeAll(text: string): string {
  return [...Buffer.from(text)].map((b) => `%${b.toString(16).padStart(2, "0").toUpperCase()}`).join("");
}

/** `text` percent-decoded as often as it takes, so that a key still encoded in the log is found too. */
function decoded(text: string): string {
  let out = text;
  for (let i = 0; i < 5; i++)
    out = out.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ""), "hex").toString("latin1"));
  return out;
}

/** The pieces of `secret` past its public prefix that must never appear: every run of 6 characters. */
function secretParts(secret: string, prefixLength: number): string[] {
  const tail = secret.slice(prefixLength);
  return Array.from({ length: tail.length - 5 }, (_, i) => tail.slice(i, i + 6));
}

describe("emulator: request log redaction of encoded and non-Bearer credentials", () => {
  const ctx = useEmulator();
  beforeEach(() => resetEmulator(ctx.emu));

  it("redacts keys after percent-decoding the path and the query string", async () => {
    const pod = ctx.emu.store.pods()[0]!.pod_id;
    const created = await ctx.api.call("POST", `/v0/pods/${pod}/api-keys`, { body: { name: "encoded" } });
    const secret: string = created.json.api_key;
    const org = ctx.emu.orgApiKey;
    const halfEncoded = `${secret.slice(0, 9)}${encodeAll(secret.slice(9, 12))}${secret.slice(12)}`;
    ctx.emu.log.clear();
    await ctx.api.call("GET", `/v0/pods/${encodeAll(secret)}`);
    await ctx.api.call("GET", `/v0/pods/${halfEncoded}/api-keys`);
    await ctx.api.call("GET", `/v0/pods/${encodeAll(encodeAll(secret))}`);
    await ctx.api.call("GET", `/v0/pods?page_token=${encodeAll(secret)}&other=${encodeAll(org)}`);
    await ctx.api.call("GET", `/v0/pods?page_token=${halfEncoded}`);
    assert.equal(ctx.emu.log.count(), 5, "every request is logged");
    const text = decoded(JSON.stringify(ctx.emu.log.entries()));
    for (const part of [...secretParts(secret, 12), ...secretParts(org, 12)]) {
      assert.ok(!text.includes(part), `the log holds "${part}": ${text}`);
    }
    assert.equal(ctx.emu.log.entries()[0]!.path, `/v0/pods/${secret.slice(0, 12)}…`, "logged decoded, cut to prefix");
  });

  it("logs only the scheme of a non-Bearer Authorization, never any part of its value", async () => {
    const org = ctx.emu.orgApiKey;
    const basic = Buffer.from(`user:${org}`).toString("base64");
    const headers = [org, `Basic ${basic}`, `Token ${org}`, `${org.slice(0, 20)}%20${org.slice(20)} x`];
    for (const authorization of headers) {
      const answer = await ctx.api.call("GET", "/v0/auth/me", { authorization });
      assert.equal(answer.status, 401);
    }
    const creds = ctx.emu.log.entries().map((e) => e.credential);
    assert.deepEqual(creds, ["non-bearer …", "Basic …", "Token …", "non-bearer …"]);
    const text = decoded(JSON.stringify(ctx.emu.log.entries()));
    for (const part of [...secretParts(org, 0), ...secretParts(basic, 0)]) {
      assert.ok(!text.includes(part), `the log holds "${part}": ${text}`);
    }
  });
});
