import { describe, expect, it } from "vitest";
import { ApiError, ServerError, ValidationError } from "../../provider/http/errors";
import { ValidSegmentInputs, type SegmentInputs } from "../../provider/ongage/inputs";
import { canonicalFromInputs, toRequestBody } from "../../provider/ongage/normalize";
import { describeRejection, recordRuleSources, rulePathAt, ruleSourcesOf, userPathOfCriteria, withUserPaths, type RuleSources } from "../../provider/ongage/rule-paths";
import type { CanonicalSegment } from "../../provider/ongage/canonical";
import { segmentProvider } from "../../provider/ongage/provider";

/** What check does (provider.ts `check`): the canonical form, with each rule's source path recorded. */
function check(inputs: SegmentInputs): CanonicalSegment {
  const parsed = ValidSegmentInputs.parse(inputs);
  const c = canonicalFromInputs(parsed, 10000);
  recordRuleSources(c, parsed);
  return c;
}
/** What create and update see: the canonical form only (the engine's round trip reorders members). */
const sourcesAtApply = (c: CanonicalSegment): RuleSources => ruleSourcesOf(JSON.parse(JSON.stringify({ rules: c.rules, name: c.name, listId: 1 })) as CanonicalSegment);

const text = (field: string) => ({ type: "string" as const, field, operator: "=" as const, values: ["x"] });

// all[0], any[0], any[1] (nested all inside any: [1][1]), all[2]
const nestedSegment = check({
  name: "nested",
  match: {
    all: [
      text("first_name"),
      { any: [text("last_name"), { all: [{ type: "numeric", fieldId: 7, operator: ">", values: [1] }, { type: "segment", operator: "=", segmentIds: ["9", "3"] }] }] },
      { type: "behavioral", event: "opened", operator: "=", operand: { countries: ["US", "AF"], timeRange: { operator: "between", inLast: 3, inLastUnit: "day", to: 0, toUnit: "day" } } },
    ],
  },
});
const nested = sourcesAtApply(nestedSegment);

describe("criteria index → the path the user wrote", () => {
  it("follows the compiled flat order through nested groups", () => {
    expect(nested.paths).toEqual(["match.all[0]", "match.all[1].any[0]", "match.all[1].any[1].all[0]", "match.all[1].any[1].all[1]", "match.all[2]"]);
    // The criteria the API receives are in exactly this order.
    const body = toRequestBody(nestedSegment, () => 1, true) as { criteria: Array<{ type: string; position: number }> };
    expect(body.criteria.map((c) => [c.position, c.type])).toEqual([[0, "string"], [1, "string"], [2, "numeric"], [3, "segment"], [4, "behavioral"]]);
    expect(userPathOfCriteria(nested, "criteria[0].operator")).toBe("match.all[0].operator");
    expect(userPathOfCriteria(nested, "criteria[1].field_id")).toBe("match.all[1].any[0].field");
    expect(userPathOfCriteria(nested, "criteria[2].field_id")).toBe("match.all[1].any[1].all[0].fieldId");
    expect(userPathOfCriteria(nested, "criteria[2].operand[0]")).toBe("match.all[1].any[1].all[0].values[0]");
    expect(userPathOfCriteria(nested, "criteria[4].field_name")).toBe("match.all[2].event");
    expect(userPathOfCriteria(nested, "criteria[4].operand.time_range.in_last_unit")).toBe("match.all[2].operand.timeRange.inLastUnit");
  });

  it("names no position inside lists the canonical form sorts", () => {
    // segmentIds and countries are sorted at check: the user's index of criteria[…][0] is not known.
    expect(userPathOfCriteria(nested, "criteria[3].operand[0]")).toBe("match.all[1].any[1].all[1].segmentIds");
    expect(userPathOfCriteria(nested, "criteria[4].operand.countries[1]")).toBe("match.all[2].operand.countries");
  });

  it("names the rule itself for what the groups decide (parentheses, condition, group label) and for unknown keys", () => {
    expect(userPathOfCriteria(nested, "criteria[2].left_parenthesis")).toBe("match.all[1].any[1].all[0]");
    expect(userPathOfCriteria(nested, "criteria[1].condition")).toBe("match.all[1].any[0]");
    expect(userPathOfCriteria(nested, "criteria[1]")).toBe("match.all[1].any[0]");
    expect(userPathOfCriteria(nested, "criteria[1].is_external_operand")).toBe("match.all[1].any[0]");
  });

  it("flat rules keep their own index and name the joining properties", () => {
    const flat = sourcesAtApply(check({ name: "flat", rules: [text("a"), { ...text("b"), condition: "or", openParens: 1, closeParens: 1 }] }));
    expect(flat.paths).toEqual(["rules[0]", "rules[1]"]);
    expect(userPathOfCriteria(flat, "criteria[1].operand[0]")).toBe("rules[1].values[0]");
    expect(userPathOfCriteria(flat, "criteria[1].left_parenthesis")).toBe("rules[1].openParens");
    expect(userPathOfCriteria(flat, "criteria[1].condition")).toBe("rules[1].condition");
    expect(userPathOfCriteria(flat, "criteria[0].field_id")).toBe("rules[0].field");
  });

  it("never invents a path: out of range, not a criteria path, or paths that do not fit the rules", () => {
    expect(userPathOfCriteria(nested, "criteria[5].operator")).toBeUndefined();
    expect(userPathOfCriteria(nested, "name")).toBeUndefined();
    expect(rulePathAt(nested, -1)).toBeUndefined();
    expect(rulePathAt(nested, 5)).toBeUndefined();
    const untouched = "Invalid data: criteria[9].operand: is required";
    expect(describeRejection(nested, untouched)).toBeUndefined();
    expect(describeRejection(nested, "Invalid data: criteria: must be a list")).toBeUndefined();
  });

  it("names no path where check did not record one, or where two layouts compiled to the same definition", () => {
    const unseen = ruleSourcesOf({ name: "never checked", rules: nestedSegment.rules } as CanonicalSegment);
    expect(unseen.paths).toBeUndefined();
    expect(userPathOfCriteria(unseen, "criteria[0].operator")).toBeUndefined();
    // The same compiled rules written once as a `match` tree and once as flat `rules`: which one is meant is unknown.
    const viaMatch = check({ name: "twin", match: { all: [text("a"), text("b")] } });
    const viaRules = check({ name: "twin", rules: [text("a"), { ...text("b"), condition: "and" }] });
    expect(viaRules.rules).toEqual(viaMatch.rules);
    expect(sourcesAtApply(viaMatch).paths).toBeUndefined();
    expect(describeRejection(sourcesAtApply(viaMatch), "Invalid data: criteria[1].operator: bad")).toBeUndefined();
  });

  it("keeps the API's text and puts the user's path in front", () => {
    expect(describeRejection(nested, "Invalid data: criteria[1].operand[0]: must not be empty")).toBe(
      "Ongage rejected match.all[1].any[0].values[0] (criteria[1].operand[0]): Invalid data: criteria[1].operand[0]: must not be empty",
    );
  });
});

