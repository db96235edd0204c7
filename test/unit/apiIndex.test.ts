/**
 * The API reference's index page (docs-src/index.md, typedoc's readme) repeats what a user needs without
 * opening the code: every permission name and every retry default. Checked here so it cannot rot.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PERMISSIONS } from "../../provider/agentmail/permissions";
import { DEFAULT_RETRY_POLICY } from "../../provider/agentmail/retry";

const INDEX = path.join(__dirname, "..", "..", "..", "docs-src", "index.md");

describe("the API reference's index page (unit)", () => {
  const text = readFileSync(INDEX, "utf8");

  it("lists every permission by its camelCase name, and no other", () => {
    const section = text.slice(text.indexOf("## Permissions"), text.indexOf("## What is here"));
    const listed = [...section.matchAll(/^\| [a-z ]+ \| (`.+) \|$/gm)].flatMap((m) =>
      m[1]!.split(", ").map((n) => n.replace(/`/g, "")),
    );
    assert.deepEqual([...listed].sort(), [...PERMISSIONS].sort());
  });

  it("gives every retry default with its value", () => {
    for (const [field, value] of Object.entries(DEFAULT_RETRY_POLICY)) {
      assert.match(text, new RegExp(`\\| \`${field}\` \\| ${value} \\|`), field);
    }
  });
});
