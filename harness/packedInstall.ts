/**
 * Installs this repository's package the way a user gets it: `npm pack`, then the tarball unpacked into
 * `node_modules/pulumi-agentmail` of a fresh project and its commands linked into `node_modules/.bin`, as npm
 * does. Its dependencies (`@pulumi/pulumi`,
 * `undici`, `zod`) are linked from this repository's node_modules, so no registry is needed.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { makeProjectDir, resolvePackageDir, type ProjectDir } from "./projectDir";

/** A project folder with the packed package installed, and the list of files the tarball held. */
export interface InstalledProject extends ProjectDir {
  /** Paths inside the package, as `npm pack --json` lists them. */
  readonly files: string[];
}

/**
 * Packs the package in `repo` and installs it into a new temporary project named `name`.
 * @param repo The package's folder (holding package.json and a built dist/).
 * @param alsoLink More packages of `repo`'s node_modules the project's own code uses (a test runner, type
 *   packages), linked like the dependencies. Default: none.
 */
export function makeInstalledProject(name: string, repo: string, alsoLink: readonly string[] = []): InstalledProject {
  const project = makeProjectDir({
    name,
    linkPackages: Object.fromEntries(
      ["@pulumi/pulumi", "undici", "zod", ...alsoLink].map((pkg) => [pkg, resolvePackageDir(pkg, repo)]),
    ),
  });
  try {
    const packed = JSON.parse(
      execFileSync("npm", ["pack", "--json", "--pack-destination", project.dir], {
        cwd: repo,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      }),
    ) as { filename: string; files: { path: string }[] }[];
    const tarball = packed[0];
    if (tarball === undefined) throw new Error("npm pack produced no tarball");
    const target = path.join(project.dir, "node_modules", "pulumi-agentmail");
    fs.mkdirSync(target, { recursive: true });
    execFileSync("tar", ["-xzf", path.join(project.dir, tarball.filename), "-C", target, "--strip-components=1"]);
    linkBins(project.dir, target);
    return { ...project, files: tarball.files.map((f) => f.path) };
  } catch (e) {
    project.cleanup();
    throw e;
  }
}

/**
 * Links the package's commands into `node_modules/.bin` and makes their files executable, as npm's install does
 * (its `bin-links`), so that `npx <command>` in the project finds them without a registry.
 */
function linkBins(projectDir: string, packageDir: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as {
    bin?: Record<string, string>;
  };
  const binDir = path.join(projectDir, "node_modules", ".bin");
  for (const [command, file] of Object.entries(manifest.bin ?? {})) {
    const target = path.join(packageDir, file);
    fs.chmodSync(target, 0o755);
    fs.mkdirSync(binDir, { recursive: true });
    fs.symlinkSync(path.relative(binDir, target), path.join(binDir, command));
  }
}
