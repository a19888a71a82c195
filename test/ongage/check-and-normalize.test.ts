import { describe, expect, it } from "vitest";
import { segmentProvider } from "../../provider/ongage/provider";
import { canonicalFromInputs, canonicalFromWire, managedPart, toRequestBody } from "../../provider/ongage/normalize";
import { sameCanonical } from "../../provider/pulumi/canonical";
import { compileMatch } from "../../provider/ongage/match";
import { ValidSegmentInputs } from "../../provider/ongage/inputs";
import { WireSegment } from "../../provider/ongage/wire";
import { PREVIEW_UNKNOWN as UNKNOWN } from "../../provider/pulumi/unknowns";

const check = (news: Record<string, unknown>) => segmentProvider.check({}, news);

describe("ongage check", () => {
  it("accepts a definition and returns canonical inputs with defaults filled", async () => {
    const res = await check({ listId: 10, name: " VIPs ", rules: [{ type: "email", field: "email", operator: "LIKE", values: ["gmail"] }] });
    expect(res.failures ?? []).toEqual([]);
    expect(res.inputs).toEqual({
      listId: 10,
      name: "VIPs",
      description: "",
      favorite: false,
      whitelist: false,
      rules: [{ type: "email", field: "email", operator: "LIKE", values: ["gmail"], caseSensitive: false, condition: "and", openParens: 0, closeParens: 0, group: "" }],
    });
  });

  it.each([
    [{ name: "x", rules: [{ type: "string", field: "first_name", operator: "empty", values: ["a"] }] }, "rules[0].values", "takes no values"],
    [{ name: "x", rules: [{ type: "numeric", field: "product_id", operator: "><", values: [1] }] }, "rules[0].values", "exactly two values"],
    [{ name: "x", rules: [{ type: "numeric", field: "product_id", operator: "LIKE", values: [1] }] }, "rules[0].operator", ""],
    [{ name: "x", rules: [{ type: "string", field: "first_name", operator: "=" }] }, "rules[0].values", "at least one value"],
    [{ name: "x", whitelist: true, rules: [{ type: "string", field: "first_name", operator: "=", values: ["a"] }] }, "rules[0].operator", "white-list"],
    [{ name: "x", whitelist: true, rules: [{ type: "email", field: "email", operator: "=", values: ["not-an-email"] }] }, "rules[0].values[0]", "email addresses"],
    [{ name: "x", rules: [{ type: "string", field: "a", operator: "=", values: ["1"], openParens: 1 }] }, "rules", "never closed"],
    [{ name: "x", rules: [{ type: "string", field: "a", operator: "=", values: ["1"], closeParens: 1 }] }, "rules[0].closeParens", "never opened"],
    [{ name: "x", rules: [{ type: "string", field: "a", fieldId: 3, operator: "=", values: ["1"] }] }, "rules[0].field", "exactly one"],
    [{ name: "x", rules: [{ type: "behavioral", operator: "=" }] }, "rules[0].event", "exactly one"],
    [{ name: "x", rules: [{ type: "date_absolute", field: "birthdate", operator: "<", values: ["10/01/1988"] }] }, "rules[0].values[0]", "epoch seconds or an ISO date"],
    [{ name: "x", rules: [{ type: "string", feild: "a", operator: "=", values: ["1"] }] }, "rules[0].feild", "allowed here: `type`, `field`"],
    [{ name: "", rules: [] }, "name", ""],
    [{ name: "x", external: { url: "https://crm.example.com/seg.csv" }, rules: [{ type: "email", field: "email", operator: "notempty" }] }, "external.url", "no rules"],
    [{ name: "x", rules: [], match: { all: [{ type: "email", field: "email", operator: "notempty" }] } }, "match", "not both"],
    [{ name: "x", match: { all: [{ type: "email", field: "email", operator: "notempty" }, { any: [{ type: "numeric", field: "n", operator: ">" }] }] } }, "match.all[1].any[0].values", "at least one value"],
    [{ name: "x", rules: [{ type: "behavioral", event: "opened", operator: "=", operand: { countries: ["usa"] } }] }, "rules[0].operand.countries[0]", "ISO 3166"],
  ])("rejects %j at %s", async (news, property, reason) => {
    const res = await check(news as Record<string, unknown>);
    const failure = res.failures?.find((f) => f.property === property);
    expect(res.failures, JSON.stringify(res.failures)).toBeDefined();
    expect(failure, JSON.stringify(res.failures)).toBeDefined();
    if (reason) expect(failure!.reason + " " + JSON.stringify(res.failures)).toContain(reason);
  });

  it("a white-list segment holds at most 100 addresses", async () => {
    const values = Array.from({ length: 101 }, (_, i) => `u${i}@example.com`);
    const res = await check({ name: "x", whitelist: true, rules: [{ type: "email", field: "email", operator: "=", values }] });
    expect(res.failures).toContainEqual({ property: "rules", reason: expect.stringContaining("at most 100") });
  });

  it("tolerates the preview unknown sentinel and passes inputs through unchanged", async () => {
    const news = { name: "x", rules: [{ type: "segment", operator: "=", segmentIds: [UNKNOWN] }], listId: UNKNOWN };
    const res = await check(news);
    expect(res.failures ?? []).toEqual([]);
    expect(res.inputs).toEqual(news);
  });

  it("still reports real errors next to unknown values", async () => {
    const res = await check({ name: UNKNOWN, rules: [{ type: "numeric", field: "n", operator: "><", values: [1] }] });
    expect(res.failures?.map((f) => f.property)).toEqual(["rules[0].values"]);
  });

  it("never lets the serialized provider key reach validation", async () => {
    const res = await check({ name: "x", __provider: "exports.handler = …" });
    expect(res.failures ?? []).toEqual([]);
    expect(res.inputs).not.toHaveProperty("__provider");
  });
});

