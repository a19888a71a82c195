import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAntsEmulator, type AntsEmulator } from "../../emulators/ants/server";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { canonicalFromInputs, toRequestBody } from "../../provider/ongage/normalize";
import { ValidSegmentInputs } from "../../provider/ongage/inputs";
import { MARKDOWN_MARKER } from "../../provider/review/formats";
import type { Report } from "../../provider/review/report";
import { REPORT_SCHEMA_VERSION } from "../../provider/review/report-schema";
import { runCli } from "../cli/run-cli";
import { definitionsProject, planEdit, type PlanResult } from "./helpers";
import { PLACEHOLDER } from "./synthetic";

// One project applied to both emulators through the driver, then edited: every kind of change the
// review covers (update, replace, delete, recipients, ANTS file and schedule), previewed into a digest
// in the CLI's format, then reviewed with and without --live.

const LIST = 10000;
const openers = (days: number) => `kind: ongage.Segment
name: openers
spec:
  name: Recent openers
  rules:
    - { type: behavioral, event: opened, operator: "=", operand: { timeRange: { operator: between, inLast: ${days}, inLastUnit: day, to: 0, toUnit: day } } }
`;
const gmail = (extra: string) => `kind: ongage.Segment
name: gmail
spec:
  name: Gmail with a name
  match:
    all:
      - { type: email, field: email, operator: LIKE, values: [gmail] }
      - any:
          - { type: string, field: first_name, operator: notempty }
          - { type: string, field: last_name, operator: notempty }${extra}
`;
const BOTH = `kind: ongage.Segment
name: both
spec:
  name: Openers or gmail
  rules:
    - { type: segment, operator: "=", segmentIds: [{ ref: openers }, { ref: gmail }] }
`;
const OLD_VIP = `kind: ongage.Segment
name: old-vip
spec:
  name: Old VIP
  rules:
    - { type: numeric, field: product_id, operator: ">", values: [500] }
`;
const crm = (insertMissing: boolean, emails: string[]) => `- kind: ongage.Segment
  name: crm
  spec:
    name: CRM export
    external: { insertMissing: ${insertMissing} }
- kind: ongage.ExternalRecipients
  name: crm-members
  spec:
    segmentId: { ref: crm }
    recipients:
${emails.map((e) => `      - { email: ${e}, first_name: Jane }`).join("\n")}
`;
const launch = (every: number) => `kind: ants.Segment
name: launch
spec:
  name: Launch customers
  audience: customer
  file: { path: launch.csv }
  matchRules:
    - { column: customer_id, attribute: customer_id }
  schedule: { type: dynamic, repeat: { every: ${every}, unit: hours }, start: { day: "2026-12-01", hour: "09:00" } }
`;
const fresh = (name: string, value: string) => `kind: ongage.Segment
name: ${name}
spec:
  name: ${name} segment
  rules:
    - { type: email, field: email, operator: LIKE, values: [${value}] }
`;
const csv = (n: number) => `customer_id,email\n${Array.from({ length: n }, (_, i) => `c${i + 1},member${i + 1}@example.com`).join("\n")}\n`;

let ongage: OngageEmulator;
let ants: AntsEmulator;
let projectDir: string;
let digestPath: string;
let plan: PlanResult;
const savedEnv = { ...process.env };

