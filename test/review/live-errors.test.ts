import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAntsEmulator, type AntsEmulator } from "../../emulators/ants/server";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { resetProcessState } from "../../provider/http/process-state";
import type { Report } from "../../provider/review/report";
import { runCli } from "../cli/run-cli";
import { ANTS_BAD, BAD, CREDENTIALS, ENV_KEYS, GOOD, useLiveAccount, liveEnv, seedSegment } from "../definitions/live-fixtures";

// review --base … --live with definitions that cannot work in the account: each is an error on its
// segment (the same checks as validate --live), and the command exits 1 after writing the report.

const account = useLiveAccount();

/** A git repository whose main commit holds `base` and whose working tree holds `head`. */
function repoWith(base: Record<string, string>, head: Record<string, string>): string {
  const repo = mkdtempSync(join(tmpdir(), "review-live-errors-"));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, stdio: "pipe" });
  const write = (files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(repo, path)), { recursive: true });
      writeFileSync(join(repo, path), text.replaceAll("SEEDED", account.seeded));
    }
  };
  git("init", "-q", "-b", "main");
  git("config", "user.email", "t@example.com");
  git("config", "user.name", "t");
  write({ "segments/members.csv": "customer_id,country,tags\nc1,US,a\n", ...base });
  git("add", ".");
  git("commit", "-q", "-m", "base");
  write(head);
  return repo;
}
const review = async (repo: string, ...argv: string[]) => runCli("review", "--base", "main", join(repo, "segments"), "--live", ...argv);


describe("review --live: definitions that cannot work are errors", () => {
  it("an unknown field, a wrong field type, a missing segment id, a missing list and ANTS attributes: one error each on its segment, exit 1", async () => {
    const repo = repoWith({}, { "segments/bad.yaml": BAD, "segments/ants.yaml": ANTS_BAD });
    const { code, stdout } = await review(repo, "--format", "json");
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as Report;
    const errors = Object.fromEntries(report.segments.map((s) => [s.name, (s.errors ?? []).map((e) => `${e.check} ${e.path ?? "-"}: ${e.message.replace(/; (fields|segments|attributes|attributes it can match|fitting fields): .*/, "; $1: …")}`)]));
    expect(errors).toEqual({
      "wrong-field": [`list-field rules[1].field: the account's default list has no field "country"; fields: …`],
      "wrong-type": [`field-type rules[0].field: field "first_name" of the account's default list is a string field; a numeric rule needs a numeric field; fitting fields: …`],
      "missing-segment": [`segment-id rules[0].segmentIds[1]: the account's default list has no segment 99999; segments: …`],
      "missing-list": ["list-id listId: list 99999 (from listId) does not exist in this account: Ongage answered 404 (Not found: List 99999 not found) while the account's default list answers; lists these definitions name that exist: none besides the default list"],
      "missing-attribute": [
        `ants-attribute matchRules[1].attribute: column "country" maps to "country", which the customer business object does not have; attributes: …`,
        `ants-attribute matchRules[2].attribute: column "tags" maps to "tags" of datatype ARRAY, which ANTS cannot match against a file; attributes it can match: …`,
      ],
    });
    // Criteria that cannot work are not counted.
    expect(report.segments.find((s) => s.name === "wrong-field")?.after?.audienceUnknown).toContain("does not fit the account");
    const markdown = await review(repo);
    expect(markdown.code).toBe(1);
    expect(markdown.stdout).toContain("⛔ **5 segments cannot be applied as defined**");
    expect(markdown.stdout).toContain("> ⛔ **list-field** (error at `rules[1].field`): the account's default list has no field \"country\"");
  });

  it("a change that fits the account has no errors and exits 0", async () => {
    const repo = repoWith({}, { "segments/good.yaml": GOOD });
    const { code, stdout } = await review(repo, "--format", "json");
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as Report).segments.map((s) => s.errors)).toEqual([undefined, undefined, undefined]);
  });

  it("a check that could not be made is an error naming it, never a pass: exit 1", async () => {
    account.ongage.http.setFaultPolicy((req) => (req.path.endsWith("/api/list_fields") ? { reset: true } : undefined));
    const repo = repoWith({}, { "segments/good.yaml": GOOD.replaceAll("name: Fine", "name: Fine\n    listId: 10000").replaceAll("name: Other", "name: Other\n    listId: 10000") });
    const { code, stdout } = await review(repo, "--format", "json");
    expect(code).toBe(1);
    const fine = (JSON.parse(stdout) as Report).segments.find((s) => s.name === "fine")!;
    expect(fine.errors?.map((e) => e.check)).toEqual(["list-id"]);
    expect(fine.errors![0]!.message).toMatch(/^could not check whether list 10000 exists \(its fields\): ongage GET \/10000\/api\/list_fields/);
  });

  it("without --live no check is made and nothing is an error", async () => {
    const repo = repoWith({}, { "segments/bad.yaml": BAD });
    account.ongage.http.clearLog();
    const { code, stdout } = await runCli("review", "--base", "main", join(repo, "segments"), "--format", "json");
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as Report).segments.every((s) => s.errors === undefined)).toBe(true);
    expect(account.ongage.http.requests).toEqual([]);
  });
});
