import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MARKDOWN_MARKER, REVIEW_FORMATS } from "../../provider/review/formats";
import { WARNING_CODES } from "../../provider/review/report";

// The README is a contract: what it documents about the review must be what the code does.
const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
const section = readme.slice(readme.indexOf("### `review <preview.json"), readme.indexOf("### `emulator"));
const workflow = readFileSync(join(__dirname, "..", "..", "examples", "github-actions", "segments.yml"), "utf8");

describe("README: the review section", () => {
  it("documents every warning code and format, and the JSON keys the report has", () => {
    for (const code of WARNING_CODES) expect(section).toContain(`\`${code}\``);
    for (const format of REVIEW_FORMATS) expect(section).toMatch(new RegExp(`\`(--format )?${format}\``));
    for (const key of ["summary", "segments[].op", "name", "kind", "id", "displayName", "list", "audience", "before", "after", "audienceChange", "changes", "warnings", "renamedFrom", "notes"]) expect(section).toContain(`\`${key}\``);
  });

  it("its Markdown example is a generated review: marker first, the report's own headings and tables", () => {
    const example = section.slice(section.indexOf("````markdown\n") + "````markdown\n".length, section.indexOf("\n````\n"));
    expect(example.startsWith(`${MARKDOWN_MARKER}\n## Segment review: `)).toBe(true);
    expect(example).toMatch(/### 🟠 replace `crm-export` · CRM export/);
    expect(example).toContain("> | Campaign | Name | Status | Segment used as |");
    expect(example).toMatch(/\*\*Audience\*\*: [\d,]+ → [\d,]+ active contacts \(−[\d,]+, −\d+\.\d %\)/);
    expect(example).not.toMatch(/@example\.com/);
  });

  it("the CI example finds its comment by the marker the Markdown starts with", () => {
    expect(workflow).toContain(`marker="${MARKDOWN_MARKER}"`);
  });
});
