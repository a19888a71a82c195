import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ContactSeed } from "../../../emulators/ongage/contacts";
import { type OngageEmulator, startOngageEmulator } from "../../../emulators/ongage/server";
import { call } from "./http";

/**
 * Contact counts (ongage.md §13.2) over a small hand-written population, for every rule type and
 * operator, case sensitivity, parentheses, OR groups, segment-of-segment, white-list and external
 * segments. Every expectation is worked out by hand from the six contacts below, never by the evaluator.
 * Counts are written [active, bounced, complaint, unsubscribed].
 */

const DAY = 86_400;
const NOW = Date.UTC(2026, 11, 1, 12) / 1000;
const day = (y: number, m: number, d: number, h = 0) => Date.UTC(y, m - 1, d, h) / 1000;
const M1 = 85360;
const M2 = 85362;
const LIST = 3001;
const F = { email: 1001, first_name: 1002, last_name: 1003, address: 1004, birthdate: 1005, product_id: 1006 };

const ev = (type: "sent" | "opened" | "clicked", mailing_id: number, esp_connection_id: number, daysAgo: number, country: string, browser?: string, platform?: string) => ({
  type, mailing_id, esp_connection_id, at: NOW - daysAgo * DAY, country, ...(browser ? { browser, platform } : {}),
});

const CONTACTS: ContactSeed[] = [
  {
    email: "Ann.Lee@gmail.com", status: "active",
    fields: { first_name: "Ann", last_name: "Lee", address: "1 Main Street", birthdate: day(1990, 5, 10), product_id: 100, ocx_created_date: NOW - 2 * DAY, ocx_import_id: 13 },
    events: [ev("sent", M1, 60129, 40, "US"), ev("opened", M1, 60129, 39, "US", "Chrome", "Linux"), ev("opened", M1, 60129, 38, "US", "Chrome", "Linux"), ev("clicked", M1, 60129, 38, "US", "Chrome", "Linux")],
  },
  {
    email: "bob@yahoo.com", status: "unsubscribed",
    fields: { first_name: "Bob", last_name: "Smith", address: null, birthdate: day(1985, 1, 1), product_id: 250, ocx_created_date: NOW - 100 * DAY, ocx_unsubscribe_date: NOW - 10 * DAY },
    events: [ev("sent", M1, 60128, 40, "GB"), ev("sent", M2, 60128, 5, "GB"), ev("opened", M2, 60128, 4, "GB", "Firefox", "Win8.1")],
  },
  {
    email: "cara@GMAIL.com", status: "bounced",
    fields: { first_name: "cara", last_name: null, address: "22 Oak Avenue", birthdate: null, product_id: null, ocx_created_date: NOW - 400 * DAY },
    events: [ev("sent", M1, 60129, 40, "AZ")],
  },
  {
    email: "dan.brown@hotmail.com", status: "complaint",
    fields: { first_name: "Dan", last_name: "Brown", address: "5 Pine Road", birthdate: day(2000, 12, 31), product_id: 12345, ocx_created_date: NOW - 8 * DAY },
    events: [ev("sent", M2, 60133, 5, "BH"), ev("opened", M2, 60133, 5, "BH", "Safari", "iOS"), ev("clicked", M2, 60133, 5, "BH", "Safari", "iOS")],
  },
  {
    email: "eve@example.org", status: "active",
    fields: { first_name: null, last_name: "Evans", birthdate: day(1990, 5, 10, 18), product_id: 99, ocx_created_date: NOW - 30 * DAY },
    events: [],
  },
  {
    email: "fay.smith@gmail.co.uk", status: "active",
    fields: { first_name: "Fay", last_name: "Smith", address: "9 Maple Lane", birthdate: day(1975, 7, 4), product_id: 100, ocx_created_date: NOW - 200 * DAY, ocx_import_id: 23456 },
    events: [
      ev("sent", M1, 60129, 40, "US"), ev("sent", M2, 60129, 5, "US"), ev("opened", M1, 60129, 35, "US", "Edge", "Win8.1"),
      ev("opened", M2, 60129, 3, "US", "Edge", "Win8.1"), ev("opened", M2, 60129, 3, "US", "Edge", "Win8.1"), ev("opened", M2, 60129, 2, "US", "Edge", "Win8.1"),
    ],
  },
];

