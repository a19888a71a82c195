import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ReviewInputError } from "../../provider/review/change-set";
import { changeSetFromGit } from "../../provider/review/git-definitions";
import { buildReport, type Report } from "../../provider/review/report";
import { runCli } from "../cli/run-cli";

// A real git repository made here: definitions committed, then edited in the working tree.
let repo: string;
const write = (path: string, content: string) => {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), content);
};
const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, stdio: "pipe" }).toString();

const engaged = (name: string, days: number, options = "") => `kind: ongage.Segment
name: ${name}
spec:
  name: Engaged openers
  listId: 10000
  rules:
    - { type: behavioral, event: opened, operator: "=", operand: { timeRange: { operator: between, inLast: ${days}, inLastUnit: day, to: 0, toUnit: day } } }
${options}`;
const ALIAS = "options: { aliases: [engaged] }\n";
const both = (ref: string) => `kind: ongage.Segment
name: both
spec:
  name: Engaged or gmail
  listId: 10000
  rules:
    - { type: segment, operator: "=", segmentIds: [{ ref: ${ref} }, { ref: gmail }] }
`;
const GMAIL = `kind: ongage.Segment
name: gmail
spec:
  name: Gmail
  listId: 10000
  rules: [{ type: email, field: email, operator: LIKE, values: [gmail] }]
`;
const moved = (listId: number) => `kind: ongage.Segment
name: moved
spec: { name: Moved, listId: ${listId}, rules: [{ type: numeric, field: product_id, operator: ">", values: [1] }] }
`;
const OLD = `kind: ongage.Segment
name: old
spec: { name: Old, listId: 10000, whitelist: true, rules: [{ type: email, field: email, operator: "=", values: [a@example.com, b@example.com] }] }
`;
const ANTS = `kind: ants.Segment
name: launch
spec:
  name: Launch
  audience: visitor
  file: { path: ../members/launch.csv }
  matchRules: [{ column: id, attribute: customer_id, operator: exactly }, { column: phone, attribute: phone, operator: exactly }]
  schedule: { type: dynamic, repeat: { every: 1, unit: days }, end: { afterRuns: 30 } }
`;

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "review-git-"));
  git("init", "-q", "-b", "main");
  git("config", "user.email", "t@example.com");
  git("config", "user.name", "t");
  write("segments/engaged.yaml", engaged("engaged", 30));
  write("segments/both.yaml", both("engaged"));
  write("segments/gmail.yaml", GMAIL);
  write("segments/moved.yaml", moved(10000));
  write("segments/old.yaml", OLD);
  write("segments/launch.yaml", ANTS);
  write("members/launch.csv", "id,phone\n1,555\n2,556\n");
  git("add", ".");
  git("commit", "-q", "-m", "segments");
  // The change under review:
  write("segments/engaged.yaml", engaged("engaged-openers", 14, ALIAS)); // renamed with its alias, logic changed
  write("segments/both.yaml", both("engaged-openers")); // follows the rename: no change
  renameSync(join(repo, "segments/gmail.yaml"), join(repo, "segments/gmail-readers.yaml")); // file renamed: no change
  write("segments/moved.yaml", moved(20000)); // list change: replace
  rmSync(join(repo, "segments/old.yaml")); // delete
  write("segments/fresh.yaml", "kind: ongage.Segment\nname: fresh\nspec: { name: Fresh, listId: 10000, rules: [{ type: segment, operator: '!=', segmentIds: [{ ref: moved }] }] }\n");
  write("members/launch.csv", "id,phone\n1,555\n2,556\n3,557\n");
});