describe("all/any builder", () => {
  it("compiles nested groups into Ongage's flat parenthesis/condition/group encoding", () => {
    const rules = compileMatch({
      all: [
        { type: "email", field: "email", operator: "LIKE", values: ["@gmail"] },
        { any: [
          { type: "string", field: "first_name", operator: "notempty" },
          { type: "string", field: "last_name", operator: "notempty" },
          { type: "string", field: "address", operator: "notempty" },
        ], label: "First name or last name or address" },
      ],
    }).map((r) => r.rule);
    expect(rules.map((r) => [r.condition, r.openParens ?? 0, r.closeParens ?? 0, r.group])).toEqual([
      ["and", 0, 0, ""],
      ["and", 1, 0, "First name or last name or address"],
      ["or", 0, 0, "First name or last name or address"],
      ["or", 0, 1, "First name or last name or address"],
    ]);
  });

  it("gives the same canonical rules as the hand-written flat encoding (documented OR-group example)", async () => {
    const viaMatch = await check({ listId: 1, name: "g", match: { all: [
      { type: "string", fieldId: 1233, operator: "LIKE", values: ["@gmail"] },
      { any: [
        { type: "string", fieldId: 1234, operator: "notempty" },
        { type: "string", fieldId: 1235, operator: "notempty" },
        { type: "string", fieldId: 1236, operator: "notempty" },
      ], label: "First name or last name or address" },
    ] } });
    const flat = await check({ listId: 1, name: "g", rules: [
      { type: "string", fieldId: 1233, operator: "LIKE", values: ["@gmail"], condition: "and" },
      { type: "string", fieldId: 1234, group: "First name or last name or address", openParens: 1, operator: "notempty", condition: "and" },
      { type: "string", fieldId: 1235, group: "First name or last name or address", operator: "notempty", condition: "or" },
      { type: "string", fieldId: 1236, group: "First name or last name or address", closeParens: 1, operator: "notempty", condition: "or" },
    ] });
    expect(viaMatch.inputs).toEqual(flat.inputs);
  });
});

// The documented GET example (ongage.md §4.1, list-field segment), rules as printed.
const documentedListFieldSegment = {
  id: "12345", list_id: "12345", name: "list fields segment", type: "Active", description: "", favorite: "0",
  last_count: "345", last_count_date: "1502005048", is_external: "0", external_url: null,
  external_insert_missing: "0", external_include_unsubscribes: "0", deleted: "0", can_delete: true, mailings: [],
  rules: [
    { id: "1234", segment_id: "12345", position: "0", left_parenthesis: "0", right_parenthesis: "0", field_id: "63337", field_name: "email", operator: "=", operand: "[\"test@test.test\"]", is_external_operand: "0", condition: "and", case_sensitive: "0", type: "email", group: "" },
    { id: "1235", segment_id: "12345", position: "1", left_parenthesis: "0", right_parenthesis: "0", field_id: "63347", field_name: "product_id", operator: ">", operand: "[\"12345\"]", is_external_operand: "0", condition: "and", case_sensitive: "0", type: "numeric", group: "" },
    { id: "1236", segment_id: "64548", position: "2", left_parenthesis: "0", right_parenthesis: "0", field_id: "63555", field_name: "date", operator: "=", operand: "[1502966280]", is_external_operand: "0", condition: "and", case_sensitive: "1", type: "date_absolute", group: "" },
  ],
};

