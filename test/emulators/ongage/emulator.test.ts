import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { INVALID_CREDENTIALS_MESSAGE } from "../../../emulators/ongage/routes";
import { type OngageEmulator, startOngageEmulator } from "../../../emulators/ongage/server";
import { authHeaders, call, EMAIL_DATE_LIST, errorEnvelope, NAMES_LIST } from "./http";

let em: OngageEmulator;
beforeAll(async () => {
  em = await startOngageEmulator({
    credentials: { username: "user@example.com", password: "s3cret", accountCode: "ACME1" },
    defaultListId: 10000,
    lists: [EMAIL_DATE_LIST, NAMES_LIST, { id: 1111 }, { id: 2222 }, { id: 3333 }],
  });
});
afterAll(async () => em.close());
beforeEach(() => em.reset());

/** POST then GET the created segment; returns the GET payload. */
async function createAndGet(listId: number, body: unknown): Promise<any> {
  const created = await call(em, "POST", `/${listId}/api/segments`, body);
  expect(created.status, created.text).toBe(200);
  expect(created.body.metadata).toEqual({ error: false });
  expect(created.body.payload.id).toMatch(/^\d+$/);
  const got = await call(em, "GET", `/${listId}/api/segments/${created.body.payload.id}`);
  expect(got.status).toBe(200);
  expect(got.body.payload).toEqual(created.body.payload);
  return got.body.payload;
}

