import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type OngageEmulator, startOngageEmulator } from "../../../emulators/ongage/server";
import { call, EMAIL_DATE_LIST, errorEnvelope, NAMES_LIST } from "./http";

let em: OngageEmulator;
beforeAll(async () => {
  em = await startOngageEmulator({ defaultListId: 10000, lists: [EMAIL_DATE_LIST, NAMES_LIST] });
});
afterAll(async () => em.close());
beforeEach(() => em.reset());

const email = (extra: Record<string, unknown> = {}) => ({ field_id: 1234, type: "email", position: 0, operator: "=", operand: ["a@b.co"], condition: "and", ...extra });

/** Posts to list 2001 and expects a 412 envelope whose message names `field`; nothing is stored. */
async function rejects(body: Record<string, unknown>, field: string, listId = 2001): Promise<string> {
  const r = await call(em, "POST", `/${listId}/api/segments`, { name: "bad", type: "Active", ...body });
  expect(r.status, r.text).toBe(412);
  expect(r.body).toEqual(errorEnvelope(412));
  expect(r.body.payload.message).toContain(`${field}:`);
  expect(em.store.allSegments()).toHaveLength(0);
  return r.body.payload.message as string;
}

describe("412 Invalid data names the offending field", () => {
  it("name and type are required; type is Active or Deleted", async () => {
    await rejects({ name: undefined }, "name");
    await rejects({ name: "   " }, "name");
    await rejects({ type: undefined }, "type");
    await rejects({ type: "Test" }, "type");
  });

  it("white-list with a string rule, or a non-= operator, or a non-address value", async () => {
    await rejects({ is_whitelist: true, criteria: [email({ type: "string" })] }, "criteria[0].type");
    await rejects({ is_whitelist: true, criteria: [email(), email({ operator: "LIKE" })] }, "criteria[1].operator");
    await rejects({ is_whitelist: true, criteria: [email({ operand: ["not-an-address"] })] }, "criteria[0].operand[0]");
  });

  it("white-list holds at most 100 addresses", async () => {
    const many = Array.from({ length: 101 }, (_, i) => `u${i}@example.com`);
    expect(await rejects({ is_whitelist: true, criteria: [email({ operand: many })] }, "criteria")).toMatch(/100/);
    const ok = await call(em, "POST", "/2001/api/segments", { name: "wl", type: "Active", is_whitelist: true, criteria: [email({ operand: many.slice(0, 100) })] });
    expect(ok.status).toBe(200);
  });

  it("empty/notempty take no operand; other operators need a non-empty array", async () => {
    await rejects({ criteria: [email({ operator: "empty", operand: ["x"] })] }, "criteria[0].operand");
    await rejects({ criteria: [email({ operator: "notempty", operand: [] })] }, "criteria[0].operand");
    await rejects({ criteria: [email({ operand: undefined })] }, "criteria[0].operand");
    await rejects({ criteria: [email({ operand: [] })] }, "criteria[0].operand");
    await rejects({ criteria: [email({ operand: "a@b.co" })] }, "criteria[0].operand");
  });

  it(">< needs exactly two values", async () => {
    const date = { field_id: 1235, type: "date_absolute", position: 0, operator: "><", condition: "and" };
    expect(await rejects({ criteria: [{ ...date, operand: [884404800] }] }, "criteria[0].operand")).toMatch(/two values/);
    await rejects({ criteria: [{ ...date, operand: [1, 2, 3] }] }, "criteria[0].operand");
    const ok = await call(em, "POST", "/2001/api/segments", { name: "range", type: "Active", criteria: [{ ...date, operand: [884404800, 884404900] }] });
    expect(ok.body.payload.rules[0].operand).toBe("[884404800,884404900]");
  });

  it("unbalanced parentheses across the rule list", async () => {
    const s = (extra: Record<string, unknown>) => ({ field_id: 1234, type: "string", operator: "notempty", condition: "and", ...extra });
    await rejects({ criteria: [s({ position: 0, left_parenthesis: 1 }), s({ position: 1 })] }, "criteria[0].left_parenthesis", 2002);
    await rejects({ criteria: [s({ position: 0 }), s({ position: 1, right_parenthesis: 1 })] }, "criteria[1].right_parenthesis", 2002);
    // Balanced in array order, but the rules are evaluated in position order, where ")" comes first.
    await rejects({ criteria: [s({ position: 1, left_parenthesis: 1 }), s({ position: 0, right_parenthesis: 1 })] }, "criteria[1].right_parenthesis", 2002);
  });

  it("field_id must be a field of the list, and the rule type must fit the field type", async () => {
    expect(await rejects({ criteria: [email({ field_id: 9999 })] }, "criteria[0].field_id")).toMatch(/not a field of list 2001/);
    await rejects({ criteria: [{ field_id: 1235, type: "numeric", position: 0, operator: ">", operand: [1], condition: "and" }] }, "criteria[0].type");
    await rejects({ criteria: [{ field_id: 1234, type: "email", position: 0, operator: "=", operand: ["a@b.co"], condition: "and" }] }, "criteria[0].type", 2002);
  });

  it("exactly one field reference; field_name is an ocx_* system field or a behavioral event", async () => {
    await rejects({ criteria: [email({ field_id: undefined })] }, "criteria[0].field_id");
    await rejects({ criteria: [email({ field_name: "ocx_import_id" })] }, "criteria[0].field_name");
    await rejects({ criteria: [email({ field_id: undefined, field_name: "email" })] }, "criteria[0].field_name");
    await rejects({ criteria: [{ type: "behavioral", field_id: 1234, operator: "=", operand: {}, condition: "and" }] }, "criteria[0].field_id");
    await rejects({ criteria: [{ type: "behavioral", operator: "=", operand: {}, condition: "and" }] }, "criteria[0].field_name");
    await rejects({ criteria: [{ type: "behavioral", field_name: "bounced", operator: "=", operand: {}, condition: "and" }] }, "criteria[0].field_name");
    const cp = await call(em, "POST", "/2001/api/segments", { name: "cp", type: "Active", criteria: [{ type: "behavioral", conversion_point_id: 77, operator: "=", operand: {}, condition: "and" }] });
    expect(cp.status).toBe(200);
  });

  it("operators, rule types, conditions and rule keys come from the documented sets", async () => {
    await rejects({ criteria: [email(), email({ operator: "CONTAINS" })] }, "criteria[1].operator");
    await rejects({ criteria: [email({ type: "enum" })] }, "criteria[0].type");
    await rejects({ criteria: [email({ condition: "xor" })] }, "criteria[0].condition");
    await rejects({ criteria: [email({ values: ["x"] })] }, "criteria[0].values");
    await rejects({ criteria: [email({ operator: ">" })] }, "criteria[0].operator");
  });

  it("behavioral operands: object required, documented keys and shapes", async () => {
    const b = (operand: unknown) => ({ criteria: [{ type: "behavioral", field_name: "opened", operator: "=", operand, condition: "and" }] });
    await rejects(b(["x"]), "criteria[0].operand");
    await rejects(b({ mailing_ids: ["abc"] }), "criteria[0].operand.mailing_ids[0]");
    await rejects(b({ time_range: { operator: "custom", from_date: "2017-02-01" } }), "criteria[0].operand.time_range.from_date");
    await rejects(b({ time_range: { operator: "custom", from_date: "2017-02-01 10:30:00" } }), "criteria[0].operand.time_range.to_date");
    await rejects(b({ time_range: { operator: "sometime" } }), "criteria[0].operand.time_range.operator");
    await rejects(b({ colour: "red" }), "criteria[0].operand.colour");
  });

  it("external_url requires empty criteria", async () => {
    await rejects({ external_url: "https://crm.example.com/segment.csv", criteria: [email()] }, "criteria");
    await rejects({ is_external: true, criteria: [email()] }, "criteria");
    await rejects({ external_url: "ftp://x" }, "external_url");
    const ok = await call(em, "POST", "/2001/api/segments", { name: "ext", type: "Active", external_url: "https://crm.example.com/segment.csv", criteria: [] });
    expect(ok.body.payload).toMatchObject({ is_external: "1", external_url: "https://crm.example.com/segment.csv", rules: [] });
  });

  it("segment-of-segment rules reference existing segments of the same list, never themselves", async () => {
    const base = await call(em, "POST", "/2001/api/segments", { name: "base", type: "Active" });
    const other = await call(em, "POST", "/2002/api/segments", { name: "other list", type: "Active" });
    const seg = (ids: unknown[]) => ({ criteria: [{ type: "segment", operator: "=", operand: ids, condition: "and" }] });
    const r = await call(em, "POST", "/2001/api/segments", { name: "bad", type: "Active", ...seg([other.body.payload.id]) });
    expect(r.status).toBe(412);
    expect(r.body.payload.message).toContain("criteria[0].operand[0]:");
    const ok = await call(em, "POST", "/2001/api/segments", { name: "of", type: "Active", ...seg([Number(base.body.payload.id)]) });
    expect(ok.body.payload.rules[0]).toMatchObject({ type: "segment", field_id: "0", operand: `["${base.body.payload.id}"]` });
    const self = await call(em, "PUT", `/2001/api/segments/${ok.body.payload.id}`, { name: "of", type: "Active", ...seg([ok.body.payload.id]) });
    expect(self.status).toBe(412);
    expect(self.body.payload.message).toMatch(/criteria\[0\]\.operand\[0\]: a segment cannot include itself/);
  });
});

describe("400 Invalid call", () => {
  it("malformed JSON, an empty body, or a non-object body", async () => {
    for (const raw of ['{"name": "x",', "", "[]", '"text"', "null"]) {
      const r = await call(em, "POST", "/api/segments", raw);
      expect(r.status, JSON.stringify(raw)).toBe(400);
      expect(r.body).toEqual(errorEnvelope(400));
    }
    expect(em.store.allSegments()).toHaveLength(0);
  });

  it("applies to PUT too", async () => {
    const created = await call(em, "POST", "/api/segments", { name: "x", type: "Active" });
    expect((await call(em, "PUT", `/api/segments/${created.body.payload.id}`, "{oops")).status).toBe(400);
  });
});
