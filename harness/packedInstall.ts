/**
 * Installs this repository's package the way a user gets it: `npm pack`, then the tarball unpacked into
 * `node_modules/pulumi-agentmail` of a fresh project, as npm does. Its dependencies (`@pulumi/pulumi`,
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
 */
export function makeInstalledProject(name: string, repo: string): InstalledProject {
  const project = makeProjectDir({
    name,
    linkPackages: {
      "@pulumi/pulumi": resolvePackageDir("@pulumi/pulumi", repo),
      undici: resolvePackageDir("undici", repo),
      zod: resolvePackageDir("zod", repo),
    },
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
    return { ...project, files: tarball.files.map((f) => f.path) };
  } catch (e) {
    project.cleanup();
    throw e;
  }
}