let em: OngageEmulator;
let nowMs = NOW * 1000;
beforeAll(async () => {
  em = await startOngageEmulator({
    now: () => nowMs,
    population: { size: 0 },
    lists: [{ id: LIST, name: "Hand-written", fields: Object.entries(F).map(([name, id]) => ({ id, name, type: name === "email" ? "email" : name === "birthdate" ? "date" : name === "product_id" ? "numeric" : "string" })) }],
  });
});
afterAll(async () => em.close());
beforeEach(() => {
  nowMs = NOW * 1000;
  em.reset();
  em.store.setContacts(LIST, CONTACTS);
});

type Counts = [number, number, number, number];

/** POST criteria (or a segment id) to contact_counts, GET the result; checks the envelope and that the store's own countFor agrees. */
async function count(source: unknown[] | { segment_id: number }): Promise<Counts> {
  const body = Array.isArray(source) ? { criteria: source } : source;
  const posted = await call(em, "POST", `/${LIST}/api/contact_counts/`, body);
  expect(posted.status, posted.text).toBe(200);
  const got = await call(em, "GET", `/${LIST}/api/contact_counts/${posted.body.payload.id}`);
  const p = got.body.payload;
  expect(got.body.metadata).toEqual({ error: false, total: String(p.active + p.bounced + p.complaint + p.unsubscribed) });
  const direct = em.store.countFor(LIST, Array.isArray(source) ? (source as never) : source.segment_id);
  expect(direct).toEqual(p);
  return [p.active, p.bounced, p.complaint, p.unsubscribed];
}

const rule = (field: keyof typeof F, type: string, operator: string, operand?: unknown[], extra: Record<string, unknown> = {}) => ({
  field_id: F[field], type, operator, ...(operand === undefined ? {} : { operand }), condition: "and", ...extra,
});
const sys = (field_name: string, type: string, operator: string, operand?: unknown[]) => ({ field_name, type, operator, ...(operand ? { operand } : {}), condition: "and" });
const beh = (field_name: string, operator: string, operand: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: "behavioral", field_name, operator, operand, condition: "and", ...extra });

async function segment(body: Record<string, unknown>): Promise<number> {
  const r = await call(em, "POST", `/${LIST}/api/segments`, { type: "Active", ...body });
  expect(r.status, r.text).toBe(200);
  return Number(r.body.payload.id);
}

describe("no rules and email rules", () => {
  it("no criteria selects every contact, by status", async () => {
    expect(await count([])).toEqual([3, 1, 1, 1]);
  });

  it("LIKE is contains, case-insensitive unless case_sensitive is 1; NOT LIKE is its complement", async () => {
    expect(await count([rule("email", "email", "LIKE", ["gmail"])])).toEqual([2, 1, 0, 0]);
    expect(await count([rule("email", "email", "LIKE", ["gmail"], { case_sensitive: "1" })])).toEqual([2, 0, 0, 0]);
    expect(await count([rule("email", "email", "NOT LIKE", ["gmail"])])).toEqual([1, 0, 1, 1]);
    expect(await count([rule("email", "string", "LIKE", ["@gmail"])])).toEqual([2, 1, 0, 0]);
  });

  it("_LIKE is begins with, LIKE_ is ends with (the Contact Counts page's reading)", async () => {
    expect(await count([rule("email", "email", "_LIKE", ["ann"])])).toEqual([1, 0, 0, 0]);
    expect(await count([rule("email", "email", "_LIKE", ["b"])])).toEqual([0, 0, 0, 1]);
    expect(await count([rule("email", "email", "_LIKE", [".org"])])).toEqual([0, 0, 0, 0]);
    expect(await count([rule("email", "email", "LIKE_", [".org"])])).toEqual([1, 0, 0, 0]);
    expect(await count([rule("email", "email", "LIKE_", [".com"])])).toEqual([1, 1, 1, 1]);
    expect(await count([rule("email", "email", "LIKE_", ["mail.com"])])).toEqual([1, 1, 1, 0]);
    expect(await count([rule("email", "email", "LIKE_", ["mail.com"], { case_sensitive: "1" })])).toEqual([1, 0, 1, 0]);
  });
});

