import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli";

const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string };

describe("pulumi-segments --version", () => {
  it("prints the package version and exits 0", async () => {
    expect(await runCli("--version")).toEqual({ code: 0, stdout: `pulumi-segments ${pkg.version}\n`, stderr: "" });
  });

  it("is named in the top-level help", async () => {
    expect((await runCli("--help")).stdout).toContain("`pulumi-segments --version` prints the version");
  });
});
