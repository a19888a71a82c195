import { describe, expect, it } from "vitest";
import { canonicalFromInputs } from "../../provider/ongage/normalize";
import { ValidSegmentInputs } from "../../provider/ongage/inputs";
import type { RuleInput, SegmentInputs } from "../../provider/ongage/inputs";
import { ongageLogic, type SegmentNames } from "../../provider/review/ongage-logic";
import { SECRET, UNKNOWN } from "../../provider/review/values";

/** The canonical form `check` puts in state, rendered. */
const canonical = (spec: Omit<SegmentInputs, "name">) => canonicalFromInputs(ValidSegmentInputs.parse({ name: "s", ...spec }), 10000) as unknown as Record<string, unknown>;
const logic = (spec: Omit<SegmentInputs, "name">, names?: SegmentNames) => ongageLogic(canonical(spec), names);
const one = (rule: RuleInput, names?: SegmentNames) => logic({ rules: [rule] }, names).expression;

describe("Ongage logic in words: text rules", () => {
  it.each([
    ["LIKE", ["gmail"], 'email contains "gmail"'],
    ["NOT LIKE", ["gmail"], 'email does not contain "gmail"'],
    ["_LIKE", ["jo"], 'email _LIKE "jo"'],
    ["LIKE_", [".com"], 'email LIKE_ ".com"'],
    ["=", ["@example.com"], 'email equals "@example.com"'],
    ["!=", ["x"], 'email does not equal "x"'],
    ["empty", undefined, "email is empty"],
    ["notempty", undefined, "email is not empty"],
  ] as const)("email %s", (operator, values, text) => {
    expect(one({ type: "email", field: "email", operator, ...(values ? { values: [...values] } : {}) })).toBe(text);
  });

  it("values are OR-ed, case sensitivity is said, list fields by id are named by id", () => {
    expect(one({ type: "string", field: "first_name", operator: "LIKE", values: ["James", "Peter", "David"], caseSensitive: true })).toBe('first_name contains "James", "Peter" or "David" (case-sensitive)');
    expect(one({ type: "string", fieldId: 1234, operator: "=", values: ["Ann"] })).toBe('field #1234 equals "Ann"');
  });

  it("never shows an email address: they are counted", () => {
    const text = one({ type: "email", field: "email", operator: "=", values: ["jane@example.com", "joe@example.com", "@gmail"] });
    expect(text).toBe('email equals "@gmail" or 2 addresses');
    expect(text).not.toContain("jane");
  });
});

describe("Ongage logic in words: numeric and date rules", () => {
  it.each([
    ["=", [5], "product_id equals 5"],
    ["!=", [5, 6], "product_id does not equal 5 or 6"],
    [">", [100], "product_id is greater than 100"],
    ["<", [100], "product_id is less than 100"],
    [">=", [100], "product_id is at least 100"],
    ["<=", [100], "product_id is at most 100"],
    ["><", [10, 20], "product_id is between 10 and 20"],
    ["empty", undefined, "product_id is empty"],
    ["notempty", undefined, "product_id is not empty"],
  ] as const)("numeric %s", (operator, values, text) => {
    expect(one({ type: "numeric", field: "product_id", operator, ...(values ? { values: [...values] } : {}) })).toBe(text);
  });

  it.each([
    ["=", ["2024-01-31"], "birthday is on 2024-01-31"],
    ["!=", ["2024-01-31"], "birthday is not on 2024-01-31"],
    [">", [1502966280], "birthday is after 2017-08-17 10:38 UTC"],
    ["<", [884404800], "birthday is before 1998-01-10 04:00 UTC"],
    [">=", ["2024-01-31T10:30:15Z"], "birthday is on or after 2024-01-31 10:30:15 UTC"],
    ["<=", ["2024-02-01"], "birthday is on or before 2024-02-01"],
    ["><", ["2024-01-01", "2024-12-31"], "birthday is between 2024-01-01 and 2024-12-31"],
    ["empty", undefined, "birthday is empty"],
  ] as const)("date_absolute %s: dates as dates", (operator, values, text) => {
    expect(one({ type: "date_absolute", field: "birthday", operator, ...(values ? { values: [...values] } : {}) })).toBe(text);
  });

  it.each([
    ["=", [1], "ocx_created_date is exactly 1 day ago"],
    ["!=", [3], "ocx_created_date is not 3 days ago"],
    [">", [30], "ocx_created_date is more than 30 days ago"],
    ["<", [8], "ocx_created_date is less than 8 days ago"],
    [">=", [30], "ocx_created_date is at least 30 days ago"],
    ["<=", [13], "ocx_created_date is at most 13 days ago"],
    ["><", [7, 14], "ocx_created_date is between 7 and 14 days ago"],
    ["notempty", undefined, "ocx_created_date is not empty"],
  ] as const)("date_relative %s", (operator, values, text) => {
    expect(one({ type: "date_relative", field: "ocx_created_date", operator, ...(values ? { values: [...values] } : {}) })).toBe(text);
  });
});