beforeAll(async () => {
  ongage = await startOngageEmulator();
  ants = await startAntsEmulator({ computeDelayMs: 0 });
  projectDir = definitionsProject({
    "segments/openers.yaml": openers(30),
    "segments/gmail.yaml": gmail(""),
    "segments/both.yaml": BOTH,
    "segments/old-vip.yaml": OLD_VIP,
    "segments/crm.yaml": crm(false, ["ann@example.com", "bob@example.com"]),
    "segments/launch.yaml": launch(5),
    "segments/launch.csv": csv(3),
  });
  digestPath = join(projectDir, "preview.json");
  const config = {
    "ongage:baseUrl": ongage.url, "ongage:username": "emulator", "ongage:password": "emulator-password", "ongage:accountCode": "EMULATOR", "ongage:listId": String(LIST),
    "ants:baseUrl": ants.url, "ants:authUrl": ants.authUrl, "ants:clientId": "emulator-client", "ants:clientSecret": "emulator-secret",
  };
  // Campaigns are created by the test once the segments exist: planEdit applies, then previews.
  plan = await planEdit({
    projectDir,
    config,
    digestPath,
    edits: [
      { path: "segments/openers.yaml", content: openers(7) },
      { path: "segments/gmail.yaml", content: gmail("\n          - { type: string, field: address, operator: notempty }") },
      { path: "segments/old-vip.yaml", content: null },
      { path: "segments/crm.yaml", content: crm(true, ["bob@example.com", "cy@example.com", "dee@example.com"]) },
      { path: "segments/launch.yaml", content: launch(12) },
      { path: "segments/launch.csv", content: csv(5) },
      { path: "segments/fresh.yaml", content: fresh("fresh", "e") },
      { path: "segments/nobody.yaml", content: fresh("nobody", "no-such-address-fragment") },
    ],
  });
  const now = Math.floor(Date.now() / 1000);
  ongage.store.createMailing({ name: "Black Friday", segments: [Number(plan.ids["old-vip"])], schedule_date: now + 86_400 });
  ongage.store.createMailing({ name: "Everyone but old VIPs", segments: [Number(plan.ids.gmail), { segment_id: Number(plan.ids["old-vip"]), exclude: true }], status: "New" });
  ongage.store.createMailing({ name: "Last year", segments: [Number(plan.ids["old-vip"])], status: "Completed" });
  ongage.store.createMailing({ name: "CRM drip", segments: [Number(plan.ids.crm)], schedule_date: now + 3_600 });
  Object.assign(process.env, {
    ONGAGE_BASE_URL: ongage.url, ONGAGE_USERNAME: "emulator", ONGAGE_PASSWORD: "emulator-password", ONGAGE_ACCOUNT_CODE: "EMULATOR", ONGAGE_LIST_ID: String(LIST),
    ANTS_BASE_URL: ants.url, ANTS_AUTH_URL: ants.authUrl, ANTS_CLIENT_ID: "emulator-client", ANTS_CLIENT_SECRET: "emulator-secret",
  });
}, 180_000);

afterAll(async () => {
  process.env = savedEnv;
  await Promise.all([ongage?.close(), ants?.close()]);
});

const review = async (...args: string[]) => runCli("review", digestPath, "--project", projectDir, ...args);
const json = async (...args: string[]) => {
  const r = await review("--format", "json", ...args);
  expect(r.stderr.replace(/^review --live .*\n/gm, "")).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Report;
};
const seg = (r: Report, name: string) => r.segments.find((s) => s.name === name)!;

/** What the emulator itself counts for a definition (its own evaluation over its population). */
function expectedCount(spec: Record<string, unknown>): number {
  const c = canonicalFromInputs(ValidSegmentInputs.parse(spec), LIST);
  const fields = new Map(ongage.store.list(LIST)!.fields.map((f) => [f.name, Number(f.id)]));
  const body = toRequestBody(c, (name) => fields.get(name)!, false) as { criteria: never[] };
  return ongage.store.countFor(LIST, body.criteria).active;
}

