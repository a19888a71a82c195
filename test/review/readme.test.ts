import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { DRIFT_MARKER, MARKDOWN_MARKER, REVIEW_FORMATS } from "../../provider/review/formats";
import { POLICY_RULES, WARNING_CODES } from "../../provider/review/report-schema";

// The README is a contract: what it documents about the review must be what the code does.
const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
const section = readme.slice(readme.indexOf("### `review <preview.json"), readme.indexOf("### `emulator"));
const workflow = readFileSync(join(__dirname, "..", "..", "examples", "github-actions", "segments.yml"), "utf8");

describe("README: the review section", () => {
  it("documents every warning code and format, and the JSON keys the report has", () => {
    for (const code of WARNING_CODES) expect(section).toContain(`\`${code}\``);
    for (const format of REVIEW_FORMATS) expect(section).toMatch(new RegExp(`\`(--format )?${format}\``));
    for (const key of ["schemaVersion", "mode", "summary", "segments[].op", "name", "kind", "id", "idUnknown", "displayName", "list", "audience", "before", "after", "audienceChange", "changes", "warnings", "usedBy", "renamedFrom", "notes", "policy"]) expect(section).toContain(`\`${key}\``);
    // Every policy rule is documented, in the table and in the commented default policy.
    for (const rule of POLICY_RULES) expect(section).toMatch(new RegExp(`\\| \`${rule}\`|\\n  ${rule}: `));
    for (const flag of ["--policy FILE", "--full-report FILE", "--drift"]) expect(section).toContain(flag);
  });

  it("its Markdown example is a generated review: marker first, the report's own headings and tables", () => {
    const example = section.slice(section.indexOf("````markdown\n") + "````markdown\n".length, section.indexOf("\n````\n"));
    expect(example.startsWith(`${MARKDOWN_MARKER}\n✅ **Policy: pass`)).toBe(true);
    expect(example).toContain("| Op | Definition | Segment | Audience | Used by | Findings |");
    expect(example).toMatch(/<details open><summary><a id="segment-1"><\/a>🟠 replace <code>crm-export<\/code> · CRM export<\/summary>/);
    expect(example).toContain("> | Campaign | Name | Status | Segment used as |");
    expect(example).toMatch(/\*\*Audience\*\*: [\d,]+ → [\d,]+ active contacts \(−[\d,]+, −\d+\.\d %\)/);
    expect(example).toContain("not counted (external segment)");
    expect(example).not.toMatch(/^Before: |^After: /m);
    expect(example).not.toMatch(/@example\.com/);
  });

  // `npm run demo` writes review.md; here it runs in a temporary folder on free ports (its Ongage
  // emulator's clock is pinned, so the audiences are the same every day): the README's block must be that file.
  it("its Markdown example is exactly what `npm run demo` writes, and the demo narrates its steps", async () => {
    const dir = mkdtempSync(join(tmpdir(), "demo-"));
    try {
      const run = await promisify(execFile)(process.execPath, [join(__dirname, "..", "..", "scripts", "demo.mjs")], {
        env: { ...process.env, PULUMI_SEGMENTS_DEMO_DIR: dir, PULUMI_SEGMENTS_DEMO_PORTS: "0,0" },
        encoding: "utf8",
        maxBuffer: 16 * 1024 * 1024,
      });
      const example = section.slice(section.indexOf("````markdown\n") + "````markdown\n".length, section.indexOf("\n````\n"));
      expect(`${example}\n`).toBe(readFileSync(join(dir, "review.md"), "utf8"));
      expect(run.stdout).toMatch(/^up: created 6 resources in [\d.]+ s \(4 Ongage segments, 1 ANTS segment, 1 Ongage ExternalRecipients\)$/m);
      expect(run.stdout).toMatch(/^ {2}launch-customers: serverStatus \(.*\) changed, computed by ANTS after the create; .*not drift$/m);
      expect(run.stdout).toContain("preview: no changes — the definitions match the accounts");
      expect(run.stdout).toMatch(/^review: policy pass \(no policy file\) — the planned edit has 3 to update, 2 to replace; /m);
      expect(run.stdout).not.toContain("outputs: {}");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it("the CI example finds its comment by the marker the Markdown starts with, posts it as is, and keeps one drift issue", () => {
    expect(workflow).toContain(`marker="${MARKDOWN_MARKER}"`);
    expect(workflow).not.toContain("head -c");
    expect(workflow).toContain("--full-report review-full.md > review.md");
    expect(workflow).toContain("-F body=@review.md");
    expect(workflow).toContain(`marker="${DRIFT_MARKER}"`);
    expect(workflow).toContain("review --drift refresh.json");
    expect(workflow).toMatch(/grep -q '\^No segment drift' drift\.md/);
    expect(workflow).toContain("-f state=closed");
  });
});
