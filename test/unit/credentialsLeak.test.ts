/**
 * Base URL refusals never repeat a password, however the URL is spelled (issue 15; cases from an
 * adversarial review: userinfo without "//", with "/" or "\\", and a "?" inside the password).
 */
import assert from "node:assert/strict";
import { resolveCredentials } from "../../provider/agentmail/credentials";

describe("base URL refusals never repeat the password (unit)", () => {
  const PASSWORD = "S3cretPassw0rd";
  for (const url of [
    `https:user:${PASSWORD}@api.example.com`, // WHATWG parses this as https://user:…@api.example.com
    `https:/user:${PASSWORD}@api.example.com`,
    `https:\\\\user:${PASSWORD}@api.example.com`,
    "https://user:S3cr?etPassw0rd@api.example.com", // a '?' in the password: the part before it is shown
  ]) {
    it(`${JSON.stringify(url)}`, () => {
      let message = "";
      try {
        resolveCredentials({ apiKey: "am_us_abcdefghijklmnop", baseUrl: url }, {});
      } catch (e) {
        message = (e as Error).message;
      }
      assert.notEqual(message, "", "refused");
      assert.match(message, /agentmail:baseUrl/, "names the setting");
      assert.ok(
        !message.includes(PASSWORD) && !message.includes("S3cr"),
        "the password (or part of it) is in the message",
      );
    });
  }
});