describe("review of a digest the driver wrote in the CLI's format", () => {
  it("the plan covers every kind of change", () => {
    expect(plan.up.errors).toEqual([]);
    expect(plan.preview.errors).toEqual([]);
    expect(plan.preview.ops).toEqual(["create fresh", "create nobody", "delete old-vip", "replace crm", "replace crm-members", "update both", "update gmail", "update launch", "update openers"]);
  });

  it("the driver's digest has the shape pulumi preview --json prints", () => {
    const d = JSON.parse(readFileSync(digestPath, "utf8")) as { config: Record<string, string>; steps: Array<Record<string, any>>; changeSummary: Record<string, number>; duration: number };
    expect(d.config["ongage:password"]).toBe("[secret]");
    expect(d.changeSummary).toEqual({ create: 2, update: 4, replace: 2, delete: 1 });
    expect(typeof d.duration).toBe("number");
    const by = Object.fromEntries(d.steps.map((s) => [s.urn.split("::").pop(), s]));
    expect(by.openers).toMatchObject({ op: "update", oldState: { id: plan.ids.openers, custom: true, type: "pulumi-nodejs:dynamic/ongage:Segment" }, newState: { id: plan.ids.openers }, diffReasons: ["rules"], detailedDiff: null });
    expect(by.openers!.newState.outputs).toEqual(by.openers!.oldState.outputs); // a planned update keeps the old outputs
    expect(by.crm).toMatchObject({ op: "replace", replaceReasons: ["external"] });
    expect(by.crm!.newState).not.toHaveProperty("id");
    expect(by["old-vip"]).not.toHaveProperty("newState");
    expect(by.both!.newState.inputs.rules[0].segmentIds).toEqual(["04da6b54-80e4-46f7-96ec-b56ff0331ba9", "04da6b54-80e4-46f7-96ec-b56ff0331ba9"]);
    expect(by.both!.newState.dependencies.map((u: string) => u.split("::").pop()).sort()).toEqual(["gmail", "openers"]);
  });

  it("without --live: no HTTP call at all (no request reaches either emulator, no socket is opened)", async () => {
    const net = createRequire(__filename)("node:net") as typeof import("node:net");
    const before = { ongage: ongage.http.requests.length, ants: ants.http.requests.length };
    const original = { connect: net.connect, createConnection: net.createConnection };
    let sockets = 0;
    net.connect = ((...a: Parameters<typeof net.connect>) => (sockets++, original.connect(...a))) as typeof net.connect;
    net.createConnection = ((...a: Parameters<typeof net.createConnection>) => (sockets++, original.createConnection(...a))) as typeof net.createConnection;
    try {
      for (const format of ["markdown", "text", "json"]) expect((await review("--format", format)).code).toBe(0);
    } finally {
      Object.assign(net, original);
    }
    expect(sockets).toBe(0);
    expect({ ongage: ongage.http.requests.length, ants: ants.http.requests.length }).toEqual(before);
    const r = await json();
    expect(r.segments.every((s) => s.before?.audience === undefined && s.after?.audience === undefined)).toBe(true);
    expect(r.segments.filter((s) => s.kind !== "ongage.ExternalRecipients").every((s) => [s.before, s.after].every((x) => x === undefined || ["no --live", "external segment"].includes(x.audienceUnknown!)))).toBe(true);
  });

  it("summary, ops, ids, lists and the logic before and after", async () => {
    const r = await json();
    expect(r.summary).toEqual({ create: 2, update: 3, replace: 2, delete: 1 });
    // The engine plans `both` as an update (the ids of updated segments are unknown during a preview); they keep their ids.
    expect(r.notes).toEqual(["`both`: shown by the preview as an update only because it refers to updated segments, whose ids are unknown during a preview but do not change; nothing changes in it"]);
    expect(r.segments.map((s) => `${s.op} ${s.name}`)).toEqual(["delete old-vip", "replace crm", "replace crm-members", "update gmail", "update launch", "update openers", "create fresh", "create nobody"]);
    expect(seg(r, "openers")).toMatchObject({ kind: "ongage.Segment", id: plan.ids.openers, displayName: "Recent openers", list: LIST, before: { logic: "opened any mailing, in the last 30 days" }, after: { logic: "opened any mailing, in the last 7 days" } });
    expect(seg(r, "gmail").after!.logic).toBe('email contains "gmail" AND (first_name is not empty OR last_name is not empty OR address is not empty)');
    expect(seg(r, "launch")).toMatchObject({ kind: "ants.Segment", audience: "customer", id: plan.ids.launch, before: { logic: "customer_id exactly column customer_id" } });
    expect(seg(r, "launch").changes).toEqual([
      { property: "member file", before: expect.stringMatching(/^segments\/launch\.csv \(rows unknown: file not in this checkout, sha256 [0-9a-f]{12}\)$/), after: expect.stringMatching(/^segments\/launch\.csv \(5 data rows, sha256 [0-9a-f]{12}\)$/) },
      { property: "schedule", before: "every 5 hours from 2026-12-01 09:00, never ends", after: "every 12 hours from 2026-12-01 09:00, never ends" },
    ]);
    expect(seg(r, "old-vip").warnings.map((w) => w.code)).toEqual(["delete"]);
    expect(seg(r, "crm").warnings.map((w) => w.code)).toEqual(["replace-new-id", "referenced-by"]);
    expect(seg(r, "crm").warnings[1]!.message).toBe("referenced by `crm-members` (ongage.ExternalRecipients): it moves to the new segment id in the same run");
    expect(seg(r, "crm-members").warnings.find((w) => w.code === "recipients-changed")!.message).toBe("recipients change (2 → count known after apply); the rows are not shown: they are secret or kept in a file");
  });

  it("--live: Ongage audiences are the emulator's own counts before and after, with the difference and percentage", async () => {
    const r = await json("--live");
    const o = seg(r, "openers");
    const before = ongage.store.countFor(LIST, Number(plan.ids.openers)).active;
    const after = expectedCount({ name: "x", rules: [{ type: "behavioral", event: "opened", operator: "=", operand: { timeRange: { operator: "between", inLast: 7, inLastUnit: "day", to: 0, toUnit: "day" } } }] });
    expect(before).toBeGreaterThan(after);
    expect(o.before!.audience).toBe(before);
    expect(o.after!.audience).toBe(after);
    expect(o.audienceChange).toEqual({ difference: after - before, percent: Math.round(((after - before) / before) * 1000) / 10 });
    const g = seg(r, "gmail");
    expect(g.before!.audience).toBe(ongage.store.countFor(LIST, Number(plan.ids.gmail)).active);
    expect(g.after!.audience).toBe(expectedCount({ name: "x", match: { all: [{ type: "email", field: "email", operator: "LIKE", values: ["gmail"] }, { any: ["first_name", "last_name", "address"].map((field) => ({ type: "string", field, operator: "notempty" })) }] } }));
    expect(seg(r, "old-vip").before!.audience).toBe(ongage.store.countFor(LIST, Number(plan.ids["old-vip"])).active);
    expect(seg(r, "old-vip")).not.toHaveProperty("after");
  });

  it("--live: the campaigns a delete or replacement affects, with status, included or excluded (finished ones left out)", async () => {
    const r = await json("--live");
    const w = seg(r, "old-vip").warnings.find((x) => x.code === "campaigns-affected")!;
    expect(w.campaigns).toEqual([
      { id: expect.any(String), name: "Black Friday", status: "Scheduled", excluded: false },
      { id: expect.any(String), name: "Everyone but old VIPs", status: "New", excluded: true },
    ]);
    expect(w.message).toBe(`2 campaigns use segment ${plan.ids["old-vip"]} (1 as an excluded segment, so who receives it changes too): deleting it unschedules them`);
    expect(seg(r, "crm").warnings.find((x) => x.code === "campaigns-affected")!.campaigns).toEqual([{ id: expect.any(String), name: "CRM drip", status: "Scheduled", excluded: false }]);
    expect(seg(r, "gmail").warnings).toEqual([]);
  });

  it("--live: ANTS size from Listing before, the new file's data rows after", async () => {
    const r = await json("--live");
    expect(seg(r, "launch")).toMatchObject({ before: { audience: 3 }, after: { audience: 5 }, audienceChange: { difference: 2, percent: 66.7 } });
  });

  it("--live costs at most two counts plus polls per changed Ongage segment and one segment read per delete/replace", async () => {
    ongage.http.clearLog();
    const progress = await review("--live", "--format", "json");
    // Progress on stderr, one line per looked-up segment; the report alone on stdout.
    const lines = progress.stderr.split("\n").filter(Boolean);
    expect(lines.map((l) => l.replace(/\[\d\/7\]/, "[n/7]")).sort()).toEqual(["crm", "fresh", "gmail", "launch", "nobody", "old-vip", "openers"].map((n) => `review --live [n/7] ${n === "launch" ? "ants" : "ongage"}.Segment ${n}`).sort());
    expect(() => JSON.parse(progress.stdout)).not.toThrow();
    const calls = ongage.http.requests.map((q) => `${q.method} ${q.path.replace(/\d{5,}/g, "N")}`);
    const posts = calls.filter((c) => c.startsWith("POST") && c.includes("contact_counts")).length;
    // openers, gmail: before + after; old-vip: before; crm (external): before only; fresh, nobody: after.
    expect(posts).toBe(8);
    expect(calls.filter((c) => /^GET \/N\/api\/segments\/N$/.test(c))).toHaveLength(2);
    expect(calls.filter((c) => c.startsWith("PUT") || c.startsWith("DELETE") || (c.startsWith("POST") && !c.includes("contact_counts")))).toEqual([]);
  });

  it("Markdown (the pull-request comment) and text: real renderings, no address of a recipient anywhere", async () => {
    const md = (await review("--live")).stdout;
    expect(md.startsWith(`${MARKDOWN_MARKER}\n✅ **Policy: pass · no policy file (segments.policy.yaml)**\n\n## Segment review: 2 to create, 3 to update, 2 to replace, 1 to delete\n`)).toBe(true);
    expect(md).toContain('<details open><summary><a id="segment-1"></a>🔴 delete <code>old-vip</code> · Old VIP</summary>');
    expect(md).toMatch(/\| 🔴 delete \| \[`old-vip`\]\(#segment-1\) \| Old VIP \| [\d,]+ → deleted \| 2 campaigns \| delete, campaigns-affected \|/);
    // An external segment's count says nothing: it reads "not counted", never as an audience of 0.
    expect(md).toContain("| 🟠 replace | [`crm`](#segment-2) | CRM export | not counted (external segment) | 1 campaign |");
    expect(md).toContain("> | Campaign | Name | Status | Segment used as |");
    expect(md).toContain("```diff\n- opened any mailing, in the last 30 days\n+ opened any mailing, in the last 7 days\n```");
    expect(md).toMatch(/\*\*Audience\*\*: [\d,]+ → [\d,]+ active contacts \(−[\d,]+, −\d+\.\d %\)/);
    const text = (await review("--format", "text", "--live")).stdout;
    expect(text).toContain("~ update openers \"Recent openers\" (ongage.Segment · list 10000 · id");
    for (const out of [md, text, JSON.stringify(await json("--live"))]) expect(out).not.toMatch(/ann@|bob@|cy@|dee@|member\d@|Jane|emulator-password|emulator-secret/);
    // No placeholder in any format, with or without --live.
    for (const format of ["markdown", "text", "json"]) for (const live of [[], ["--live"]]) expect((await review("--format", format, ...live)).stdout).not.toMatch(PLACEHOLDER);
    writeFileSync(join(projectDir, "review.md"), md);
    expect(readFileSync(join(projectDir, "review.md"), "utf8")).toBe(md);
  });

  it("--live with wrong credentials: exit 1 with the API's error, no credential in it", async () => {
    process.env.ONGAGE_PASSWORD = "wrong-password";
    try {
      const r = await review("--live");
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/pulumi-segments review: --live: ongage POST \/10000\/api\/contact_counts\/ → 401/);
      expect(r.stderr + r.stdout).not.toContain("wrong-password");
    } finally {
      process.env.ONGAGE_PASSWORD = "emulator-password";
    }
  });

  it("--base <ref> <dir> --live: segments found by name in the emulators, counted and their campaigns listed", async () => {
    // A repository whose committed definitions are the ones applied above, and whose work tree holds the edit.
    const repo = join(projectDir, "repo");
    const put = (path: string, content: string) => {
      mkdirSync(join(repo, "segments"), { recursive: true });
      writeFileSync(join(repo, path), content);
    };
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, stdio: "pipe" });
    put("segments/openers.yaml", openers(30));
    put("segments/old-vip.yaml", OLD_VIP);
    git("init", "-q", "-b", "main");
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".");
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "applied");
    put("segments/openers.yaml", openers(7));
    execFileSync("rm", [join(repo, "segments/old-vip.yaml")]);
    const out = await runCli("review", "--base", "main", join(repo, "segments"), "--live", "--format", "json");
    expect(out.code).toBe(0);
    const r = JSON.parse(out.stdout) as Report;
    expect(r.segments.map((x) => `${x.op} ${x.name}`)).toEqual(["delete old-vip", "update openers"]);
    expect(seg(r, "openers").before!.audience).toBe(ongage.store.countFor(LIST, Number(plan.ids.openers)).active);
    expect(seg(r, "openers").after!.audience).toBe(expectedCount({ name: "x", rules: [{ type: "behavioral", event: "opened", operator: "=", operand: { timeRange: { operator: "between", inLast: 7, inLastUnit: "day", to: 0, toUnit: "day" } } }] }));
    expect(seg(r, "old-vip").warnings.find((w) => w.code === "campaigns-affected")!.campaigns!.map((c) => c.name)).toEqual(["Black Friday", "Everyone but old VIPs"]);
    // A segment found by name shows its id, everywhere.
    expect(seg(r, "openers").id).toBe(plan.ids.openers);
    expect(seg(r, "old-vip").warnings[0]!.message).toContain(`segment ${plan.ids["old-vip"]} is deleted`);
    for (const format of ["markdown", "text", "json"]) expect((await runCli("review", "--base", "main", join(repo, "segments"), "--live", "--format", format)).stdout).not.toMatch(PLACEHOLDER);
    for (const format of ["markdown", "text", "json"]) expect((await runCli("review", "--base", "main", join(repo, "segments"), "--format", format)).stdout).not.toMatch(PLACEHOLDER);
  });
});