describe("documented request examples (ongage.md §7) are accepted and read back with the §4 quirks", () => {
  it("7.1 two rules: email LIKE and date before; date operand comes back as a bare epoch number", async () => {
    const seg = await createAndGet(2001, {
      name: "My segment", type: "Active", description: "This is my segment",
      criteria: [
        { field_id: 1234, type: "email", position: 0, operator: "LIKE", operand: ["gmail"], condition: "and" },
        { field_id: 1235, type: "date_absolute", position: 1, operator: "<", operand: [884404800], condition: "and" },
      ],
    });
    expect(seg).toMatchObject({
      list_id: "2001", name: "My segment", type: "Active", description: "This is my segment", favorite: "0",
      deleted: "0", is_external: "0", external_url: null, external_insert_missing: "0", external_include_unsubscribes: "0",
      last_count_request_date: null, included_segment_cache: null, excluded_segment_cache: null,
      segment_quota: "0", is_quota_percent: "0", default_include_segment: "0", default_exclude_segment: "0",
      mailings: [], can_delete: true,
    });
    for (const k of ["id", "last_count", "last_count_date", "created_by", "created", "modified_by", "modified", "user_modified"]) {
      expect(seg[k], k).toMatch(/^\d+$/);
    }
    expect(seg).not.toHaveProperty("is_whitelist");
    expect(seg.rules).toEqual([
      {
        id: expect.stringMatching(/^\d+$/), segment_id: seg.id, position: "0", left_parenthesis: "0",
        field_id: "1234", field_name: "email", operator: "LIKE", operand: '["gmail"]', is_external_operand: "0",
        right_parenthesis: "0", condition: "and", case_sensitive: "0", type: "email", group: "",
      },
      {
        id: expect.stringMatching(/^\d+$/), segment_id: seg.id, position: "1", left_parenthesis: "0",
        field_id: "1235", field_name: "birthdate", operator: "<", operand: "[884404800]", is_external_operand: "0",
        right_parenthesis: "0", condition: "and", case_sensitive: "0", type: "date_absolute", group: "",
      },
    ]);
    expect(typeof seg.can_delete).toBe("boolean");
  });

  it("7.2 one rule with several values; case_sensitive \"1\" kept", async () => {
    const seg = await createAndGet(2002, {
      name: "My segment", type: "Active", description: "This is my segment",
      criteria: [{ field_id: 1234, type: "string", position: 0, operator: "LIKE", case_sensitive: "1", operand: ["James", "Peter", "David"], condition: "and" }],
    });
    expect(seg.rules).toHaveLength(1);
    expect(seg.rules[0]).toMatchObject({ field_id: "1234", field_name: "first_name", case_sensitive: "1", operand: '["James","Peter","David"]' });
  });

  it("7.3 OR group: parentheses and group label come back as strings, notempty has no operand", async () => {
    const group = "First name or last name or address";
    const seg = await createAndGet(2002, {
      name: "My Group segment", type: "Active", description: "This is my segment",
      criteria: [
        { field_id: 1233, type: "string", position: 0, operator: "LIKE", operand: ["@gmail"], condition: "and" },
        { field_id: 1234, type: "string", group, position: 1, left_parenthesis: 1, operator: "notempty", condition: "and" },
        { field_id: 1235, type: "string", group, position: 1, operator: "notempty", condition: "or" },
        { field_id: 1236, type: "string", group, position: 2, right_parenthesis: 1, operator: "notempty", condition: "or" },
      ],
    });
    expect(seg.rules.map((r: any) => [r.position, r.field_name, r.left_parenthesis, r.right_parenthesis, r.condition, r.group])).toEqual([
      ["0", "email", "0", "0", "and", ""],
      ["1", "first_name", "1", "0", "and", group],
      ["1", "last_name", "0", "0", "or", group],
      ["2", "address", "0", "1", "or", group],
    ]);
    expect(seg.rules[1].operator).toBe("notempty");
  });

  it("7.4 behavioral: operand is an object, ids as strings, empty sub-objects as [], dates as epoch numbers", async () => {
    const seg = await createAndGet(10000, {
      name: "Behavioral Segment", type: "Active",
      criteria: [
        {
          type: "behavioral", position: 1, field_name: "opened", operator: "=",
          operand: {
            mailing_ids: [85362, 85360], esp_connection_ids: [60133, 60387],
            time_range: { operator: "between", in_last: 30, in_last_unit: "day", to: 2, to_unit: "month" },
            browsers: ["Chrome"], countries: ["AZ", "BH"], platforms: ["Linux", "Win8.1"],
          },
          condition: "and",
        },
        {
          type: "behavioral", position: 1, field_name: "clicked", operator: "=",
          operand: { time_range: { operator: "custom", from_date: "2017-02-01 10:30:00", to_date: "2017-02-23 10:30:00" } },
          condition: "and",
        },
      ],
    });
    expect(seg.rules[0]).toMatchObject({ field_id: "0", field_name: "opened", type: "behavioral", is_external_operand: "0" });
    expect(seg.rules[0].operand).toEqual({
      mailing_ids: ["85362", "85360"], esp_connection_ids: ["60133", "60387"],
      time_range: { operator: "between", in_last: "30", in_last_unit: "day", to: "2", to_unit: "month" },
      repeat: [], browsers: ["Chrome"], countries: ["AZ", "BH"], platforms: ["Linux", "Win8.1"],
    });
    expect(seg.rules[1].operand).toEqual({
      mailing_ids: [], esp_connection_ids: [],
      time_range: { operator: "custom", from_date: Date.UTC(2017, 1, 1, 10, 30) / 1000, to_date: Date.UTC(2017, 1, 23, 10, 30) / 1000 },
      repeat: [], browsers: [], countries: [], platforms: [],
    });
  });

  it("7.5 import id: name-addressed system field gets field_id \"0\" and a quoted operand", async () => {
    const seg = await createAndGet(10000, {
      name: "Segment Based on Import ID", type: "Active", description: "Segment based on Import ID",
      criteria: [{ condition: "and", field_name: "ocx_import_id", type: "numeric", position: 0, operator: "=", operand: ["11111111"] }],
    });
    expect(seg.rules[0]).toMatchObject({ field_id: "0", field_name: "ocx_import_id", type: "numeric", operand: '["11111111"]' });
  });

  it("7.6 white-list: accepted, but is_whitelist is never echoed", async () => {
    const seg = await createAndGet(2001, {
      name: "Whitelist Segment", type: "Active", description: "This is a Whitelist Segment", is_whitelist: true,
      criteria: [{ field_id: 1234, type: "email", position: 0, operator: "=", operand: ["james@test.com", "peter@test.com", "david@test.com"], condition: "and" }],
    });
    expect(seg).not.toHaveProperty("is_whitelist");
    expect(seg.rules[0].operand).toBe('["james@test.com","peter@test.com","david@test.com"]');
    expect(em.store.rawSegment(Number(seg.id))?.is_whitelist).toBe(true);
  });

  it("§4.2 system-field rules: relative days quoted, absolute dates bare", async () => {
    const seg = await createAndGet(10000, {
      name: "system fields", type: "Active",
      criteria: [
        { field_name: "ocx_created_date", type: "date_relative", position: 0, operator: "<=", operand: ["13"], condition: "and" },
        { field_name: "ocx_unsubscribe_date", type: "date_absolute", position: 1, operator: "=", operand: [1503705600], condition: "and" },
        { field_name: "ocx_import_id", type: "numeric", position: 2, operator: "=", operand: [13, "23456"], condition: "and" },
      ],
    });
    expect(seg.rules.map((r: any) => r.operand)).toEqual(['["13"]', "[1503705600]", '["13","23456"]']);
  });
});

