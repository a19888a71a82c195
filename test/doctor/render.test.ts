import { describe, expect, it } from "vitest";
import type { DoctorReport, Observation } from "../../provider/doctor/observation";
import { renderJson, renderText, tally, wrap } from "../../provider/doctor/render";

const row = (over: Partial<Observation> = {}): Observation => ({
  api: "ongage",
  id: "ongage.listing.total",
  assumption: "The listing's total counts every segment.",
  cites: "ongage.md §2, §5",
  observed: "metadata.total of a page of limit=1 is a string (\"1\"), but list 4242 has 4 segments",
  verdict: "fine",
  consequence: "the provider can tell a complete listing from a partial one",
  ...over,
});
const report = (observations: Observation[]): DoctorReport => ({ schemaVersion: 1, tool: { name: "pulumi-segments", version: "1.2.3" }, mode: "read-only", observations });

describe("wrap", () => {
  it("breaks at word boundaries within the width, and cuts a word longer than the width", () => {
    expect(wrap("aa bb cc dd", 5)).toEqual(["aa bb", "cc dd"]);
    expect(wrap("x https://api.ongage.net/10000/api/segments y", 10)).toEqual(["x", "https://ap", "i.ongage.n", "et/10000/a", "pi/segment", "s y"]);
    expect(wrap("", 10)).toEqual([""]);
  });
});

describe("renderText", () => {
  const long = "word ".repeat(60).trim();
  it("no line is longer than the width; every row shows verdict, id, cites, observed and consequence", () => {
    const text = renderText(report([row(), row({ id: "ongage.segment.keys", cites: "ongage.md §4.1", verdict: "report", observed: long })]), 100);
    expect(text.split("\n").filter((l) => l.length > 100)).toEqual([]);
    expect(text).toMatch(/^fine\s+ongage\.listing\.total\s+metadata\.total/m);
    expect(text).toMatch(/^\s+ongage\.md §2, §5\s/m);
    expect(text).toMatch(/^report\s+ongage\.segment\.keys/m);
    expect(text).toContain("→ the provider can tell a complete listing");
  });

  it("a row that is not fine also shows its assumption; a fine one does not", () => {
    const text = renderText(report([row({ id: "ongage.a", assumption: "Assumption A." }), row({ id: "ongage.b", verdict: "refuses", assumption: "Assumption B." })]));
    expect(text).not.toContain("Assumption A.");
    expect(text).toContain("assumed: Assumption B.");
  });

  it("the header counts verdicts worst first; the closing line says what to do", () => {
    const mixed = renderText(report([row(), row({ verdict: "unknown" }), row({ verdict: "refuses" })]));
    expect(mixed.split("\n")[0]).toBe("pulumi-segments doctor 1.2.3 · ongage · read-only · 3 rows: 1 refuses, 1 unknown, 1 fine");
    expect(mixed).toContain("2 row(s) not fine. To report them, attach the output of the same command with `--format json`");
    expect(renderText(report([row()]))).toContain("Every row is fine");
    expect(renderText(report([]))).toContain("No row was observed: nothing is established.");
  });

  it("a narrow terminal still gives a readable table (laid out at 60 columns at least)", () => {
    const text = renderText(report([row({ observed: long })]), 20);
    expect(text.split("\n").filter((l) => l.length > 60)).toEqual([]);
    expect(text.split("\n").filter((l) => l.includes("word")).length).toBeGreaterThan(5);
  });
});

describe("renderJson", () => {
  it("prints the report as validated JSON", () => {
    const out = renderJson(report([row()]));
    expect(JSON.parse(out)).toEqual(report([row()]));
  });

  it("refuses to print a report with an invalid row rather than print it", () => {
    expect(() => renderJson(report([row({ cites: "design doc §11" })]))).toThrow();
  });
});

describe("tally", () => {
  it("counts only verdicts present", () => {
    expect(tally([row(), row()])).toBe("2 fine");
    expect(tally([])).toBe("no rows");
  });
});