describe("Ongage logic in words: behavioral and segment rules", () => {
  it("every operand option of the documented example", () => {
    expect(one({
      type: "behavioral", event: "opened", operator: "=",
      operand: {
        mailingIds: [85362, 85360], espConnectionIds: [60133, 60387],
        timeRange: { operator: "between", inLast: 30, inLastUnit: "day", to: 2, toUnit: "month" },
        browsers: ["Chrome"], countries: ["AZ", "BH"], platforms: ["Linux", "Win8.1"],
      },
    })).toBe("opened mailings 85360, 85362 via ESP connections 60133, 60387, between 30 days and 2 months ago, in Chrome, from AZ/BH, on Linux/Win8.1");
  });

  it.each([
    [{ type: "behavioral", event: "opened", operator: "!=", operand: { timeRange: { operator: "between", inLast: 10, inLastUnit: "day", to: 0, toUnit: "day" } } }, "did not open any mailing, in the last 10 days"],
    [{ type: "behavioral", event: "clicked", operator: "=", operand: { espConnectionIds: [60129], timeRange: { operator: "custom", fromDate: "2017-02-01 10:30:00", toDate: "2017-02-23T10:30:00Z" } } }, "clicked any mailing via ESP connection 60129, between 2017-02-01 10:30 UTC and 2017-02-23 10:30 UTC"],
    [{ type: "behavioral", event: "clicked", operator: "!=" }, "did not click any mailing"],
    [{ type: "behavioral", event: "sent", operator: "=", operand: { mailingIds: [84715], repeat: { operator: "<", counter: 5 } } }, "was sent mailing 84715, fewer than 5 times"],
    [{ type: "behavioral", event: "sent", operator: "!=", operand: { repeat: { operator: ">=", counter: 1 } } }, "was not sent any mailing, at least 1 time"],
    [{ type: "behavioral", event: "opened", operator: "=", operand: { repeat: { operator: "=", counter: 2 } } }, "opened any mailing, exactly 2 times"],
    [{ type: "behavioral", event: "opened", operator: "=", operand: { repeat: { operator: "!=", counter: 2 } } }, "opened any mailing, not exactly 2 times"],
    [{ type: "behavioral", event: "opened", operator: "=", operand: { repeat: { operator: ">", counter: 2 } } }, "opened any mailing, more than 2 times"],
    [{ type: "behavioral", event: "opened", operator: "=", operand: { repeat: { operator: "<=", counter: 2 } } }, "opened any mailing, at most 2 times"],
    [{ type: "behavioral", conversionPointId: 7, operator: "=" }, "converted on conversion point 7"],
    [{ type: "behavioral", conversionPointId: 7, operator: "!=", operand: { browsers: ["Firefox", "Chrome"] } }, "did not convert on conversion point 7, in Chrome/Firefox"],
  ] as Array<[RuleInput, string]>)("%# behavioral", (rule, text) => {
    expect(one(rule)).toBe(text);
  });

  const names: SegmentNames = { labelOf: (id) => ({ "50001": '"Engaged openers" (50001)', "50002": '"Gmail readers" (50002)' })[id] };
  it.each([
    [{ type: "segment", operator: "=", segmentIds: ["50001"] }, 'in segment "Engaged openers" (50001)'],
    [{ type: "segment", operator: "=", segmentIds: [50002, "50001"] }, 'in any of segments "Engaged openers" (50001), "Gmail readers" (50002)'],
    [{ type: "segment", operator: "!=", segmentIds: ["50001"] }, 'not in segment "Engaged openers" (50001)'],
    [{ type: "segment", operator: "!=", segmentIds: ["50001", "60000"] }, 'in none of segments "Engaged openers" (50001), 60000'],
  ] as Array<[RuleInput, string]>)("%# segment rules by the referenced segment's name", (rule, text) => {
    expect(one(rule, names)).toBe(text);
  });
});