describe("list selection (FAQ precedence: body > query > route prefix > default)", () => {
  it("route 1111, query 2222, body 3333 → the segment is saved under list 3333", async () => {
    const r = await call(em, "POST", "/1111/api/segments?list_id=2222", { list_id: 3333, name: "precedence", type: "Active" });
    expect(r.status).toBe(200);
    expect(r.body.payload.list_id).toBe("3333");
    expect((await call(em, "GET", `/3333/api/segments/${r.body.payload.id}`)).status).toBe(200);
  });

  it("query beats route prefix; route prefix beats the default list", async () => {
    const q = await call(em, "POST", "/1111/api/segments?list_id=2222", { name: "q", type: "Active" });
    expect(q.body.payload.list_id).toBe("2222");
    const p = await call(em, "POST", "/1111/api/segments", { name: "p", type: "Active" });
    expect(p.body.payload.list_id).toBe("1111");
    const d = await call(em, "POST", "/api/segments", { name: "d", type: "Active" });
    expect(d.body.payload.list_id).toBe("10000");
    expect((await call(em, "GET", `/api/segments/${d.body.payload.id}`)).status).toBe(200);
  });

  it("a segment addressed through another list is not found", async () => {
    const r = await call(em, "POST", "/1111/api/segments", { name: "mine", type: "Active" });
    const id = r.body.payload.id;
    expect((await call(em, "GET", `/2222/api/segments/${id}`)).body).toEqual(errorEnvelope(404));
    expect((await call(em, "GET", `/api/segments/${id}`)).status).toBe(404);
    expect((await call(em, "GET", `/1111/api/segments/${id}?list_id=2222`)).status).toBe(404);
    expect((await call(em, "PUT", `/2222/api/segments/${id}`, { name: "x", type: "Active" })).status).toBe(404);
    expect((await call(em, "DELETE", `/2222/api/segments/${id}`)).status).toBe(404);
  });

  it("an unknown list is a 404 envelope", async () => {
    expect((await call(em, "GET", "/9999/api/segments")).body).toEqual(errorEnvelope(404));
    expect((await call(em, "POST", "/api/segments", { list_id: 9999, name: "x", type: "Active" })).status).toBe(404);
  });
});

describe("authentication and access", () => {
  it("wrong password → 401 with the user-reported envelope, exactly", async () => {
    const r = await call(em, "GET", "/api/segments", undefined, { ...authHeaders(em), x_password: "wrong" });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ metadata: { error: true }, payload: { code: 401, errors: [], message: INVALID_CREDENTIALS_MESSAGE } });
    expect(r.body.payload.message).toMatch(/^Invalid Credentials\. Please provide valid x_username, x_password and x_account_code headers\./);
  });

  it("missing headers, or dash-spelt header names, are rejected", async () => {
    expect((await call(em, "GET", "/api/segments", undefined, {})).status).toBe(401);
    const c = em.credentials;
    const dashed = { "x-username": c.username, "x-password": c.password, "x-account-code": c.accountCode };
    expect((await call(em, "GET", "/api/segments", undefined, dashed)).status).toBe(401);
    expect((await call(em, "GET", "/api/segments", undefined, { ...authHeaders(em), x_account_code: "OTHER" })).status).toBe(401);
  });

  it("an account without API access gets 403 envelopes", async () => {
    em.setApiAccess(false);
    try {
      const r = await call(em, "GET", "/api/segments");
      expect(r.status).toBe(403);
      expect(r.body).toEqual(errorEnvelope(403));
    } finally {
      em.setApiAccess(true);
    }
  });

  it("every reply carries an x-request-id matching the request log", async () => {
    const r = await call(em, "GET", "/api/segments");
    const id = r.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(em.http.requests.at(-1)?.requestId).toBe(id);
  });
});

describe("routes", () => {
  it("unknown routes and methods are a web server's HTML 404 page, not the API's JSON envelope", async () => {
    for (const [method, path] of [["GET", "/api/nothing"], ["PATCH", "/api/segments/1"], ["POST", "/api/segments/1"], ["GET", "/api/segments/abc"], ["GET", "/API/segments"]] as const) {
      const r = await call(em, method, path);
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.headers.get("content-type"), `${method} ${path}`).toMatch(/^text\/html/);
      expect(r.body, `${method} ${path}`).toBeUndefined();
      expect(r.text).toContain("<center><h1>404 Not Found</h1></center>");
      expect(r.text).toContain("nginx");
    }
  });

  it("unknown segment id → 404 envelope", async () => {
    expect((await call(em, "GET", "/10000/api/segments/424242")).body).toEqual(errorEnvelope(404));
  });

  it("list_fields returns the default list's typical fields with native numbers and booleans", async () => {
    const r = await call(em, "GET", "/api/list_fields");
    expect(r.status).toBe(200);
    expect(r.body.metadata).toEqual({ error: false, total: 6 });
    expect(r.body.payload.map((f: any) => [f.name, f.type])).toEqual([
      ["email", "email"], ["first_name", "string"], ["last_name", "string"], ["address", "string"], ["birthdate", "date"], ["product_id", "numeric"],
    ]);
    const email = r.body.payload[0];
    expect(email).toMatchObject({ list_id: 10000, mandatory: true, position: 0, is_sms: false, deleted: null, default: null });
    expect(typeof email.id).toBe("number");
    const two = await call(em, "GET", "/2002/api/list_fields?limit=2&offset=1");
    expect(two.body.metadata.total).toBe(4);
    expect(two.body.payload.map((f: any) => f.id)).toEqual([1234, 1235]);
  });
});