describe("withUserPaths on API errors", () => {
  const init = { api: "ongage" as const, method: "POST", path: "/10000/api/segments", status: 412, apiCode: 412, requestId: "req-7" };

  it("keeps the class, status, method, path and request id, and the original as cause", () => {
    const original = new ValidationError({ ...init, detail: "Invalid data: criteria[2].field_id: 7 is not a field of list 10000" });
    const mapped = withUserPaths(original, nested) as ApiError;
    expect(mapped).toBeInstanceOf(ValidationError);
    expect(mapped).toMatchObject({ status: 412, method: "POST", path: "/10000/api/segments", requestId: "req-7", apiCode: 412 });
    expect(mapped.message).toBe(
      "ongage POST /10000/api/segments → 412 Ongage rejected match.all[1].any[1].all[0].fieldId (criteria[2].field_id): Invalid data: criteria[2].field_id: 7 is not a field of list 10000 [request id req-7]",
    );
    expect(mapped.cause).toBe(original);
  });

  it("returns errors that name no criteria path of the segment as they are", () => {
    const out = new ValidationError({ ...init, detail: "Invalid data: criteria[40].operator: bad" });
    expect(withUserPaths(out, nested)).toBe(out);
    const server = new ServerError({ ...init, status: 500, apiCode: 500 });
    expect(withUserPaths(server, nested)).toBe(server);
    const plain = new Error("criteria[1].operator");
    expect(withUserPaths(plain, nested)).toBe(plain);
  });
});

describe("check names match, not rules, for a definition written with match", () => {
  it("too many white-list addresses across a match tree fail at `match`", async () => {
    const addresses = (from: number) => Array.from({ length: 60 }, (_, i) => `a${from + i}@example.com`);
    const res = await segmentProvider.check({}, { name: "wl", whitelist: true, match: { any: [
      { type: "email", field: "email", operator: "=", values: addresses(0) },
      { type: "email", field: "email", operator: "=", values: addresses(100) },
    ] } });
    expect(res.failures).toEqual([{ property: "match", reason: "a white-list segment holds at most 100 addresses (got 120)" }]);
  });
});
