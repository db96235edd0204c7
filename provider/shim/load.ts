/**
 * How a shim finds the implementation when it runs inside Pulumi's provider host.
 *
 * By package name first: the host's `require` resolves from the stack's project folder, where the user
 * installed the package (and from inside an installed copy, the name refers to that copy). This
 * repository's own examples and root project run without installing the package, so as a fallback the
 * folders above the project are searched for this package's checkout.
 *
 * A local or linked copy of the shims is serialized by value, this function included: keep it free of
 * imports and captured values.
 * @internal
 */
export function loadRuntime(): typeof import("../runtime") {
  try {
    return require("pulumi-agentmail/runtime");
  } catch (e) {
    if ((e as { code?: unknown }).code !== "MODULE_NOT_FOUND") throw e;
    const path = require("node:path") as typeof import("node:path");
    const fs = require("node:fs") as typeof import("node:fs");
    for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
      const manifest = path.join(dir, "package.json");
      if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === "pulumi-agentmail") {
        return require(path.join(dir, "dist", "provider", "runtime.js"));
      }
      if (path.dirname(dir) === dir) {
        throw new Error(
          `pulumi-agentmail is not installed where Pulumi runs this stack (${process.cwd()}): ` +
            "run `npm install pulumi-agentmail` in the Pulumi project's folder.",
        );
      }
    }
  }
}
