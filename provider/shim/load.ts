/**
 * How a shim finds the implementation when it runs inside Pulumi's provider host.
 *
 * By package name first: the host's `require` resolves from the stack's project folder, where the user
 * installed the package (and from inside an installed copy, the name refers to that copy). This
 * repository's own examples and root project run without installing the package, so as a fallback the
 * folders above the project are searched for this package's checkout.
 *
 * Only this package itself missing means "not installed": a dependency of an installed copy that is
 * missing (undici, zod), or an error its code throws while loading, is the real problem and surfaces as it
 * is (Node names the module it could not find on the first line of the message).
 *
 * A local or linked copy of the shims is serialized by value, this function included: keep it free of
 * imports and captured values, and its comments here, outside the body (the body's text is stored).
 * @internal
 */
export function loadRuntime(): typeof import("../runtime") {
  try {
    return require("pulumi-agentmail/runtime");
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown };
    if (
      err.code !== "MODULE_NOT_FOUND" ||
      !String(err.message).startsWith("Cannot find module 'pulumi-agentmail/runtime'")
    ) {
      throw e;
    }
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