describe("policy rules through the CLI, with --live against the emulators", () => {
  const policy = (name: string, yaml: string) => {
    const path = join(projectDir, `${name}.policy.yaml`);
    writeFileSync(path, yaml);
    return path;
  };
  const judged = async (yaml: string, ...args: string[]) => {
    const file = policy(`p${Math.random().toString(36).slice(2, 8)}`, yaml);
    const out = await review("--format", "json", "--policy", file, ...args);
    const r = JSON.parse(out.stdout) as Report;
    return { code: out.code, r, findings: r.policy.findings.map((f) => `${f.level}${f.allowed ? " allowed" : ""} ${f.rule} ${f.segment}`).sort() };
  };

  it("audience-drop: an audience that shrinks by more than 30 % fails the review (exit 3), in JSON and in the comment's first line", async () => {
    const { code, r, findings } = await judged("rules:\n  audience-drop: { level: fail, maxPercent: 30 }\n", "--live");
    expect(r.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expect(code).toBe(3);
    // crm is an external segment: it cannot be counted, so the rule fails closed on it too.
    expect(findings).toEqual(["fail audience-drop openers", "fail audience-unknown crm"]);
    const o = seg(r, "openers");
    expect(r.policy.findings.find((f) => f.segment === "openers")!.message).toBe(`audience shrinks more than 30 %: ${o.before!.audience!.toLocaleString("en-US")} → ${o.after!.audience!.toLocaleString("en-US")} (−${Math.abs(o.audienceChange!.difference).toLocaleString("en-US")}, −${Math.abs(o.audienceChange!.percent!).toFixed(1)} %)`);
    const file = policy("drop", "rules:\n  audience-drop: { level: fail, maxPercent: 30 }\n");
    const comment = await review("--live", "--policy", file);
    expect(comment.code).toBe(3);
    expect(comment.stdout.split("\n")[1]).toBe("⛔ **Policy: fail: audience-drop, audience-unknown · policy drop.policy.yaml**");
    expect(comment.stdout).toContain("> ⛔ **audience-drop** (policy, fail): audience shrinks more than 30 %");
  });

  it("audience-growth: the ANTS member file grows 3 → 5 rows, over maxContacts 1 (warn: exit 0)", async () => {
    const { code, r, findings } = await judged("rules:\n  audience-growth: { level: warn, maxContacts: 1 }\n", "--live");
    expect(code).toBe(0);
    expect(r.policy.verdict).toBe("warn");
    expect(findings).toContain("warn audience-growth launch");
    expect(r.policy.findings.find((f) => f.segment === "launch")!.message).toBe("audience grows more than 1 contacts: 3 → 5 (+2, +66.7 %)");
  });

  it("audience-empty and new-segment-audience: a new segment that matches nobody, another over its cap", async () => {
    const { code, findings } = await judged("rules:\n  audience-empty: { level: fail }\n  new-segment-audience: { level: warn, maxContacts: 0 }\n", "--live");
    expect(code).toBe(3);
    expect(findings).toEqual(["fail audience-empty nobody", "fail audience-unknown crm", "warn new-segment-audience fresh"]);
  });

  it("audience-unknown: an external segment cannot be counted; without --live no audience rule can be evaluated", async () => {
    const yaml = "rules:\n  audience-drop: { level: fail, maxPercent: 30 }\n  audience-unknown: { level: warn }\n";
    const live = await judged(yaml, "--live");
    expect(live.findings).toEqual(["fail audience-drop openers", "warn audience-unknown crm"]);
    expect(live.r.policy.findings.find((f) => f.rule === "audience-unknown")!.message).toBe("audience-drop could not be evaluated: audience before external segment");
    const offline = await judged(yaml);
    expect(offline.code).toBe(0);
    expect(offline.findings).toEqual(["crm", "gmail", "launch", "openers"].map((n) => `warn audience-unknown ${n}`));
    // Without an audience-unknown rule, a rule that cannot be evaluated fails closed at its own level.
    const strict = await judged("rules:\n  audience-drop: { level: fail, maxPercent: 30 }\n");
    expect(strict.code).toBe(3);
    expect(strict.findings).toEqual(["crm", "gmail", "launch", "openers"].map((n) => `fail audience-unknown ${n}`));
  });

  it("campaigns-affected: deleting or replacing a segment that campaigns use fails; an exception allows one, shown with its reason", async () => {
    const yaml = `rules:
  campaigns-affected: { level: fail }
exceptions:
  - rule: campaigns-affected
    segments: ["crm*"]
    reason: "CRM drip moves to the new segment (ticket MKT-12)"
`;
    const { code, r, findings } = await judged(yaml, "--live");
    expect(code).toBe(3);
    expect(findings).toEqual(["fail allowed campaigns-affected crm", "fail campaigns-affected old-vip"]);
    expect(r.policy.findings.find((f) => f.segment === "crm")).toMatchObject({ allowed: true, reason: "CRM drip moves to the new segment (ticket MKT-12)", message: "replaced while 1 campaign uses it" });
    const comment = (await review("--live", "--policy", policy("campaigns", yaml))).stdout;
    expect(comment).toContain("> ✅ **campaigns-affected** (policy, allowed: CRM drip moves to the new segment (ticket MKT-12)): replaced while 1 campaign uses it");
    expect(comment.split("\n")[1]).toBe("⛔ **Policy: fail: campaigns-affected · policy campaigns.policy.yaml · 1 finding allowed by exceptions**");
    // Without --live, who uses a segment is not known: the rule fires anyway (fail closed) and says why.
    const offline = await judged(yaml);
    expect(offline.r.policy.findings.find((f) => f.segment === "old-vip")!.message).toBe("who uses the segment could not be checked: no --live");
  });
});
