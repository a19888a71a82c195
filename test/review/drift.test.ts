import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { DRIFT_MARKER, NO_DRIFT } from "../../provider/review/formats";
import type { Report } from "../../provider/review/report";
import { runCli } from "../cli/run-cli";
import { REPO, definitionsProject } from "./helpers";
import { PLACEHOLDER } from "./synthetic";

// The nightly job: a project applied to the emulator, then edited out of band (as someone would in the
// Ongage UI), refreshed and previewed into the digest `pulumi preview --refresh --json` prints; the
// review describes every difference as drift, in words.

const LIST = 10000;
const VIP = `kind: ongage.Segment
name: vip
spec:
  name: VIP customers
  description: Bought twice
  rules:
    - { type: numeric, field: product_id, operator: ">", values: [500] }
`;
const OPENERS = `kind: ongage.Segment
name: openers
spec:
  name: Recent openers
  rules:
    - { type: behavioral, event: opened, operator: "=", operand: { timeRange: { operator: between, inLast: 30, inLastUnit: day, to: 0, toUnit: day } } }
`;
const STEADY = `kind: ongage.Segment
name: steady
spec:
  name: Steady
  rules:
    - { type: email, field: email, operator: LIKE, values: [gmail] }
`;

let ongage: OngageEmulator;
let projectDir: string;
const digestPath = () => join(projectDir, "refresh.json");

async function phase(name: "up" | "refresh"): Promise<{ errors: string[]; ops: string[] }> {
  const config = { "ongage:baseUrl": ongage.url, "ongage:username": "emulator", "ongage:password": "emulator-password", "ongage:accountCode": "EMULATOR", "ongage:listId": String(LIST) };
  const run = promisify(execFile)(process.execPath, ["--import", "tsx", join(__dirname, "fixtures", "drift-edit.mjs")], { cwd: REPO, timeout: 120_000 });
  run.child.stdin!.end(JSON.stringify({ phase: name, projectDir, project: "drift-test", config, statePath: join(projectDir, "state.json"), digestPath: digestPath() }));
  return JSON.parse((await run).stdout) as { errors: string[]; ops: string[] };
}

const segmentNamed = (name: string) => ongage.store.liveSegments(LIST).find((s) => s.name === name)!;

beforeAll(async () => {
  ongage = await startOngageEmulator();
  projectDir = definitionsProject({ "segments/vip.yaml": VIP, "segments/openers.yaml": OPENERS, "segments/steady.yaml": STEADY });
  expect((await phase("up")).errors).toEqual([]);
}, 180_000);

afterAll(async () => {
  await ongage?.close();
});

describe("review --drift: a refreshed preview described as drift", () => {
  it("no drift: one line", async () => {
    expect(await phase("refresh")).toEqual({ errors: [], ops: [] });
    const md = await runCli("review", "--drift", digestPath());
    expect(md).toEqual({ code: 0, stdout: `${DRIFT_MARKER}\n${NO_DRIFT}\n`, stderr: "" });
    expect((await runCli("review", "--drift", digestPath(), "--format", "text")).stdout).toBe(`${NO_DRIFT}\n`);
  });

  it("a segment renamed and re-described in the UI, another deleted there: each described in words", async () => {
    const vip = segmentNamed("VIP customers");
    ongage.store.updateSegment(LIST, Number(vip.id), { name: "VIP (edited in the UI)", type: "Active", description: "Changed by marketing" });
    const openers = segmentNamed("Recent openers");
    ongage.store.deleteSegment(LIST, Number(openers.id));
    const plan = await phase("refresh");
    expect(plan).toEqual({ errors: [], ops: ["create openers", "update vip"] });

    const md = await runCli("review", "--drift", digestPath());
    expect(md.code).toBe(0);
    const lines = md.stdout.split("\n");
    expect(lines[0]).toBe(DRIFT_MARKER);
    expect(md.stdout).toContain("## Segment drift: 2 segments changed outside git");
    expect(md.stdout).toContain("`pulumi up` would restore what the files say.");
    expect(md.stdout).not.toContain("Policy:");
    expect(md.stdout).toContain("| 🟡 changed outside git | [`vip`](#segment-1) | VIP customers |");
    expect(md.stdout).toContain("| 🟢 missing (deleted outside git) | [`openers`](#segment-2) | Recent openers |");
    expect(md.stdout).toContain("ongage.Segment · list 10000 · not in Ongage any more: `pulumi up` creates it again, with a new id");
    expect(md.stdout).toContain("| Property | Live now | Files say |");
    expect(md.stdout).toContain('| name | "VIP (edited in the UI)" | "VIP customers" |');
    expect(md.stdout).toContain('| description | "Changed by marketing" | "Bought twice" |');
    expect(md.stdout).not.toContain("steady");

    const text = (await runCli("review", "--drift", digestPath(), "--format", "text")).stdout;
    expect(text).toContain("Segment drift: 2 segments changed outside git\n");
    expect(text).toContain(`~ changed outside git vip "VIP customers" (ongage.Segment · list 10000 · id ${vip.id})`);
    expect(text).toContain('    name: "VIP (edited in the UI)" → "VIP customers"');
    expect(text).toContain("+ missing (deleted outside git) openers");

    const json = JSON.parse((await runCli("review", "--drift", digestPath(), "--format", "json")).stdout) as Report;
    expect(json.mode).toBe("drift");
    for (const format of ["markdown", "text", "json"]) expect((await runCli("review", "--drift", digestPath(), "--format", format)).stdout).not.toMatch(PLACEHOLDER);
    expect(json.segments.map((s) => `${s.op} ${s.name}`)).toEqual(["update vip", "create openers"]);
    expect(json.segments[1]!.idUnknown).toBe("not in Ongage any more: `pulumi up` creates it again, with a new id");
  });

  it("--drift takes the digest itself and cannot be combined with --base", async () => {
    expect((await runCli("review", "--drift", digestPath(), "extra")).code).toBe(2);
    expect((await runCli("review", "--drift", digestPath(), "--base", "main")).stderr).toContain("--drift and --base cannot be combined");
  });
});
