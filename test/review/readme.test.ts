import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
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

  // `npm run demo` writes .pulumi-demo/review.md (not committed): once it has run, the README's block must be that file.
  it.skipIf(!existsSync(join(__dirname, "..", "..", ".pulumi-demo", "review.md")))("its Markdown example is exactly what `npm run demo` wrote last", () => {
    const example = section.slice(section.indexOf("````markdown\n") + "````markdown\n".length, section.indexOf("\n````\n"));
    expect(`${example}\n`).toBe(readFileSync(join(__dirname, "..", "..", ".pulumi-demo", "review.md"), "utf8"));
  });

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
