import { runCli } from "./run-cli";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startAntsEmulator, type AntsEmulator } from "../../emulators/ants/server";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { resetProcessState } from "../../provider/http/process-state";
import { ANTS_BAD, BAD, CREDENTIALS, ENV_KEYS, GOOD, useLiveAccount, folder, liveEnv, seedSegment } from "../definitions/live-fixtures";

const root = resolve(__dirname, "..", "..");
const good = "test/fixtures/definitions/good";
const broken = "test/fixtures/definitions/broken";
/** The offline summary's second line: what only --live checks. */
const NOT_CHECKED = "not checked offline: list fields and their types, segment and list ids, ANTS attributes (run with --live and credentials)";

/** Runs the command in-process (vitest runs from the repository root); returns exit code and captured output. */
const run = (...argv: string[]) => runCli("validate", ...argv);

afterEach(() => vi.restoreAllMocks());

describe("pulumi-segments validate", () => {
  it("exits 0 with a one-line summary for a valid folder", async () => {
    expect(await run(good)).toEqual({ code: 0, stdout: `6 definitions in 3 files: valid\n${NOT_CHECKED}\n`, stderr: "" });
  });

  it("exits 1 and prints file:line:column diagnostics and a summary for a broken folder", async () => {
    const { code, stdout } = await run(broken);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(17);
    expect(lines[3]).toBe(`${broken}/refs.yaml:10:61: loop-b spec.rules[0].segmentIds[0].ref: reference cycle: loop-a → loop-b → loop-a`);
    expect(lines.slice(-2)).toEqual(["15 problems in 4 files (4 files checked)", NOT_CHECKED]);
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
    expect([ok.status, ok.stdout]).toEqual([0, `6 definitions in 3 files: valid\n${NOT_CHECKED}\n`]);
  });
});

describe("pulumi-segments validate --live (against the emulators)", () => {
  const account = useLiveAccount();
  /** The output with the temporary folder's path left out. */
  const runIn = async (dir: string, ...argv: string[]) => {
    const r = await run(dir, "--live", ...argv);
    return { ...r, stdout: r.stdout.replaceAll(`${dir}/`, "") };
  };

  it("a folder that fits the account is valid, checked against it: exit 0", async () => {
    expect(await runIn(folder({ "good.yaml": GOOD }, account.seeded))).toEqual({ code: 0, stdout: "3 definitions in 1 file: valid (also against the account)\n", stderr: "" });
  });

  it("each definition that cannot work is reported at file:line:col with what exists: exit 1", async () => {
    const { code, stdout } = await runIn(folder({ "bad.yaml": BAD, "ants.yaml": ANTS_BAD }, account.seeded));
    expect(code).toBe(1);
    expect(stdout.split("\n").map((l) => l.replace(/; (fields|segments|attributes|attributes it can match|fitting fields): .*/, "; $1: …"))).toEqual([
      'ants.yaml:9:26: missing-attribute spec.matchRules[1].attribute: column "country" maps to "country", which the customer business object does not have; attributes: …',
      'ants.yaml:10:23: missing-attribute spec.matchRules[2].attribute: column "tags" maps to "tags" of datatype ARRAY, which ANTS cannot match against a file; attributes it can match: …',
      `bad.yaml:8:27: wrong-field spec.match.all[1].field: the account's default list has no field "country"; fields: …`,
      `bad.yaml:14:26: wrong-type spec.rules[0].field: field "first_name" of the account's default list is a string field; a numeric rule needs a numeric field; fitting fields: …`,
      `bad.yaml:20:61: missing-segment spec.rules[0].segmentIds[1]: the account's default list has no segment 99999; segments: …`,
      "bad.yaml:24:5: missing-list spec.listId: list 99999 (from spec.listId) does not exist in this account: Ongage answered 404 (Not found: List 99999 not found) while the account's default list answers; lists these definitions name that exist: none besides the default list",
      "6 problems in 2 files (2 files checked)",
      "",
    ]);
    const github = await runIn(folder({ "bad.yaml": BAD }, account.seeded), "--format", "github");
    expect(github.stdout).toContain("::error file=bad.yaml,line=8,col=27,title=wrong-field spec.match.all[1].field::the account's default list has no field \"country\"; fields: address, birthdate, email, first_name, last_name, product_id");
  });

  it("a read that fails makes it exit 1 naming the check that could not be made, never 'valid'", async () => {
    account.ongage.http.setFaultPolicy((req) => (req.method === "GET" && req.path.endsWith("/api/segments") ? { reset: true } : undefined));
    const { code, stdout } = await runIn(folder({ "good.yaml": GOOD }, account.seeded));
    expect(code).toBe(1);
    const [line, summary] = stdout.trimEnd().split("\n");
    expect(line).toMatch(/^could not check the segments of the account's default list \(1 definition: fine\): ongage GET \/api\/segments/);
    expect(summary).toBe("3 definitions in 1 file: no problem found; 1 live check could not be made: not valid");
    const json = JSON.parse((await runIn(folder({ "good.yaml": GOOD }, account.seeded), "--format", "json")).stdout) as { valid: boolean; unchecked: Array<{ check: string; definitions: string[] }> };
    expect(json.valid).toBe(false);
    expect(json.unchecked.map((u) => [u.check, u.definitions])).toEqual([["segment-id", ["fine"]]]);
  });

  it("without credentials it exits 1 naming the variable; the password never appears in any output", async () => {
    delete process.env.ONGAGE_PASSWORD;
    const r = await runIn(folder({ "good.yaml": GOOD }, account.seeded));
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain("Missing Ongage password: set environment variable ONGAGE_PASSWORD.");
    expect(r.stdout).not.toContain(": valid");
    liveEnv(account.ongage, account.ants);
    account.ongage.http.setFaultPolicy((req) => (req.path.endsWith("/api/list_fields") ? { reset: true } : undefined));
    const failed = await runIn(folder({ "bad.yaml": BAD }, account.seeded), "--format", "json");
    expect(failed.stdout + failed.stderr).not.toContain(CREDENTIALS.password);
  });
});