const documentedBehavioralRule = {
  id: "2702", segment_id: "64550", position: "0", left_parenthesis: "0", right_parenthesis: "0", field_id: "0", field_name: "opened", operator: "!=",
  operand: {
    mailing_ids: ["84715", "84668", "84666"], esp_connection_ids: ["60129", "60128", "60367"],
    time_range: { operator: "between", in_last: "10", in_last_unit: "day", to: "1", to_unit: "month" },
    repeat: { operator: "<", counter: "5" }, browsers: ["Chrome"], countries: ["AF", "BD", "IO"], platforms: ["Linux"],
  },
  is_external_operand: "0", condition: "and", case_sensitive: "0", type: "behavioral", group: "",
};

describe("one normalization on both sides of the diff", () => {
  it("the documented list-field GET equals the definition that produced it (no perpetual diff)", () => {
    const inputs = canonicalFromInputs(ValidSegmentInputs.parse({
      listId: 12345, name: "list fields segment",
      rules: [
        { type: "email", field: "email", operator: "=", values: ["test@test.test"] },
        { type: "numeric", field: "product_id", operator: ">", values: [12345] },
        { type: "date_absolute", field: "date", operator: "=", values: ["2017-08-17T10:38:00Z"] },
      ],
    }));
    const fromServer = canonicalFromWire(WireSegment.parse(documentedListFieldSegment), inputs);
    expect(fromServer.segmentId).toBe("12345");
    expect(managedPart(fromServer)).toEqual(inputs);
  });

  it("the documented behavioral GET (string ids, nested objects) equals the camelCase definition", () => {
    const inputs = canonicalFromInputs(ValidSegmentInputs.parse({
      listId: 1, name: "b",
      rules: [{ type: "behavioral", event: "opened", operator: "!=", operand: {
        mailingIds: [84715, 84668, 84666], espConnectionIds: [60129, 60128, 60367],
        timeRange: { operator: "between", inLast: 10, inLastUnit: "day", to: 1, toUnit: "month" },
        repeat: { operator: "<", counter: 5 }, browsers: ["Chrome"], countries: ["IO", "AF", "BD"], platforms: ["Linux"],
      } }],
    }));
    const wire = WireSegment.parse({ id: "64550", list_id: "1", name: "b", description: "", favorite: "0", rules: [documentedBehavioralRule] });
    expect(managedPart(canonicalFromWire(wire, inputs))).toEqual(inputs);
  });

  it("empty behavioral sub-objects returned as [] equal omitted ones", () => {
    const inputs = canonicalFromInputs(ValidSegmentInputs.parse({ listId: 1, name: "s", rules: [{ type: "behavioral", event: "sent", operator: "=", operand: { mailingIds: [84715], repeat: { operator: "<", counter: 5 } } }] }));
    const wire = WireSegment.parse({ id: "1", list_id: "1", name: "s", description: "", favorite: "0", rules: [{ ...documentedBehavioralRule, field_name: "sent", operator: "=",
      operand: { mailing_ids: ["84715"], esp_connection_ids: [], time_range: [], repeat: { operator: "<", counter: "5" }, browsers: [], countries: [], platforms: [] } }] });
    expect(managedPart(canonicalFromWire(wire, inputs))).toEqual(inputs);
  });

  it("canonical inputs are themselves valid inputs and canonicalize to themselves", () => {
    const c = canonicalFromInputs(ValidSegmentInputs.parse({ listId: 3, name: "n", match: { all: [
      { type: "date_relative", field: "ocx_created_date", operator: "<=", values: [13] },
      { any: [{ type: "segment", operator: "=", segmentIds: ["9", 10] }, { type: "string", field: "first_name", operator: "LIKE_", values: ["Jo"], caseSensitive: true }] },
    ] } }));
    expect(canonicalFromInputs(ValidSegmentInputs.parse(c), 3)).toEqual(c);
  });

  it("a whitelist flag that GET never echoes is kept from the definition", () => {
    const inputs = canonicalFromInputs(ValidSegmentInputs.parse({ listId: 1, name: "w", whitelist: true, rules: [{ type: "email", field: "email", operator: "=", values: ["a@b.co"] }] }));
    const wire = WireSegment.parse({ id: "5", list_id: "1", name: "w", description: "", favorite: "0", rules: [{ ...documentedListFieldSegment.rules[0], field_name: "email", operand: "[\"a@b.co\"]" }] });
    expect(canonicalFromWire(wire, inputs).whitelist).toBe(true);
  });

  it("request bodies use the documented encodings: quoted text and numbers, bare epoch dates, no list_id", () => {
    const c = canonicalFromInputs(ValidSegmentInputs.parse({ listId: 7, name: "My segment", description: "This is my segment", rules: [
      { type: "email", field: "email", operator: "LIKE", values: ["gmail"] },
      { type: "date_absolute", fieldId: 1235, operator: "<", values: [884404800] },
      { type: "numeric", field: "ocx_import_id", operator: "=", values: [11111111] },
    ] }));
    const body = toRequestBody(c, (name) => ({ email: 1234 })[name]!, true);
    expect(body).toEqual({
      name: "My segment", type: "Active", description: "This is my segment", favorite: false, is_whitelist: false,
      criteria: [
        { type: "email", position: 0, operator: "LIKE", condition: "and", field_id: 1234, case_sensitive: "0", operand: ["gmail"] },
        { type: "date_absolute", position: 1, operator: "<", condition: "and", field_id: 1235, operand: [884404800] },
        { type: "numeric", position: 2, operator: "=", condition: "and", field_name: "ocx_import_id", operand: ["11111111"] },
      ],
    });
  });
});

