import { runCli } from "./run-cli";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";

const root = resolve(__dirname, "..", "..");
const good = "test/fixtures/definitions/good";
const broken = "test/fixtures/definitions/broken";

/** Runs the command in-process (vitest runs from the repository root); returns exit code and captured output. */
const run = (...argv: string[]) => runCli("validate", ...argv);

afterEach(() => vi.restoreAllMocks());

describe("pulumi-segments validate", () => {
  it("exits 0 with a one-line summary for a valid folder", async () => {
    expect(await run(good)).toEqual({ code: 0, stdout: "6 definitions in 3 files: valid\n", stderr: "" });
  });

  it("exits 1 and prints file:line:column diagnostics and a summary for a broken folder", async () => {
    const { code, stdout } = await run(broken);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(16);
    expect(lines[3]).toBe(`${broken}/refs.yaml:10:61: loop-b spec.rules[0].segmentIds[0].ref: reference cycle: loop-a → loop-b → loop-a`);
    expect(lines.at(-1)).toBe("15 problems in 4 files (4 files checked)");
  });

  it("--format github prints one escaped ::error workflow command per problem", async () => {
    const { code, stdout } = await run(broken, "--format", "github");
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split("\n");
    expect(lines.filter((l) => l.startsWith("::error "))).toHaveLength(15);
    expect(lines).toContain(`::error file=${broken}/schema.yaml,line=11,col=3,title=typo spec.naem::unknown key \`naem\` (did you mean \`name\`?); allowed here: \`listId\`, \`name\`, \`description\`, \`favorite\`, \`whitelist\`, \`rules\`, \`match\`, \`external\`, \`adopt\``);
    expect(lines).toContain(
      `::error file=${broken}/ants.yaml,line=14,col=11,title=ants-members spec.file.path::file "${broken}/missing.csv" cannot be read (ENOENT; resolved to ${join(root, broken, "missing.csv")})`,
    );
  });

  it("--format json prints one object with located diagnostics", async () => {
    const { code, stdout } = await run(broken, "--format", "json");
    expect(code).toBe(1);
    const out = JSON.parse(stdout) as { valid: boolean; files: string[]; definitions: number; diagnostics: Array<Record<string, unknown>> };
    expect(out.valid).toBe(false);
    expect(out.files).toEqual([`${broken}/ants.yaml`, `${broken}/refs.yaml`, `${broken}/schema.yaml`, `${broken}/syntax.json`]);
    expect(out.diagnostics).toContainEqual({
      file: `${broken}/refs.yaml`,
      line: 15,
      column: 60,
      path: "spec.rules[0].segmentIds[0].ref",
      message: 'no definition named "nowhere"',
      definition: "dangling",
    });
    expect((await run(good, "--format", "json")).stdout).toContain('"valid": true');
  });

  it("exits 2 on usage errors", async () => {
    expect((await run()).code).toBe(2);
    expect((await run(good, "--format", "xml")).stderr).toContain('--format must be one of text, github, json, got "xml"');
    expect((await run("test/fixtures/definitions/nope")).stderr).toBe("pulumi-segments validate: test/fixtures/definitions/nope is not a folder\n");
  });

  it("runs through the pulumi-segments binary without credentials and without loading Pulumi", () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(ONGAGE|ANTS|PULUMI)_/.test(k)));
    const probe = `require("./cli/main.ts").main(process.argv.slice(1)).then((code) => {
      const pulumi = Object.keys(require.cache).filter((k) => k.includes("@pulumi"));
      process.stderr.write("pulumi modules loaded: " + pulumi.length + "\\n");
      process.exitCode = code;
    })`;
    const res = spawnSync(process.execPath, ["--import", "tsx", "-e", probe, "validate", broken, "--format", "github"], { cwd: root, env, encoding: "utf8" });
    expect(res.status).toBe(1);
    expect(res.stdout).toContain(`::error file=${broken}/refs.yaml,line=15,col=60,title=dangling spec.rules[0].segmentIds[0].ref::no definition named "nowhere"`);
    expect(res.stderr).toContain("pulumi modules loaded: 0");
    const ok = spawnSync(process.execPath, ["--import", "tsx", "cli/main.ts", "validate", good], { cwd: root, env, encoding: "utf8" });
    expect([ok.status, ok.stdout]).toEqual([0, "6 definitions in 3 files: valid\n"]);
  });
});