describe("string rules", () => {
  it("= and != with several values OR-ed; case sensitivity both ways; an empty value is != everything", async () => {
    expect(await count([rule("first_name", "string", "=", ["ann"])])).toEqual([1, 0, 0, 0]);
    expect(await count([rule("first_name", "string", "=", ["Bob", "Dan"])])).toEqual([0, 0, 1, 1]);
    expect(await count([rule("first_name", "string", "=", ["cara"], { case_sensitive: "1" })])).toEqual([0, 1, 0, 0]);
    expect(await count([rule("first_name", "string", "=", ["Cara"], { case_sensitive: "1" })])).toEqual([0, 0, 0, 0]);
    expect(await count([rule("first_name", "string", "=", ["Cara"])])).toEqual([0, 1, 0, 0]);
    expect(await count([rule("first_name", "string", "!=", ["Bob"])])).toEqual([3, 1, 1, 0]);
  });

  it("empty / notempty, LIKE with several values, NOT LIKE on empty values", async () => {
    expect(await count([rule("first_name", "string", "empty")])).toEqual([1, 0, 0, 0]);
    expect(await count([rule("first_name", "string", "notempty")])).toEqual([2, 1, 1, 1]);
    expect(await count([rule("last_name", "string", "LIKE", ["mit", "row"])])).toEqual([1, 0, 1, 1]);
    expect(await count([rule("address", "string", "NOT LIKE", ["Street"])])).toEqual([2, 1, 1, 1]);
    expect(await count([rule("address", "string", "LIKE_", ["lane"])])).toEqual([1, 0, 0, 0]);
  });
});

describe("numeric rules", () => {
  it.each([
    ["=", [100], [2, 0, 0, 0]],
    ["!=", [100], [1, 1, 1, 1]],
    [">", [100], [0, 0, 1, 1]],
    ["<", [100], [1, 0, 0, 0]],
    [">=", [100], [2, 0, 1, 1]],
    ["<=", [100], [3, 0, 0, 0]],
    ["><", [99, 250], [3, 0, 0, 1]],
    ["><", ["250", "99"], [3, 0, 0, 1]],
    ["=", ["100", "12345"], [2, 0, 1, 0]],
  ])("product_id %s %j", async (operator, operand, expected) => {
    expect(await count([rule("product_id", "numeric", operator, operand)])).toEqual(expected);
  });

  it("empty, and the system field ocx_import_id by name", async () => {
    expect(await count([rule("product_id", "numeric", "empty")])).toEqual([0, 1, 0, 0]);
    expect(await count([sys("ocx_import_id", "numeric", "=", ["13", "23456"])])).toEqual([2, 0, 0, 0]);
    expect(await count([sys("ocx_import_id", "numeric", "notempty")])).toEqual([2, 0, 0, 0]);
  });
});