describe("ongage diff", () => {
  const outs = { segmentId: "5", listId: 1, name: "a", description: "", favorite: false, whitelist: false, rules: [] };
  it("reports no change for equal canonical values", async () => {
    expect(await segmentProvider.diff("5", outs, { listId: 1, name: "a", description: "", favorite: false, whitelist: false, rules: [] })).toEqual({ changes: false, replaces: [] });
  });
  it("updates in place for a rename and replaces for a list move or external change", async () => {
    expect(await segmentProvider.diff("5", outs, { ...outs, name: "b" })).toEqual({ changes: true, replaces: [] });
    expect((await segmentProvider.diff("5", outs, { ...outs, listId: 2 })).replaces).toEqual(["listId"]);
    expect((await segmentProvider.diff("5", outs, { ...outs, external: { insertMissing: true, includeUnsubscribes: false } })).replaces).toEqual(["external"]);
  });
  it("an account-default list (no listId) does not diff against the list the server reported", async () => {
    const { listId: _l, ...noList } = outs;
    expect((await segmentProvider.diff("5", outs, { ...noList } as never)).changes).toBe(false);
  });
  it("unknown inputs during preview give an unknown diff, replacing when the list is unknown", async () => {
    expect(await segmentProvider.diff("5", outs, { ...outs, name: UNKNOWN })).toEqual({ changes: undefined, replaces: [] });
    expect(await segmentProvider.diff("5", outs, { ...outs, listId: UNKNOWN as never })).toEqual({ changes: undefined, replaces: ["listId"] });
  });
  it("sameCanonical ignores undefined members", () => {
    expect(sameCanonical({ a: 1, b: undefined }, { a: 1 })).toBe(true);
  });
});

describe("custom time range renamed to fromDate / toDate", () => {
  const rule = (timeRange: Record<string, unknown>) => ({ type: "behavioral", event: "clicked", operator: "=", operand: { timeRange } });

  it("check canonicalizes fromDate / toDate to epoch seconds, and the request body uses the API's from_date / to_date", async () => {
    const res = await check({ listId: 10, name: "x", rules: [rule({ operator: "custom", fromDate: "2017-02-01 10:30:00", toDate: 1487845800 })] });
    expect(res.failures ?? []).toEqual([]);
    const inputs = res.inputs as unknown as Parameters<typeof toRequestBody>[0];
    expect(inputs.rules[0]!.operand).toEqual({ timeRange: { operator: "custom", fromDate: 1485945000, toDate: 1487845800 } });
    const body = toRequestBody(inputs, () => 0, true) as { criteria: Array<{ operand: unknown }> };
    expect(body.criteria[0]!.operand).toEqual({ time_range: { operator: "custom", from_date: "2017-02-01 10:30:00", to_date: "2017-02-23 10:30:00" } });
  });

  it("state recorded with the old names diffs clean against the same range written with the new ones", async () => {
    const res = await check({ listId: 10, name: "x", rules: [rule({ operator: "custom", fromDate: 1485945000, toDate: 1487845800 })] });
    const news = res.inputs as Record<string, unknown> & { rules: Array<Record<string, unknown>> };
    const oldRule = { ...news.rules[0]!, operand: { timeRange: { operator: "custom", from: 1485945000, to: 1487845800 } } };
    const olds = { ...news, rules: [oldRule], segmentId: "7", listId: 10 };
    expect(await segmentProvider.diff("7", olds as never, news as never)).toEqual({ changes: false, replaces: [] });
    const moved = { ...olds, rules: [{ ...oldRule, operand: { timeRange: { operator: "custom", from: 1485945000, to: 1487845801 } } }] };
    expect((await segmentProvider.diff("7", moved as never, news as never)).changes).toBe(true);
  });
});
