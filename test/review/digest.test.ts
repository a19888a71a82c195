import { describe, expect, it } from "vitest";
import { ReviewInputError } from "../../provider/review/change-set";
import { changeSetFromDigest, parseDigest, parseUrn } from "../../provider/review/digest";
import { buildReport, reportJson } from "../../provider/review/report";
import { SECRET, UNKNOWN } from "../../provider/review/values";

const T = { seg: "pulumi-nodejs:dynamic/ongage:Segment", rec: "pulumi-nodejs:dynamic/ongage:ExternalRecipients", ants: "pulumi-nodejs:dynamic/ants:Segment" };
const urn = (type: string, name: string, parent = "") => `urn:pulumi:prod::segments::${parent ? `${parent}$` : ""}${type}::${name}`;
const rule = (values: string[]) => ({ type: "email", field: "email", operator: "LIKE", values, caseSensitive: false, condition: "and", openParens: 0, closeParens: 0, group: "" });
const seg = (name: string, values: string[], extra: Record<string, unknown> = {}) => ({ listId: 10000, name, description: "", favorite: false, whitelist: false, rules: [rule(values)], ...extra, __provider: "exports.handler = …" });
const state = (type: string, name: string, id: string | undefined, inputs: Record<string, unknown>, outputs?: Record<string, unknown>, parent = "") => ({
  urn: urn(type, name, parent), custom: true, ...(id ? { id } : {}), type, inputs, ...(outputs ? { outputs } : {}), dependencies: [],
});

/** A digest as `pulumi preview --json --show-sames` prints it, every op once. */
function digest() {
  return {
    config: { "ongage:password": SECRET, "ongage:listId": "10000" },
    steps: [
      { op: "create", urn: urn(T.seg, "fresh"), provider: "", newState: { ...state(T.seg, "fresh", undefined, seg("Fresh", ["new"])), dependencies: [urn(T.seg, "vip")] }, detailedDiff: null },
      { op: "update", urn: urn(T.seg, "vip", "my:component:Group"), oldState: state(T.seg, "vip", "50003", seg("VIP", ["a"]), { ...seg("VIP", ["a"]), segmentId: "50003" }, "my:component:Group"), newState: state(T.seg, "vip", "50003", seg("VIP", ["b"]), { ...seg("VIP", ["a"]), segmentId: "50003" }, "my:component:Group"), diffReasons: ["rules"], detailedDiff: null },
      { op: "replace", urn: urn(T.seg, "moved"), oldState: state(T.seg, "moved", "50004", seg("Moved", ["m"]), { ...seg("Moved", ["m"]), segmentId: "50004" }), newState: state(T.seg, "moved", undefined, seg("Moved", ["m"], { listId: 20000 })), diffReasons: ["listId"], replaceReasons: ["listId"], detailedDiff: null },
      { op: "delete", urn: urn(T.seg, "gone"), oldState: state(T.seg, "gone", "50005", seg("Gone", ["g"]), { ...seg("Gone", ["g"]), segmentId: "50005" }), detailedDiff: null },
      { op: "same", urn: urn(T.seg, "base"), oldState: state(T.seg, "base", "50001", seg("Base", ["x"]), { ...seg("Base", ["x"]), segmentId: "50001" }), newState: state(T.seg, "base", "50001", seg("Base", ["x"]), { segmentId: "50001" }), detailedDiff: null },
      { op: "update", urn: urn(T.seg, "refs"), oldState: state(T.seg, "refs", "50006", { name: "Refs", rules: [{ type: "segment", operator: "=", segmentIds: ["50001", "50004"], condition: "and", openParens: 0, closeParens: 0, group: "" }] }, { segmentId: "50006" }), newState: { ...state(T.seg, "refs", "50006", { name: "Refs", rules: [{ type: "segment", operator: "=", segmentIds: ["50001", UNKNOWN] }] }), dependencies: [urn(T.seg, "base"), urn(T.seg, "moved")] }, diffReasons: ["rules"], detailedDiff: null },
      { op: "update", urn: urn(T.seg, "hidden"), oldState: state(T.seg, "hidden", "50007", { name: SECRET, rules: SECRET }, { segmentId: "50007" }), newState: state(T.seg, "hidden", "50007", { name: SECRET, rules: SECRET }), diffReasons: ["rules"], detailedDiff: null },
      { op: "read", urn: urn(T.seg, "looked-up"), newState: state(T.seg, "looked-up", "1", {}), detailedDiff: null },
      { op: "create", urn: urn("aws:s3/bucket:Bucket", "unrelated"), newState: state("aws:s3/bucket:Bucket", "unrelated", undefined, {}), detailedDiff: null },
    ],
    changeSummary: { create: 2, update: 3, replace: 1, delete: 1, same: 1 },
    duration: 2345000000,
  };
}

