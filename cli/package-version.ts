import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The installed package's version (package.json two folders up from cli/ in the source tree and in dist/). */
export function packageVersion(): string {
  for (const up of [join(__dirname, ".."), join(__dirname, "..", "..")]) {
    try {
      const pkg = JSON.parse(readFileSync(join(up, "package.json"), "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === "pulumi-segments" && typeof pkg.version === "string") return pkg.version;
    } catch {
      // not this folder
    }
  }
  throw new Error("cannot find the pulumi-segments package.json next to the CLI");
}
