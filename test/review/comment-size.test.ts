import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { changeSetFromDigest, parseDigest } from "../../provider/review/digest";
import { COMMENT_LIMIT, formatMarkdown } from "../../provider/review/markdown";
import { parsePolicy } from "../../provider/review/policy-file";
import { buildReport } from "../../provider/review/report";
import { runCli } from "../cli/run-cli";
import { digestFile, nameOf, structureOf, syntheticDigest } from "./synthetic";

// The comment fits GitHub's 65,536 characters for any change, by construction, and stays valid GFM.

const POLICY = parsePolicy(`rules:
  delete: { level: warn }
  replace: { level: fail }
exceptions:
  - { rule: replace, segments: ["segment-0000*"], reason: "list migration, approved" }
`, "policy");
const report = (n: number) => buildReport(changeSetFromDigest(parseDigest(JSON.stringify(syntheticDigest(n)), "d"), "."), new Map(), { policy: { file: "segments.policy.yaml", policy: POLICY } });

describe("the Markdown comment always fits and renders", () => {
  const sizes: Record<number, number> = {};
  it.each([1, 10, 100, 300, 1000, 5000])("%i changed segments: ≤ 65,536 characters, one summary table, balanced <details>, closed fences", (n) => {
    const r = report(n);
    const md = formatMarkdown(r);
    sizes[n] = md.length;
    expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    const s = structureOf(md);
    expect(s.detailsBalanced).toBe(true);
    expect(s.fencesClosed).toBe(true);
    if (n <= 1000) {
      expect(s.summaryTables).toBe(1);
      // Up to 300 changes (and further while the names fit), every changed segment is named.
      for (let i = 0; i < n; i++) expect(md).toContain(`\`${nameOf(i)}\``);
    }
    if (n <= 300) expect(s.summaryRows).toBe(n);
    if (md.length < formatMarkdown(r, { limit: Infinity }).length) {
      expect(md).toMatch(/_Left out to stay within GitHub's 65,536-character limit: .+\. The whole review: .+\._\n$/);
    } else expect(md).not.toContain("Left out");
    // The verdict is the first line after the marker, whatever was left out.
    const verdict = md.split("\n")[1]!;
    if (n === 1) expect(verdict).toBe("⚠️ **Policy: warn: delete · policy segments.policy.yaml**");
    // The only replacement among 10 (segment-00001) is allowed by the exception: a warning remains.
    else if (n === 10) expect(verdict).toBe("⚠️ **Policy: warn: delete · policy segments.policy.yaml · 1 finding allowed by exceptions**");
    else expect(verdict).toMatch(/^⛔ \*\*Policy: fail: replace( \(\d[\d,]*\))?, delete( \(\d[\d,]*\))? · policy segments\.policy\.yaml · 1 finding allowed by exceptions\*\*$/);
  });

  it("degrades in steps: details of segments without findings go first, then the rest, then rows merge, then counts", () => {
    const at = (n: number) => formatMarkdown(report(n));
    expect(at(10)).not.toContain("Left out");
    const hundred = at(100);
    expect(structureOf(hundred).detailsOpened).toBe(100);
    const three = at(300);
    // The segments with findings (deletes, replacements) keep their details; quiet updates lose theirs.
    expect(three).toContain('<details open><summary><a id="segment-1"></a>🔴 delete <code>segment-00000</code>');
    expect(three).not.toMatch(/<details><summary>/);
    expect(at(1000)).toMatch(/\| 🟡 update \| \*\*\d+ ongage\.Segments\*\*: `segment-\d+`/);
    const five = at(5000);
    expect(five).toMatch(/\| 🟡 update \| \*\*\d[\d,]* ongage\.Segments\*\* \| description changed \|/);
    expect(five).toContain("the segments' names");
  });

  it("--full-report writes the whole review, and the comment says where it is", async () => {
    const file = digestFile(syntheticDigest(400));
    const full = `${file}.full.md`;
    const started = performance.now();
    const r = await runCli("review", file, "--full-report", full);
    expect(r.code).toBe(0);
    const { readFileSync } = await import("node:fs");
    const whole = readFileSync(full, "utf8");
    expect(whole.length).toBeGreaterThan(COMMENT_LIMIT);
    expect(structureOf(whole).summaryRows).toBe(400);
    expect(r.stdout.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(r.stdout).toContain("The whole review: `preview.json.full.md`, written by `--full-report`._");
    expect(performance.now() - started).toBeLessThan(60_000);
  });

  it("the offline review of 5,000 changes through the CLI: time and sizes (figures for the README)", async () => {
    const file = digestFile(syntheticDigest(5000));
    const started = performance.now();
    const r = await runCli("review", file, "--format", "markdown");
    const ms = performance.now() - started;
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    const figures = { reviewOf5000ChangesMs: Math.round(ms), commentChars: Object.fromEntries([1, 10, 100, 1000, 5000].map((n) => [n, formatMarkdown(report(n)).length])) };
    if (process.env.REVIEW_FIGURES) writeFileSync(process.env.REVIEW_FIGURES, JSON.stringify(figures, null, 2));
    // Generous under a shared machine's load; the README reports the measured figure.
    expect(ms).toBeLessThan(60_000);
  });
});