describe("preview digest parsing", () => {
  it("create, update, replace and delete steps of segment types; same steps only name segments; parents in URNs", () => {
    const set = changeSetFromDigest(parseDigest(JSON.stringify(digest()), "preview.json"), ".");
    expect(set.changes.map((c) => [c.op, c.name, c.kind])).toEqual([
      ["create", "fresh", "ongage.Segment"],
      ["update", "vip", "ongage.Segment"],
      ["replace", "moved", "ongage.Segment"],
      ["delete", "gone", "ongage.Segment"],
      ["update", "refs", "ongage.Segment"],
      ["update", "hidden", "ongage.Segment"],
    ]);
    expect(set.unchanged.map((u) => u.name)).toEqual(["base"]);
    const vip = set.changes[1]!;
    expect(vip.before?.id).toBe("50003");
    expect(vip.before?.inputs.__provider).toBeUndefined();
    expect(set.changes[0]!.dependsOn).toEqual(["vip"]);
    expect(set.changes[2]!.replaceReasons).toEqual(["listId"]);
    expect(parseUrn(urn(T.seg, "a::b", "my:component:Group"))).toEqual({ stack: "prod", project: "segments", type: T.seg, name: "a::b" });
  });

  it("the report: ops, ids, lists, logic before/after, unknowns, secrets and warnings", () => {
    const report = buildReport(changeSetFromDigest(parseDigest(JSON.stringify(digest()), "preview.json"), "."));
    expect(report.summary).toEqual({ create: 1, update: 3, replace: 1, delete: 1 });
    const by = Object.fromEntries(report.segments.map((s) => [s.name, s]));
    expect(by.vip).toMatchObject({ op: "update", id: "50003", displayName: "VIP", list: 10000, before: { logic: 'email contains "a"', audienceUnknown: "no --live" }, after: { logic: 'email contains "b"', audienceUnknown: "no --live" }, warnings: [] });
    expect(by.vip).not.toHaveProperty("audienceChange");
    expect(by.fresh).toMatchObject({ op: "create", idUnknown: "id assigned at apply", after: { logic: 'email contains "new"' } });
    expect(by.fresh).not.toHaveProperty("id");
    expect(by.fresh).not.toHaveProperty("before");
    expect(by.gone).toMatchObject({ op: "delete", id: "50005", usedBy: { unknown: "no --live" } });
    expect(by.gone).not.toHaveProperty("after");
    expect(by.gone!.warnings.map((w) => w.code)).toEqual(["delete"]);
    expect(by.moved!.list).toBe(20000);
    expect(by.moved!.warnings.map((w) => w.code)).toEqual(["replace-new-id", "referenced-by"]);
    expect(by.moved!.warnings[1]!.message).toContain("`refs`");
    expect(by.refs!.after!.logic).toBe('in any of segments "Base" (50001), "Moved" (created in this change)');
    expect(by.refs!.before!.logic).toBe('in any of segments "Base" (50001), "Moved" (50004)');
    expect(by.hidden).toMatchObject({ displayName: "[secret]", before: { logic: "[secret]" }, after: { logic: "[secret]" } });
    expect(JSON.parse(JSON.stringify(reportJson(report)))).toHaveProperty("segments.0.op", "delete");
  });

  it("--show-replacement-steps halves make one replacement", () => {
    const d = { steps: [
      { op: "create-replacement", urn: urn(T.seg, "moved"), oldState: state(T.seg, "moved", "50004", seg("Moved", ["m"]), { segmentId: "50004" }), newState: state(T.seg, "moved", undefined, seg("Moved", ["m"], { listId: 2 })), replaceReasons: ["listId"] },
      { op: "delete-replaced", urn: urn(T.seg, "moved"), oldState: state(T.seg, "moved", "50004", seg("Moved", ["m"]), { segmentId: "50004" }) },
    ] };
    const set = changeSetFromDigest(parseDigest(JSON.stringify(d), "d"), ".");
    expect(set.changes).toHaveLength(1);
    expect(set.changes[0]).toMatchObject({ op: "replace", before: { id: "50004" }, after: { inputs: { listId: 2 } }, replaceReasons: ["listId"] });
  });

  it("no steps (nothing changes, without --show-sames) is an empty change set; preview errors become a note", () => {
    const set = changeSetFromDigest(parseDigest(JSON.stringify({ changeSummary: { same: 4 }, duration: 1 }), "d"), ".");
    expect(set.changes).toEqual([]);
    const failed = changeSetFromDigest(parseDigest(JSON.stringify({ diagnostics: [{ urn: urn(T.seg, "x"), message: "rules[0].operator: bad", severity: "error" }], changeSummary: {} }), "d"), ".");
    expect(failed.notes).toEqual(["pulumi preview reported 1 error: the plan may be incomplete (see the preview's own output)"]);
  });

  it("ExternalRecipients: counts of added and removed recipients, never an address", () => {
    const rec = (emails: string[]) => ({ listId: 10000, segmentId: "50010", recipients: emails.map((email) => ({ email, first_name: "Jane" })), contentHash: emails.join() });
    const d = { steps: [{ op: "update", urn: urn(T.rec, "crm-members"), oldState: state(T.rec, "crm-members", "50010/recipients", rec(["a@x.com", "b@x.com", "c@x.com"]), { recipientCount: 3 }), newState: state(T.rec, "crm-members", "50010/recipients", rec(["b@x.com", "c@x.com", "d@x.com", "e@x.com"])), diffReasons: ["recipients"] }] };
    const report = buildReport(changeSetFromDigest(parseDigest(JSON.stringify(d), "d"), "."));
    const s = report.segments[0]!;
    expect(s.warnings).toEqual([{ code: "recipients-changed", message: "2 added, 1 removed, 2 kept (3 → 4 recipients); Ongage has no call to remove recipients, so the 1 removed stay in the segment until it is recreated" }]);
    expect(JSON.stringify(reportJson(report))).not.toMatch(/@x\.com|Jane/);
  });

  it.each([
    ["", "preview.json is not a preview digest: not JSON: it is empty"],
    ["Previewing update (prod):\n", "preview.json is not a preview digest: not JSON: it does not start with a JSON object (was `pulumi preview` run with --json, without other output on stdout?)"],
    ["[]", "preview.json is not a preview digest: expected the JSON object `pulumi preview --json` prints, got an array"],
    ['{"foo": 1}', "preview.json is not a preview digest: none of steps, changeSummary, diagnostics, duration, config is present (expected the output of `pulumi preview --json`)"],
    ['{"steps": {}}', "preview.json is not a preview digest: steps: Invalid input: expected array, received object"],
    ['{"steps": [{"op": "create"}]}', "preview.json is not a preview digest: steps[0].urn: Invalid input: expected string, received undefined"],
    ['{"steps": [{"op": "create", "urn": "vip"}]}', 'preview.json is not a preview digest: steps[0].urn: not a Pulumi URN: "vip"'],
    ['{"steps": [{"op": "update", "urn": "urn:pulumi:a::b::c::d", "oldState": {"inputs": []}}]}', "preview.json is not a preview digest: steps[0].oldState.inputs: Invalid input: expected record, received array"],
  ])("malformed digest %# is a clear ReviewInputError", (text, message) => {
    expect(() => parseDigest(text, "preview.json")).toThrow(ReviewInputError);
    expect(() => parseDigest(text, "preview.json")).toThrow(message);
  });

  it("a white-list flag change is a warning; the addresses never appear", () => {
    const wl = (whitelist: boolean) => seg("Partners", [], { whitelist, rules: [{ type: "email", field: "email", operator: "=", values: ["p1@partner.com", "p2@partner.com"], caseSensitive: false, condition: "and", openParens: 0, closeParens: 0, group: "" }] });
    const d = { steps: [{ op: "update", urn: urn(T.seg, "partners"), oldState: state(T.seg, "partners", "50020", wl(false), { segmentId: "50020" }), newState: state(T.seg, "partners", "50020", wl(true)), diffReasons: ["whitelist"] }] };
    const report = buildReport(changeSetFromDigest(parseDigest(JSON.stringify(d), "d"), "."));
    const s = report.segments[0]!;
    expect(s.warnings.map((w) => w.code)).toEqual(["whitelist-changed"]);
    expect(s.before!.logic).toBe("email equals 2 addresses");
    expect(s.after!.logic).toBe("white list of 2 addresses");
    expect(s.changes).toEqual([{ property: "white list", before: "no", after: "yes" }]);
    expect(JSON.stringify(reportJson(report))).not.toContain("partner.com");
  });

  it("ANTS steps: audience at segment level, secrets and unknowns shown as such", () => {
    const ants = (every: number, file: unknown) => ({ name: "Launch", audience: "visitor", file, matchRules: [{ column: "id", attribute: "customer_id" }], logic: "or", schedule: { type: "dynamic", repeat: { every, unit: "hours" }, end: { never: true } }, shareAccess: SECRET, alerts: { accountIds: [], onSuccess: [], onFailure: ["email"] } });
    const file = { path: "members.csv", delimiter: "comma", sha256: "ab".repeat(32), headers: ["id"] };
    const d = { steps: [{ op: "update", urn: urn(T.ants, "launch"), oldState: state(T.ants, "launch", "5546595", ants(5, file), { segmentId: "5546595", resolvedRules: [{ column: "id", attribute: "customer_id", headerIndex: 0, operator: "exactly" }] }), newState: state(T.ants, "launch", "5546595", ants(6, { ...file, path: UNKNOWN })), diffReasons: ["file", "schedule"] }] };
    const s = buildReport(changeSetFromDigest(parseDigest(JSON.stringify(d), "d"), ".")).segments[0]!;
    expect(s).toMatchObject({ kind: "ants.Segment", audience: "visitor", id: "5546595", before: { logic: "customer_id exactly column id" }, after: { logic: "customer_id exactly column id" } });
    expect(s).not.toHaveProperty("list");
    expect(s.changes).toEqual([
      { property: "member file", before: "members.csv (rows unknown: file not in this checkout, sha256 abababababab)", after: "known after apply (rows unknown: file not in this checkout, sha256 abababababab)" },
      { property: "schedule", before: "every 5 hours, never ends", after: "every 6 hours, never ends" },
    ]);
  });
});

