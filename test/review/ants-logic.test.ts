import { describe, expect, it } from "vitest";
import { alertsText, antsLogic, dataRows, fileText, matchText, scheduleText, sharingText } from "../../provider/review/ants-logic";
import { SECRET, UNKNOWN } from "../../provider/review/values";

describe("ANTS in words", () => {
  it("the match: attribute, operator and column, joined by the logic", () => {
    const inputs = { matchRules: [{ column: "id", attribute: "customer_id", operator: "equals" }, { column: "from_user", attribute: "phone", operator: "exactly" }], logic: "or" };
    expect(antsLogic(inputs).expression).toBe("customer_id = column id OR phone exactly column from_user");
    expect(matchText({ ...inputs, logic: "and", matchRules: [{ column: "id", attribute: "age", operator: "not_equals" }, { column: "e", attribute: "email" }] })).toBe("age != column id AND email matches column e");
  });

  it("an operator left to the attribute's datatype is the one the provider resolved", () => {
    const resolved = [{ column: "e", attribute: "email", headerIndex: 0, operator: "exactly" }];
    expect(matchText({ logic: "or", matchRules: [{ column: "e", attribute: "email" }] }, resolved)).toBe("email exactly column e");
  });

  it.each([
    [{ type: "static" }, "static: computed once, when the segment is created"],
    [{ type: "dynamic", repeat: { every: 5, unit: "hours" }, start: { day: "2026-12-01", hour: "09:00" }, end: { never: true } }, "every 5 hours from 2026-12-01 09:00, never ends"],
    [{ type: "dynamic", repeat: { every: 1, unit: "days" }, end: { afterRuns: 30 } }, "every day, 30 runs then stops"],
    [{ type: "dynamic", repeat: { every: 2, unit: "weeks", on: [1, 3] }, end: { onDay: { day: "2027-01-31", hour: "23:00" } } }, "every 2 weeks on 1, 3, until 2027-01-31 23:00"],
    [{ type: "dynamic", repeat: { every: 1, unit: "months" }, end: { afterRuns: 1 } }, "every month, 1 run then stops"],
    [UNKNOWN, "known after apply"],
  ])("schedule %#", (schedule, text) => {
    expect(scheduleText(schedule)).toBe(text);
  });

  it("sharing and alerts", () => {
    expect(sharingText({ description: "", isPublic: false, users: [] })).toBe("not public; no users");
    expect(sharingText({ description: "ops", isPublic: true, publicRole: "editor", users: [{ userId: "42", role: "viewer", allowEdit: false, allowView: true, allowComment: false }] })).toBe('public (everyone: editor); user 42 viewer (view); note "ops"');
    expect(alertsText({ accountIds: [], onSuccess: [], onFailure: [] })).toBe("none");
    expect(alertsText({ accountIds: ["1600080515"], onSuccess: [], onFailure: ["app_push", "email"] })).toBe("on failure by app_push and email to users 1600080515");
    expect(alertsText(SECRET)).toBe("[secret]");
  });

  it("the member file: path, data rows and a short sha256; rows only when the bytes are at hand", () => {
    const file = { path: "segments/members.csv", delimiter: "comma", sha256: "1a2b3c4d5e6f7a8b9c0d", headers: ["id"] };
    expect(fileText(file, () => 3)).toBe("segments/members.csv (3 data rows, sha256 1a2b3c4d5e6f)");
    expect(fileText(file, () => undefined)).toBe("segments/members.csv (rows unknown: file not in this checkout, sha256 1a2b3c4d5e6f)");
    expect(fileText({ path: UNKNOWN }, () => undefined)).toBe("known after apply (rows unknown: file not in this checkout)");
  });

  it("data rows: records after the header, blank lines and quoted newlines handled", () => {
    expect(dataRows("id,email\n1,a\n\n2,\"b\nc\"\n3,d\n", "comma")).toBe(3);
    expect(dataRows("\uFEFFid\tname\n1\tx\n", "tab")).toBe(1);
    expect(dataRows("id\n", "comma")).toBe(0);
  });
});
