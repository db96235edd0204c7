/**
 * Temporary Pulumi project folders for the provider host's working directory.
 * @module
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Options of {@link makeProjectDir}. */
export interface MakeProjectDirOptions {
  /** Project name written to `Pulumi.yaml`. */
  name: string;
  /**
   * Packages to make resolvable from the folder: package name (`"@pulumi/pulumi"`,
   * `"pulumi-agentmail"`) to the absolute path of its folder. Each becomes a symlink
   * `node_modules/<name>`, which is how `npm install <folder>` installs a local package.
   */
  linkPackages?: Record<string, string>;
}

/** A temporary project folder. */
export interface ProjectDir {
  /** Absolute path of the folder. */
  dir: string;
  /** Removes the folder (symlinks are removed, never followed). Idempotent. */
  cleanup(): void;
}

/**
 * Creates a temporary project folder under `os.tmpdir()` with a `Pulumi.yaml`, a `package.json`
 * listing the linked packages, and `node_modules/<pkg>` symlinks.
 *
 * Node resolves a symlinked package to its real path, so the linked package's own dependencies
 * resolve from where it really lives; only packages that the serialized provider text itself
 * `require`s need a link here.
 */
export function makeProjectDir(opts: MakeProjectDirOptions): ProjectDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pulumi-harness-${opts.name}-`));
  const links = opts.linkPackages ?? {};
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${opts.name}\nruntime: nodejs\n`);
  const dependencies = Object.fromEntries(Object.entries(links).map(([pkg, target]) => [pkg, `file:${target}`]));
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: opts.name, private: true, dependencies }, null, 2) + "\n",
  );
  for (const [pkg, target] of Object.entries(links)) {
    const link = path.join(dir, "node_modules", ...pkg.split("/"));
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(target, link, "dir");
  }
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Finds the folder of an installed package by walking up `node_modules` folders from `fromDir`.
 * Unlike `require.resolve("<pkg>/package.json")` this works for packages whose `exports` hide
 * `package.json`.
 * @param fromDir Where to start. Default: this repository (the folder holding the harness).
 */
export function resolvePackageDir(name: string, fromDir: string = path.resolve(__dirname, "..", "..")): string {
  for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", ...name.split("/"));
    if (fs.existsSync(path.join(candidate, "package.json"))) {
      return candidate;
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`package ${name} not found from ${fromDir}`);
    }
  }
}