describe("report formats: golden Markdown and text", () => {
  const d = {
    steps: [
      { op: "update", urn: urn(T.seg, "vip"), oldState: state(T.seg, "vip", "50003", seg("VIP", ["a"]), { segmentId: "50003" }), newState: state(T.seg, "vip", "50003", seg("VIP", ["a", "b"], { description: "new" })), diffReasons: ["description", "rules"] },
      { op: "delete", urn: urn(T.seg, "gone"), oldState: state(T.seg, "gone", "50005", seg("Gone", ["g"]), { segmentId: "50005" }) },
    ],
  };
  const report = () => buildReport(changeSetFromDigest(parseDigest(JSON.stringify(d), "d"), "."));

  it("markdown", async () => {
    const { formatMarkdown } = await import("../../provider/review/markdown");
    expect(formatMarkdown(report())).toBe(`<!-- pulumi-segments review -->
✅ **Policy: pass · no policy file (segments.policy.yaml)**

## Segment review: 1 to update, 1 to delete

| Op | Definition | Segment | Audience | Used by | Findings |
|---|---|---|---|---|---|
| 🔴 delete | [\`gone\`](#segment-1) | Gone | not counted (no --live) → deleted | not checked (no --live) | delete |
| 🟡 update | [\`vip\`](#segment-2) | VIP | not counted (no --live) | — | none |

<details open><summary><a id="segment-1"></a>🔴 delete <code>gone</code> · Gone</summary>

ongage.Segment · list 10000 · id 50005

> ⚠️ **delete**: segment 50005 is deleted; Ongage unschedules every scheduled campaign that uses it (run with --live to list them)

**Logic**

\`\`\`diff
- email contains "g"
\`\`\`

**Audience**: not counted (no --live) → deleted

| Property | Value |
|---|---|
| name | "Gone" |
| list | 10000 |
| description | "" |
| favorite | no |
| white list | no |

</details>

<details><summary><a id="segment-2"></a>🟡 update <code>vip</code> · VIP</summary>

ongage.Segment · list 10000 · id 50003

**Logic**

\`\`\`diff
- email contains "a"
+ email contains "a" or "b"
\`\`\`

**Audience**: not counted (no --live)

| Property | Before | After |
|---|---|---|
| description | "" | "new" |

</details>
`);
  });

  it("text", async () => {
    const { formatText } = await import("../../provider/review/formats");
    expect(formatText(report())).toBe(`Segment review: 1 to update, 1 to delete
policy: pass · no policy file (segments.policy.yaml)

- delete gone "Gone" (ongage.Segment · list 10000 · id 50005)
    ! delete: segment 50005 is deleted; Ongage unschedules every scheduled campaign that uses it (run with --live to list them)
    logic:
      - email contains "g"
    audience: not counted (no --live) → deleted
    name: "Gone"
    list: 10000
    description: ""
    favorite: no
    white list: no

~ update vip "VIP" (ongage.Segment · list 10000 · id 50003)
    logic:
      - email contains "a"
      + email contains "a" or "b"
    audience: not counted (no --live)
    description: "" → "new"
`);
  });
});
