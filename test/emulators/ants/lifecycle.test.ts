import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonFileState, stateSection } from "../../../emulators/harness/state-file";
import { type AntsEmulator, startAntsEmulator } from "../../../emulators/ants/server";
import { ALL_COLUMNS, createSeedSegment, getJson, postJson, seedCreateBody, SEED_FILE, token, uploadFile } from "./client";

const NGINX_429 =
  '<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body bgcolor="white">\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

describe("ANTS emulator: ASSUMED update and delete", () => {
  let em: AntsEmulator;
  let tok: string;
  beforeAll(async () => {
    em = await startAntsEmulator();
    tok = await token(em);
  });
  afterAll(() => em.close());

  const find = async (id: number) =>
    (await postJson(em, "/segment/listing", { page: 1, limit: 10, search: String(id), columns: ALL_COLUMNS }, tok)).body.data.entries.filter(
      (e: any) => e.segment_id === id,
    );

  it("updates a segment in place: same id, new name and mapping", async () => {
    const id = await createSeedSegment(em, tok, "before");
    const up = await uploadFile(em, tok, "second.csv", "phone,email\n1,a@x\n2,b@x\n");
    const body = { segmentId: id, ...seedCreateBody(up.body.data.entries[0]) };
    body.segmentDisplay = "after";
    body.conditions.delimiter = ",";
    body.conditions.mapping_fields = [{ item_attribute_code: "phone", operator: "exactly", header_code: "phone", header_index: 0 }];
    const r = await postJson(em, "/segment/update", body, tok);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ code: 200, message: "Success", data: { entries: [id], meta: { total: 1 } } });
    const [entry] = await find(id);
    expect(entry).toMatchObject({ segment_display: "after", row_count: "2", process_status: 1 });
  });

  it("refuses to change itemTypeId or computeSchedule.type, naming the field", async () => {
    const id = await createSeedSegment(em, tok);
    const up = await uploadFile(em, tok, "test_upload.csv", SEED_FILE);
    const body = { segmentId: id, ...seedCreateBody(up.body.data.entries[0]) };
    body.computeSchedule = { type: "dynamic", repeatType: "days", repeatValue: 1 };
    const r = await postJson(em, "/segment/update", body, tok);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(400);
    expect(r.body.message).toMatch(/^computeSchedule\.type: /);

    const visitorUp = await uploadFile(em, tok, "test_upload.csv", SEED_FILE, -1007);
    const vbody = { segmentId: id, ...seedCreateBody(visitorUp.body.data.entries[0]), itemTypeId: -1007 };
    vbody.conditions.mapping_fields = [{ item_attribute_code: "phone", operator: "exactly", header_code: "from_user", header_index: 2 }];
    const v = await postJson(em, "/segment/update", vbody, tok);
    expect(v.body.message).toMatch(/^itemTypeId: /);
  });

  it("requires every Create field again on update", async () => {
    const id = await createSeedSegment(em, tok);
    const r = await postJson(em, "/segment/update", { segmentId: id, segmentDisplay: "only a rename" }, tok);
    expect(r.status).toBe(400);
    expect(r.body.message).toBe("itemTypeId: is required");
  });

  it("deletes: the segment disappears from listing; unknown ids answer 404 Segment not found", async () => {
    const id = await createSeedSegment(em, tok, "to delete");
    const r = await postJson(em, "/segment/delete", { segmentId: id }, tok);
    expect(r.body).toMatchObject({ code: 200, data: { entries: [id], meta: { total: 1 } } });
    expect(await find(id)).toEqual([]);
    const again = await postJson(em, "/segment/delete", { segmentId: id }, tok);
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ code: 404, message: "Segment not found", data: null });
    const up = await uploadFile(em, tok, "test_upload.csv", SEED_FILE);
    const upd = await postJson(em, "/segment/update", { segmentId: 42, ...seedCreateBody(up.body.data.entries[0]) }, tok);
    expect(upd.status).toBe(404);
    expect(upd.body.message).toBe("Segment not found");
  });

  it("answers update/delete with an nginx 404 page when assumed endpoints are off", async () => {
    const id = await createSeedSegment(em, tok);
    em.setAssumedEndpoints(false);
    try {
      const del = await postJson(em, "/segment/delete", { segmentId: id }, tok);
      expect(del.status).toBe(404);
      expect(del.headers.get("content-type")).toMatch(/text\/html/);
      expect(del.text).toContain("404 Not Found");
      expect((await postJson(em, "/segment/update", { segmentId: id }, tok)).status).toBe(404);
      expect(await find(id)).toHaveLength(1);
    } finally {
      em.setAssumedEndpoints(true);
    }
    const off = await startAntsEmulator({ assumedEndpoints: false });
    try {
      expect((await postJson(off, "/segment/delete", { segmentId: 1 }, await token(off))).status).toBe(404);
    } finally {
      await off.close();
    }
  });

  it("answers unknown routes and wrong methods with 404", async () => {
    expect((await postJson(em, "/segment/archive", {}, tok)).status).toBe(404);
    expect((await getJson(em, "/segment/listing", tok)).status).toBe(404);
    expect((await fetch(`${em.authUrl}/nothing`)).status).toBe(404);
  });
});

