// Run after typedoc (`npm run docs`): every link from README.md into docs/api/ must name a page that
// typedoc generated, so that a renamed export or a changed typedoc layout cannot leave the README's API
// links dead. Plain JavaScript on purpose: it runs without a build.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const links = [...readme.matchAll(/\]\((docs\/api\/[^)#\s]+)/g)].map((m) => m[1]);
const dead = links.filter((link) => !existsSync(join(root, link)));
if (links.length === 0) {
  console.error("check-doc-links: README.md links to no page of docs/api/; expected the API reference links");
  process.exit(1);
}
if (dead.length > 0) {
  console.error(`check-doc-links: README.md links to pages typedoc did not generate:\n  ${dead.join("\n  ")}`);
  process.exit(1);
}
console.log(`check-doc-links: ${links.length} README links into docs/api/ all resolve`);
