import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AntsEmulator, defaultAntsClients, startAntsEmulator } from "../../../emulators/ants/server";
import { ALL_COLUMNS, postJson, seedCreateBody, SEED_FILE, token, uploadFile } from "./client";

describe("ANTS emulator: the primary source's Create example, replayed", () => {
  let em: AntsEmulator;
  let tok: string;
  beforeAll(async () => {
    em = await startAntsEmulator({ computeDelayMs: 200 });
    tok = await token(em);
  });
  afterAll(() => em.close());

  it("upload → create with the seed body → listing finds it", async () => {
    const up = await uploadFile(em, tok, "test_upload.csv", SEED_FILE);
    expect(up.status).toBe(200);
    expect(up.body.code).toBe(200);
    expect(up.body.codeMessage).toBeNull();
    expect(up.body.duration).toMatch(/^\d+\.\d{3} ms$/);
    const file = up.body.data.entries[0];
    expect(up.body.data.meta).toEqual({ total: 1 });
    expect(file.filePath).toMatch(/^\/S3\/cdp-import-export\/import\/segment\/\d+$/);
    expect(file.fileName).toMatch(/^-1003_\d+_\d{13}\.csv$/);
    expect(file).toMatchObject({ extension: "csv", delimiter: "\t", delimiterCode: "tab" });
    expect(file.headerFiles.slice(0, 3)).toEqual([
      { headerCode: "id", headerIndex: 0 },
      { headerCode: "created_date", headerIndex: 1 },
      { headerCode: "from_user", headerIndex: 2 },
    ]);

    const created = await postJson(em, "/segment/create", seedCreateBody(file), tok);
    expect(created.status).toBe(200);
    expect(Object.keys(created.body)).toEqual(["code", "message", "data", "duration"]);
    expect(created.body).toMatchObject({ code: 200, message: "Success", data: { meta: { total: 1 } } });
    const id = created.body.data.entries[0];
    expect(typeof id).toBe("number");

    const listed = await postJson(em, "/segment/listing", { page: 1, limit: 10, search: String(id), columns: ALL_COLUMNS }, tok);
    expect(listed.body.code).toBe(200);
    expect(listed.body.data.meta).toEqual({ perPage: 10, total: 1 });
    const entry = listed.body.data.entries[0];
    expect(entry).toMatchObject({
      segment_id: id,
      segment_display: "[dat] test upload 5",
      update_method: "static",
      item_type_id: -1003,
      storage_type: "3",
      row_count: "3",
      status: 1,
      process_status: 1,
      segment_size: null,
      compute_schedule: "--",
      c_user_id: defaultAntsClients()[0]?.clientId,
      label_ids: [],
      segment_type: 4,
      used_by_modules: [],
    });
    expect(entry.accepted_actions.EDIT).toBe(true);
    expect(entry.ctime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    await new Promise((r) => setTimeout(r, 250));
    const later = await postJson(em, "/segment/listing", { page: 1, limit: 10, search: "test upload 5", columns: ["process_status", "segment_size", "last_processed_date"] }, tok);
    expect(later.body.data.entries[0]).toMatchObject({ process_status: 2, segment_size: 3 });
    expect(later.body.data.entries[0].last_processed_date).not.toBeNull();
    expect(later.body.data.entries[0]).not.toHaveProperty("segment_display");
  });

  it("sets x-request-id on every response", async () => {
    const r = await postJson(em, "/segment/listing", { page: 1, limit: 1, columns: ["segment_id"] }, tok);
    expect(r.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