describe("date rules", () => {
  const may10 = day(1990, 5, 10);
  it.each([
    ["=", [may10], [2, 0, 0, 0]],
    ["!=", [may10], [1, 1, 1, 1]],
    ["<", [may10], [1, 0, 0, 1]],
    [">", [may10], [0, 0, 1, 0]],
    ["<=", [may10], [3, 0, 0, 1]],
    [">=", [may10], [2, 0, 1, 0]],
    ["><", [day(1980, 1, 1), day(1995, 1, 1)], [2, 0, 0, 1]],
    ["=", ["1990-05-10"], [2, 0, 0, 0]],
    ["<", ["1990-05-10 13:00"], [1, 0, 0, 1]],
  ])("absolute: birthdate %s %j compares UTC days", async (operator, operand, expected) => {
    expect(await count([rule("birthdate", "date_absolute", operator, operand)])).toEqual(expected);
  });

  it.each([
    ["<", ["8"], [1, 0, 0, 0]],
    ["<=", ["8"], [1, 0, 1, 0]],
    [">", ["30"], [1, 1, 0, 1]],
    [">=", ["30"], [2, 1, 0, 1]],
    ["=", ["30"], [1, 0, 0, 0]],
    ["!=", ["30"], [2, 1, 1, 1]],
    ["><", ["5", "100"], [1, 0, 1, 1]],
  ])("relative: ocx_created_date %s %j days ago", async (operator, operand, expected) => {
    expect(await count([sys("ocx_created_date", "date_relative", operator, operand)])).toEqual(expected);
  });

  it("relative counts move with the clock; empty system dates; a relative birthdate", async () => {
    expect(await count([sys("ocx_unsubscribe_date", "date_absolute", "notempty")])).toEqual([0, 0, 0, 1]);
    expect(await count([sys("ocx_resubscribe_date", "date_absolute", "empty")])).toEqual([3, 1, 1, 1]);
    expect(await count([rule("birthdate", "date_relative", ">", [String(365 * 30)])])).toEqual([3, 0, 0, 1]);
    nowMs += 10 * DAY * 1000;
    expect(await count([sys("ocx_created_date", "date_relative", "<", ["8"])])).toEqual([0, 0, 0, 0]);
    expect(await count([sys("ocx_created_date", "date_relative", "<", ["19"])])).toEqual([1, 0, 1, 0]);
  });
});

describe("behavioral rules", () => {
  it.each<[string, string, string, Record<string, unknown>, Counts]>([
    ["any open", "opened", "=", {}, [2, 0, 1, 1]],
    ["never opened", "opened", "!=", {}, [1, 1, 0, 0]],
    ["opened mailing 85362", "opened", "=", { mailing_ids: [M2] }, [1, 0, 1, 1]],
    ["sent 85360 through ESP connection 60129", "sent", "=", { mailing_ids: [M1], esp_connection_ids: [60129] }, [2, 1, 0, 0]],
    ["any click", "clicked", "=", {}, [1, 0, 1, 0]],
    ["did not click through 60133", "clicked", "!=", { esp_connection_ids: [60133] }, [3, 1, 0, 1]],
    ["opened in the last 10 days", "opened", "=", { time_range: { operator: "between", in_last: 10, in_last_unit: "day" } }, [1, 0, 1, 1]],
    ["opened between 30 days and 2 months ago", "opened", "=", { time_range: { operator: "between", in_last: 30, in_last_unit: "day", to: 2, to_unit: "month" } }, [2, 0, 0, 0]],
    ["opened between 3 days and 4 weeks ago (units mixed, order free, bounds inclusive)", "opened", "=", { time_range: { operator: "between", in_last: 3, in_last_unit: "day", to: 4, to_unit: "week" } }, [1, 0, 1, 1]],
    ["opened in a custom range", "opened", "=", { time_range: { operator: "custom", from_date: NOW - 36 * DAY, to_date: NOW - 30 * DAY } }, [1, 0, 0, 0]],
    ["opened at least twice", "opened", "=", { repeat: { operator: ">=", counter: 2 } }, [2, 0, 0, 0]],
    ["opened 85362 at least 3 times", "opened", "=", { mailing_ids: [M2], repeat: { operator: ">=", counter: "3" } }, [1, 0, 0, 0]],
    ["opened fewer than 2 times (0 included)", "opened", "=", { repeat: { operator: "<", counter: 2 } }, [1, 1, 1, 1]],
    ["opened exactly once", "opened", "=", { repeat: { operator: "=", counter: 1 } }, [0, 0, 1, 1]],
    ["opened with Chrome", "opened", "=", { browsers: ["Chrome"] }, [1, 0, 0, 0]],
    ["opened with Safari or Firefox", "opened", "=", { browsers: ["Safari", "Firefox"] }, [0, 0, 1, 1]],
    ["opened from BH or GB", "opened", "=", { countries: ["BH", "GB"] }, [0, 0, 1, 1]],
    ["sent to AZ", "sent", "=", { countries: ["AZ"] }, [0, 1, 0, 0]],
    ["opened on Win8.1", "opened", "=", { platforms: ["Win8.1"] }, [1, 0, 0, 1]],
    ["sends carry no platform", "sent", "=", { platforms: ["Linux"] }, [0, 0, 0, 0]],
    ["every filter at once", "opened", "=", { mailing_ids: [M1, M2], esp_connection_ids: [60129], browsers: ["Edge"], countries: ["US"], platforms: ["Win8.1"], time_range: { operator: "between", in_last: 10, in_last_unit: "day" }, repeat: { operator: ">", counter: 2 } }, [1, 0, 0, 0]],
  ])("%s", async (_name, field, operator, operand, expected) => {
    expect(await count([beh(field, operator, operand)])).toEqual(expected);
  });
});

