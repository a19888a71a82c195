import { describe, expect, it } from "vitest";
import { ONGAGE_QUIRKS } from "../../emulators/ongage/quirks";
import { ANTS_QUIRKS } from "../../emulators/ants/quirks";
import { doctorReportSchema, observationSchema, type Observation } from "../../provider/doctor/observation";

const valid: Observation = {
  api: "ongage",
  id: "ongage.listing.total",
  assumption: "The listing's total counts every segment.",
  cites: "ongage.md §2, §5",
  observed: "a string (\"4\"), every segment",
  verdict: "fine",
  consequence: "the provider can tell a complete listing from a partial one",
};
const issues = (o: unknown) => {
  const r = observationSchema.safeParse(o);
  return r.success ? [] : r.error.issues.map((i) => i.path.join("."));
};

describe("observationSchema", () => {
  it("accepts a complete row", () => {
    expect(issues(valid)).toEqual([]);
  });

  it("accepts the cites of every variance switch of both emulators (rows are matched to switches by it)", () => {
    const all = [...Object.values(ONGAGE_QUIRKS), ...Object.values(ANTS_QUIRKS)].map((q) => q.cites);
    const api = (c: string) => (c.startsWith("ants") ? "ants" : "ongage");
    expect(all.filter((c) => issues({ ...valid, api: api(c), id: `${api(c)}.x`, cites: c }).length > 0)).toEqual([]);
  });

  it("rejects a row without cites, or citing something that is not a section of docs/api/*.md", () => {
    const { cites: _c, ...withoutCites } = valid;
    expect(issues(withoutCites)).toEqual(["cites"]);
    for (const cites of ["design doc §11", "issue 9 §3", "ongage.md", "ongage.md §", "variance.md §2", "ongage.md §2,§5"]) expect(issues({ ...valid, cites })).toContain("cites");
  });

  it("rejects a row whose id or cites belong to the other API", () => {
    expect(issues({ ...valid, id: "ants.listing.total" })).toEqual(["id"]);
    expect(issues({ ...valid, cites: "ants.md §4.1" })).toEqual(["cites"]);
    expect(issues({ ...valid, api: "ants", id: "ants.x", cites: "ongage-mailings.md §5" })).toEqual(["cites"]);
  });

  it("rejects a verdict outside fine|refuses|report|unknown and empty texts", () => {
    expect(issues({ ...valid, verdict: "ok" })).toEqual(["verdict"]);
    expect(issues({ ...valid, observed: "" })).toEqual(["observed"]);
    expect(issues({ ...valid, assumption: "" })).toEqual(["assumption"]);
  });

  it("rejects a placeholder standing in for a value", () => {
    expect(issues({ ...valid, observed: "total is undefined" })).toEqual(["observed"]);
    expect(issues({ ...valid, consequence: "NaN segments" })).toEqual(["consequence"]);
    expect(issues({ ...valid, observed: "got [object Object]" })).toEqual(["observed"]);
  });
});

describe("doctorReportSchema", () => {
  it("needs schemaVersion 1, the tool, a mode, and valid rows", () => {
    const report = { schemaVersion: 1, tool: { name: "pulumi-segments", version: "0.1.0" }, mode: "read-only", observations: [valid] };
    expect(doctorReportSchema.safeParse(report).success).toBe(true);
    expect(doctorReportSchema.safeParse({ ...report, schemaVersion: 2 }).success).toBe(false);
    expect(doctorReportSchema.safeParse({ ...report, mode: "dry-run" }).success).toBe(false);
    expect(doctorReportSchema.safeParse({ ...report, observations: [{ ...valid, cites: "" }] }).success).toBe(false);
  });
});