describe("review --base <git-ref> <dir>", () => {
  it("compares the definitions at the ref with the working tree, through the providers' checks and diffs", async () => {
    const set = await changeSetFromGit("main", join(repo, "segments"));
    const r = buildReport(set);
    expect(r.summary).toEqual({ create: 1, update: 2, replace: 1, delete: 1 });
    expect(r.segments.map((s) => `${s.op} ${s.name}`)).toEqual(["delete old", "replace moved", "update engaged-openers", "update launch", "create fresh"]);
    const by = Object.fromEntries(r.segments.map((s) => [s.name, s]));
    expect(by["engaged-openers"]).toMatchObject({ renamedFrom: "engaged", idUnknown: "not looked up: --base without --live finds no ids", list: 10000, before: { logic: "opened any mailing, in the last 30 days" }, after: { logic: "opened any mailing, in the last 14 days" } });
    expect(by.moved!.warnings.map((w) => w.code)).toEqual(["replace-new-id", "referenced-by"]);
    expect(by.moved!.warnings[1]!.message).toBe("referenced by `fresh` (ongage.Segment): it moves to the new segment id in the same run");
    expect(by.fresh!.after!.logic).toBe('not in segment "Moved" (moved)');
    expect(by.old).toMatchObject({ before: { logic: "white list of 2 addresses" } });
    expect(by.old).not.toHaveProperty("after");
    expect(by.launch).toMatchObject({ kind: "ants.Segment", audience: "visitor", before: { logic: "customer_id exactly column id OR phone exactly column phone" } });
    expect(by.launch!.changes).toEqual([{ property: "member file", before: expect.stringMatching(/^members\/launch\.csv \(2 data rows, sha256 [0-9a-f]{12}\)$/), after: expect.stringMatching(/^members\/launch\.csv \(3 data rows, sha256 [0-9a-f]{12}\)$/) }]);
    expect(JSON.stringify(r)).not.toContain("example.com");
  });

  it("a definition renamed with its alias and nothing else changed is an update that says so, not a delete and a create", async () => {
    write("segments/engaged.yaml", engaged("engaged-openers", 30, ALIAS));
    try {
      const set = await changeSetFromGit("main", join(repo, "segments"));
      const r: Report = buildReport(set);
      const s = r.segments.find((x) => x.name === "engaged-openers")!;
      expect(s).toMatchObject({ op: "update", renamedFrom: "engaged", changes: [] });
      expect(r.segments.some((x) => x.name === "engaged")).toBe(false);
      // `both` refers to the same segment under its new name: unchanged.
      expect(r.segments.some((x) => x.name === "both")).toBe(false);
      expect(set.notes.join("\n")).not.toContain("without an alias");
    } finally {
      write("segments/engaged.yaml", engaged("engaged-openers", 14, ALIAS));
    }
  });

  it("a definition renamed without an alias is what `up` does: a create and a delete with its warning, and the advice to add the alias", async () => {
    write("segments/engaged.yaml", engaged("engaged-openers", 30));
    try {
      const set = await changeSetFromGit("main", join(repo, "segments"));
      const r: Report = buildReport(set);
      expect(r.segments.find((x) => x.name === "engaged-openers")).toMatchObject({ op: "create" });
      expect(r.segments.find((x) => x.name === "engaged-openers")!.renamedFrom).toBeUndefined();
      const gone = r.segments.find((x) => x.name === "engaged")!;
      expect(gone.op).toBe("delete");
      expect(gone.warnings.map((w) => w.code)).toContain("delete");
      // The segment `both` refers to is a new one: its rule changes to the new segment's id.
      expect(r.segments.find((x) => x.name === "both")).toMatchObject({ op: "update" });
      expect(set.notes).toContain(
        "`engaged` is renamed `engaged-openers` without an alias: to Pulumi that is a new resource and the removal of the old one. `pulumi up` creates a new segment with a new id and deletes the old one (an Ongage segment's scheduled campaigns are unscheduled, unless the delete guard refuses), except when it keeps the segment's name and rules and the old segment was created within the interrupted-create window (`interruptedCreateWindowHours`, README *Interrupted runs*): then the new resource takes the old segment over and the delete sends nothing. To keep the segment either way, add `options: { aliases: [engaged] }` to `engaged-openers`",
      );
      const text = await runCli("review", "--base", "main", join(repo, "segments"), "--format", "text");
      expect(text.code).toBe(0);
      expect(text.stdout).toContain("add `options: { aliases: [engaged] }` to `engaged-openers`");
    } finally {
      write("segments/engaged.yaml", engaged("engaged-openers", 14, ALIAS));
    }
  });

  it("makes no HTTP call (the providers' checks are offline): no socket is opened", async () => {
    const net = createRequire(__filename)("node:net") as typeof import("node:net");
    const original = { connect: net.connect, createConnection: net.createConnection };
    let sockets = 0;
    net.connect = ((...a: Parameters<typeof net.connect>) => (sockets++, original.connect(...a))) as typeof net.connect;
    net.createConnection = ((...a: Parameters<typeof net.createConnection>) => (sockets++, original.createConnection(...a))) as typeof net.createConnection;
    try {
      expect((await runCli("review", "--base", "main", join(repo, "segments"), "--format", "json")).code).toBe(0);
    } finally {
      Object.assign(net, original);
    }
    expect(sockets).toBe(0);
  });

  it("no change: one line", async () => {
    const clean = await runCli("review", "--base", "HEAD", join(repo, "members"), "--format", "text");
    expect(clean).toEqual({ code: 0, stdout: "No segment changes.\n", stderr: "" });
  });

  it("the CLI: markdown by default; an unknown ref or a folder outside git is a clear error with exit code 1", async () => {
    const ok = await runCli("review", "--base", "main", join(repo, "segments"));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("<summary><a id=\"segment-3\"></a>🟡 update <code>engaged-openers</code> · Engaged openers</summary>\n\nongage.Segment · list 10000 · not looked up: --base without --live finds no ids · renamed from `engaged`");
    const bad = await runCli("review", "--base", "no-such-branch", join(repo, "segments"));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(`pulumi-segments review: unknown git ref "no-such-branch": no commit by that name in ${repo} (in CI, fetch it first, e.g. \`git fetch origin main\` and use origin/main)\n`);
    expect(bad.stdout).toBe("");
    const outside = mkdtempSync(join(tmpdir(), "review-nogit-"));
    const notRepo = await runCli("review", "--base", "main", outside);
    expect(notRepo.code).toBe(1);
    expect(notRepo.stderr).toContain("is not inside a git repository");
    await expect(changeSetFromGit("main", join(repo, "nowhere"))).rejects.toThrow(ReviewInputError);
  });
});