describe("parentheses and OR groups", () => {
  it("the documented OR group: email LIKE gmail AND (first OR last OR address empty)", async () => {
    const group = "Missing name or address";
    expect(
      await count([
        rule("email", "string", "LIKE", ["gmail"]),
        rule("first_name", "string", "empty", undefined, { group, left_parenthesis: 1 }),
        rule("last_name", "string", "empty", undefined, { group, condition: "or" }),
        rule("address", "string", "empty", undefined, { group, condition: "or", right_parenthesis: 1 }),
      ]),
    ).toEqual([0, 1, 0, 0]);
  });

  it("without the parentheses AND binds tighter than OR, so the count changes", async () => {
    expect(
      await count([
        rule("email", "string", "LIKE", ["gmail"]),
        rule("first_name", "string", "empty"),
        rule("last_name", "string", "empty", undefined, { condition: "or" }),
        rule("address", "string", "empty", undefined, { condition: "or" }),
      ]),
    ).toEqual([1, 1, 0, 1]);
  });

  it("OR then AND: parentheses decide", async () => {
    const bobOrDan = [rule("first_name", "string", "=", ["Bob"]), rule("first_name", "string", "=", ["Dan"], { condition: "or" })];
    expect(await count([...bobOrDan, rule("product_id", "numeric", ">", [1000])])).toEqual([0, 0, 1, 1]);
    expect(
      await count([
        { ...bobOrDan[0], left_parenthesis: 1 },
        { ...bobOrDan[1], right_parenthesis: 1 },
        rule("product_id", "numeric", ">", [1000]),
      ]),
    ).toEqual([0, 0, 1, 0]);
  });

  it("nested parentheses: ((Ann OR Fay) AND product 100) OR email ends with .org; positions order the rules", async () => {
    expect(
      await count([
        { ...rule("email", "email", "LIKE_", [".org"], { condition: "or" }), position: 3 },
        { ...rule("first_name", "string", "=", ["Ann"]), left_parenthesis: 2, position: 0 },
        { ...rule("first_name", "string", "=", ["Fay"], { condition: "or" }), right_parenthesis: 1, position: 1 },
        { ...rule("product_id", "numeric", "=", [100]), right_parenthesis: 1, position: 2 },
      ]),
    ).toEqual([3, 0, 0, 0]);
  });
});