describe("ANTS emulator: rate limit", () => {
  it("answers the documented code-500-wrapped nginx 429 body once the budget is spent", async () => {
    const em = await startAntsEmulator({ rateLimit: { perMinute: 3 } });
    try {
      const tok = await token(em);
      const q = { page: 1, limit: 1, columns: ["segment_id"] };
      for (let i = 0; i < 3; i++) expect((await postJson(em, "/segment/listing", q, tok)).body.code).toBe(200);
      const r = await postJson(em, "/segment/listing", q, tok);
      expect(r.status).toBe(429);
      expect(Object.keys(r.body)).toEqual(["code", "message", "duration"]);
      expect(r.body.code).toBe(500);
      expect(r.body.message).toBe(NGINX_429);
      // the token endpoint is a different host and not limited
      expect((await token(em)).length).toBeGreaterThan(0);
      em.setRateLimit(undefined);
      expect((await postJson(em, "/segment/listing", q, tok)).body.code).toBe(200);
    } finally {
      await em.close();
    }
  });

  it("can send the body with HTTP 200 and limits parallel requests", async () => {
    const em = await startAntsEmulator({ rateLimit: { perMinute: 100, parallel: 2 }, rateLimitHttpStatus: 200, latencyMs: 100 });
    try {
      const tok = await token(em);
      const q = { page: 1, limit: 1, columns: ["segment_id"] };
      const replies = await Promise.all([1, 2, 3, 4].map(() => postJson(em, "/segment/listing", q, tok)));
      const codes = replies.map((r) => r.body.code).sort();
      expect(codes).toEqual([200, 200, 500, 500]);
      expect(replies.every((r) => r.status === 200)).toBe(true);
    } finally {
      await em.close();
    }
  });
});

describe("ANTS emulator: persistence and reset", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ants-emu-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps uploads and segments across a restart; tokens must be renewed", async () => {
    const file = join(dir, "state.json");
    const persistence = stateSection(jsonFileState(file), "ants");
    const first = await startAntsEmulator({ persistence, computeDelayMs: 0 });
    const tok = await token(first);
    const id = await createSeedSegment(first, tok, "survivor");
    const up = await uploadFile(first, tok, "later.csv", "email\na@x\n");
    await first.close();
    expect(Object.keys(JSON.parse(readFileSync(file, "utf8")))).toEqual(["ants"]);

    const second = await startAntsEmulator({ persistence, computeDelayMs: 0 });
    try {
      const stale = await postJson(second, "/segment/listing", { page: 1, limit: 10, columns: ["segment_id"] }, tok);
      expect(stale.status).toBe(401);
      const tok2 = await token(second);
      const listed = await postJson(second, "/segment/listing", { page: 1, limit: 10, search: "survivor", columns: ["segment_id", "segment_size"] }, tok2);
      expect(listed.body.data.entries).toHaveLength(1);
      expect(listed.body.data.entries[0]).toMatchObject({ segment_id: id, segment_size: 3 });
      // an upload made before the restart can still be used, and ids keep increasing
      const body = seedCreateBody(up.body.data.entries[0]);
      body.conditions.delimiter = ",";
      body.conditions.mapping_fields = [{ item_attribute_code: "email", operator: "exactly", header_code: "email", header_index: 0 }];
      const created = await postJson(second, "/segment/create", body, tok2);
      expect(created.body.data.entries[0]).toBeGreaterThan(id);

      second.reset();
      const afterReset = await token(second);
      const empty = await postJson(second, "/segment/listing", { page: 1, limit: 10, columns: ["segment_id"] }, afterReset);
      expect(empty.body.data.meta.total).toBe(0);
      expect(second.http.requests).toHaveLength(2);
    } finally {
      await second.close();
    }
    const third = await startAntsEmulator({ persistence });
    try {
      expect(third.store.allSegments()).toEqual([]);
    } finally {
      await third.close();
    }
  });
});
