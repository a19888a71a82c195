import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AntsEmulator, startAntsEmulator } from "../../../emulators/ants/server";
import { postJson, seedCreateBody, token, uploadFile } from "./client";

/** Listing's `segment_size` (ants.md §4) is the uploaded file's data rows: not the header, not blank lines. */

const HEADER = "id\tcreated_date\tfrom_user\tto_user\tchannel\tmessage";
const row = (i: number, message = `m${i}`) => `${i}\t2024-01-0${(i % 9) + 1}\t8490000000${i}\tshop\tsms\t${message}`;

describe("ANTS emulator: segment_size", () => {
  let em: AntsEmulator;
  let tok: string;
  beforeAll(async () => {
    // Processing is immediate here; the pending state (segment_size null) is covered in seed.test.ts.
    em = await startAntsEmulator({ computeDelayMs: 0 });
    tok = await token(em);
  });
  afterAll(() => em.close());

  async function upload(text: string): Promise<{ filePath: string; fileName: string }> {
    const up = await uploadFile(em, tok, "members.csv", text);
    expect(up.status, up.text).toBe(200);
    return up.body.data.entries[0];
  }

  async function sizeOf(id: number): Promise<{ segment_size: number | null; row_count: string; process_status: number }> {
    const r = await postJson(em, "/segment/listing", { page: 1, limit: 10, search: String(id), columns: ["segment_id", "segment_size", "process_status"] }, tok);
    return r.body.data.entries.find((e: any) => e.segment_id === id);
  }

  it("counts data rows: blank lines, CRLF endings and a quoted multi-line field do not add rows", async () => {
    const text = [HEADER, row(1), "", row(2), `${row(3, '"line one\nline two"')}`, "", row(4), ""].join("\r\n");
    const file = await upload(text);
    const created = await postJson(em, "/segment/create", { ...seedCreateBody(file), segmentDisplay: "four rows" }, tok);
    expect(created.body.code, created.text).toBe(200);
    const id = created.body.data.entries[0] as number;
    expect(await sizeOf(id)).toMatchObject({ segment_size: 4, row_count: "4", process_status: 2 });
  });

  it("a header-only file gives 0; an update with a bigger file changes the size", async () => {
    const empty = await upload(`${HEADER}\n`);
    const created = await postJson(em, "/segment/create", { ...seedCreateBody(empty), segmentDisplay: "header only" }, tok);
    expect(created.body.code, created.text).toBe(200);
    const id = created.body.data.entries[0] as number;
    expect(await sizeOf(id)).toMatchObject({ segment_size: 0, row_count: "0" });

    const bigger = await upload([HEADER, ...Array.from({ length: 25 }, (_, i) => row(i + 1))].join("\n"));
    const updated = await postJson(em, "/segment/update", { segmentId: id, ...seedCreateBody(bigger), segmentDisplay: "header only" }, tok);
    expect(updated.body.code, updated.text).toBe(200);
    expect(await sizeOf(id)).toMatchObject({ segment_size: 25, row_count: "25", process_status: 2 });
  });
});