describe("segments: by id, segment-of-segment, white-list, external", () => {
  it("segment_id counts the segment's rules and sets last_count; the count moves when the rules move", async () => {
    const id = await segment({ name: "gmail", criteria: [rule("email", "email", "LIKE", ["gmail"])] });
    expect(await count({ segment_id: id })).toEqual([2, 1, 0, 0]);
    expect((await call(em, "GET", `/${LIST}/api/segments/${id}`)).body.payload.last_count).toBe("2");
    await call(em, "PUT", `/${LIST}/api/segments/${id}`, { name: "yahoo", type: "Active", criteria: [rule("email", "email", "LIKE", ["yahoo"])] });
    expect(await count({ segment_id: id })).toEqual([0, 0, 0, 1]);
    expect((await call(em, "GET", `/${LIST}/api/segments/${id}`)).body.payload.last_count).toBe("0");
  });

  it("segment rules: = is membership of any listed segment, != of none; nesting follows the inner segment's rules", async () => {
    const gmail = await segment({ name: "gmail", criteria: [rule("email", "email", "LIKE", ["gmail"])] });
    const seg = (operator: string, ids: number[]) => ({ type: "segment", operator, operand: ids, condition: "and" });
    expect(await count([seg("=", [gmail])])).toEqual([2, 1, 0, 0]);
    expect(await count([seg("!=", [gmail])])).toEqual([1, 0, 1, 1]);
    expect(await count([seg("=", [gmail]), rule("product_id", "numeric", "=", [100])])).toEqual([2, 0, 0, 0]);
    const named = await segment({ name: "gmail with a last name", criteria: [seg("=", [gmail]), rule("last_name", "string", "notempty")] });
    const dan = await segment({ name: "dan", criteria: [rule("first_name", "string", "=", ["dan"])] });
    expect(await count([seg("=", [named, dan])])).toEqual([2, 0, 1, 0]);
    await call(em, "PUT", `/${LIST}/api/segments/${gmail}`, { name: "yahoo", type: "Active", criteria: [rule("email", "email", "LIKE", ["yahoo"])] });
    expect(await count([seg("=", [named])])).toEqual([0, 0, 0, 1]);
  });

  it("a white-list counts the listed contacts under their own status (addresses match case-insensitively; unknown ones count nothing)", async () => {
    const id = await segment({
      name: "wl", is_whitelist: true,
      criteria: [rule("email", "email", "=", ["ann.lee@gmail.com", "nobody@nowhere.com", "BOB@yahoo.com"])],
    });
    expect(await count({ segment_id: id })).toEqual([1, 0, 0, 1]);
  });

  it("an external segment counts its recipients that are contacts; insert_missing and include_unsubscribes change that", async () => {
    const recipients = [{ email: "ann.lee@gmail.com" }, { email: " bob@yahoo.com " }, { email: "new@elsewhere.com" }];
    const plain = await segment({ name: "ext", is_external: true });
    expect(await count({ segment_id: plain })).toEqual([0, 0, 0, 0]);
    await call(em, "PUT", `/${LIST}/api/segments/${plain}/populate_external`, { recipients });
    expect(await count({ segment_id: plain })).toEqual([1, 0, 0, 1]);
    const loose = await segment({ name: "ext2", is_external: true, external_insert_missing: true, external_include_unsubscribes: true });
    await call(em, "PUT", `/${LIST}/api/segments/${loose}/populate_external`, { recipients });
    expect(await count({ segment_id: loose })).toEqual([3, 0, 0, 0]);
    expect(await count([{ type: "segment", operator: "=", operand: [loose], condition: "and" }])).toEqual([1, 0, 0, 1]);
  });

  it("a deleted segment referenced by a rule has no members", async () => {
    const gmail = await segment({ name: "gmail", criteria: [rule("email", "email", "LIKE", ["gmail"])] });
    const outer = await segment({ name: "outer", criteria: [{ type: "segment", operator: "=", operand: [gmail], condition: "and" }] });
    await call(em, "DELETE", `/${LIST}/api/segments/${gmail}`);
    expect(await count({ segment_id: outer })).toEqual([0, 0, 0, 0]);
  });
});

describe("store API", () => {
  it("matchingContacts names who is selected; countFor validates criteria like the route", async () => {
    expect(em.store.matchingContacts(LIST, [rule("email", "email", "LIKE", ["gmail"])] as never).map((c) => c.fields.email)).toEqual([
      "Ann.Lee@gmail.com", "cara@GMAIL.com", "fay.smith@gmail.co.uk",
    ]);
    expect(() => em.store.countFor(LIST, [rule("email", "email", "><", ["a", "b"])] as never)).toThrow(/criteria\[0\]\.operator/);
    expect(() => em.store.setContacts(LIST, [{ email: "x@y.z", fields: { shoe_size: 42 } }])).toThrow(/shoe_size is not a field of list 3001/);
  });

  it("invalid criteria on the route → 500 validation error naming the field", async () => {
    const r = await call(em, "POST", `/${LIST}/api/contact_counts`, { criteria: [beh("opened", "=", { time_range: { operator: "between", in_last: 3, in_last_unit: "fortnight" } })] });
    expect(r.status).toBe(500);
    expect(r.body.payload.message).toMatch(/^Validation error: criteria\[0\]\.operand\.time_range\.in_last_unit: must be one of minute, hour, day, week, month, year/);
  });
});
