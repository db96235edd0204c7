/**
 * How a shim finds the implementation when it runs inside Pulumi's provider host.
 *
 * By package name first: the host's `require` resolves from the stack's project folder, where the user
 * installed the package (and from inside an installed copy, the name refers to that copy).
 *
 * This repository's own projects run without installing the package, so when (and only when) the package
 * itself is missing, two explicit locations are tried, relative to the project folder (the host's working
 * directory), and nothing else:
 * - the root project: the project folder IS this package's checkout (its `package.json` is named
 *   `pulumi-agentmail`);
 * - `examples/<name>`: the project's own `package.json` declares `"pulumi-agentmail": "file:../.."` (as the
 *   examples do) and its parent folder is named `examples`; `../..` is then the checkout (an unbuilt one
 *   fails with Node's message naming the missing `dist/provider/runtime.js`).
 * Why these checks and not a walk up the folders (which ran a planted copy two folders above a project)
 * or an environment variable: the project's own files say where the package is, as `npm install` would
 * read them, so a copy elsewhere on the disk is never run; and `pulumi up` in an example works as is,
 * without a script to set a variable. The shim cannot use its own location instead: in the host it is
 * text from the state, loaded from no file, and capturing the path would put it in every state.
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
    const read = (dir: string) => {
      try {
        return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
      } catch {}
    };
    const cwd = process.cwd();
    const up = path.dirname(path.dirname(cwd));
    const own = read(cwd);
    const root =
      own?.name === "pulumi-agentmail"
        ? cwd
        : own?.dependencies?.["pulumi-agentmail"] === "file:../.." &&
          path.basename(path.dirname(cwd)) === "examples" &&
          up;
    if (root) return require(path.join(root, "dist/provider/runtime.js"));
    throw new Error(
      `pulumi-agentmail is not installed where Pulumi runs this stack (${cwd}): ` +
        "run `npm install pulumi-agentmail` in the Pulumi project's folder.",
    );
  }
}