describe("Ongage logic in words: nesting", () => {
  it("the issue's example: a top-level all with a nested any", () => {
    const r = logic({ match: { all: [
      { type: "email", field: "email", operator: "LIKE", values: ["gmail"] },
      { any: [{ type: "string", field: "first_name", operator: "notempty" }, { type: "string", field: "last_name", operator: "notempty" }] },
    ] } });
    expect(r.expression).toBe('email contains "gmail" AND (first_name is not empty OR last_name is not empty)');
    expect(r.lines).toEqual(['email contains "gmail"', "AND (", "  first_name is not empty", "  OR last_name is not empty", ")"]);
  });

  it("three levels, any at the top, groups at the start and the end", () => {
    const r = logic({ match: { any: [
      { all: [
        { type: "numeric", field: "age", operator: ">=", values: [18] },
        { any: [{ type: "string", field: "city", operator: "=", values: ["Paris"] }, { type: "string", field: "city", operator: "=", values: ["Lyon"] }] },
      ] },
      { type: "email", field: "email", operator: "LIKE_", values: [".fr"] },
      { all: [{ type: "string", field: "vip", operator: "notempty" }, { any: [{ type: "date_relative", field: "ocx_created_date", operator: "<", values: [8] }] }] },
    ] } });
    expect(r.expression).toBe('(age is at least 18 AND (city equals "Paris" OR city equals "Lyon")) OR email LIKE_ ".fr" OR (vip is not empty AND (ocx_created_date is less than 8 days ago))');
    expect(r.lines).toEqual([
      "(",
      "  age is at least 18",
      "  AND (",
      '    city equals "Paris"',
      '    OR city equals "Lyon"',
      "  )",
      ")",
      'OR email LIKE_ ".fr"',
      "OR (",
      "  vip is not empty",
      "  AND (",
      "    ocx_created_date is less than 8 days ago",
      "  )",
      ")",
    ]);
  });

  it("flat rules with explicit parentheses and conditions read the same as the match they encode", () => {
    const r = logic({ rules: [
      { type: "email", field: "email", operator: "LIKE", values: ["@gmail"] },
      { type: "string", field: "first_name", operator: "notempty", openParens: 2, group: "g" },
      { type: "string", field: "last_name", operator: "notempty", condition: "or", closeParens: 1, group: "g" },
      { type: "string", field: "address", operator: "notempty", condition: "and", closeParens: 1, group: "g" },
    ] });
    expect(r.expression).toBe('email contains "@gmail" AND ((first_name is not empty OR last_name is not empty) AND address is not empty)');
    expect(r.lines).toEqual(['email contains "@gmail"', "AND ((", "    first_name is not empty", "    OR last_name is not empty", "  )", "  AND address is not empty", ")"]);
  });
});

describe("Ongage logic in words: flavours, unknowns and secrets", () => {
  it("a white list is a count of addresses, never the addresses", () => {
    const r = logic({ whitelist: true, rules: [{ type: "email", field: "email", operator: "=", values: ["a@example.com", "b@example.com", "c@example.com"] }] });
    expect(r.expression).toBe("white list of 3 addresses");
    expect(JSON.stringify(r)).not.toContain("@example.com");
  });

  it("external segments say where their contacts come from (a query string is hidden)", () => {
    expect(logic({ external: { url: "https://crm.example.com/export?token=abc", insertMissing: true } }).expression).toBe("external segment, retrieved from https://crm.example.com/export (query hidden) (adds contacts missing from the list)");
    expect(logic({ external: {} }).expression).toBe("external segment, filled with populate_external");
    expect(logic({}).expression).toBe("every contact of the list (no rules)");
  });

  it("unknown values (known after apply) and [secret] are shown as such, from the program's raw inputs", () => {
    const raw = {
      name: "s",
      match: { all: [
        { type: "segment", operator: "=", segmentIds: [UNKNOWN] },
        { type: "string", field: "first_name", operator: "=", values: [SECRET] },
        { type: "numeric", field: "score", operator: ">", values: UNKNOWN },
      ] },
    };
    expect(ongageLogic(raw, { labelOf: () => undefined, pending: ["Engaged openers"] }).expression).toBe('in segment "Engaged openers" (created in this change) AND first_name equals [secret] AND score is greater than known after apply');
    expect(ongageLogic({ name: "s", rules: SECRET }).expression).toBe("[secret]");
    expect(ongageLogic({ name: "s", rules: UNKNOWN }).expression).toBe("known after apply");
    expect(ongageLogic({ name: "s", whitelist: true, rules: [{ type: "email", field: "email", operator: "=", values: SECRET }] }).expression).toBe("white list of addresses (count known after apply)");
  });
});
