import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AntsEmulator, startAntsEmulator } from "../../../emulators/ants/server";
import { getJson, token, uploadFile } from "./client";

describe("ANTS emulator: upload file data for segment", () => {
  let em: AntsEmulator;
  let tok: string;
  beforeAll(async () => {
    em = await startAntsEmulator();
    tok = await token(em);
  });
  afterAll(() => em.close());

  it("detects a comma delimiter and numbers headers from 0", async () => {
    const r = await uploadFile(em, tok, "people.csv", "email,phone,name\na@x.io,1,A\nb@x.io,2,B\n");
    expect(r.status).toBe(200);
    const e = r.body.data.entries[0];
    expect(e).toMatchObject({ extension: "csv", delimiter: ",", delimiterCode: "comma" });
    expect(e.headerFiles).toEqual([
      { headerCode: "email", headerIndex: 0 },
      { headerCode: "phone", headerIndex: 1 },
      { headerCode: "name", headerIndex: 2 },
    ]);
    const stored = em.store.findUpload(e.filePath, e.fileName);
    expect(stored).toMatchObject({ rowCount: 2, headers: ["email", "phone", "name"], originalFileName: "people.csv", itemTypeId: -1003 });
  });

  it("detects tab, semicolon and pipe", async () => {
    const tab = await uploadFile(em, tok, "a.tsv", "id\tname\n1\tA\n");
    expect(tab.body.data.entries[0]).toMatchObject({ extension: "tsv", delimiter: "\t", delimiterCode: "tab" });
    const semi = await uploadFile(em, tok, "b.csv", "id;name;phone\n1;A;2\n");
    expect(semi.body.data.entries[0]).toMatchObject({ delimiter: ";", delimiterCode: "semicolon" });
    const pipe = await uploadFile(em, tok, "c.txt", "id|name\n1|A\n");
    expect(pipe.body.data.entries[0]).toMatchObject({ extension: "txt", delimiter: "|", delimiterCode: "pipe" });
  });

  it("names visitor uploads after item type -1007 and gives each upload its own path", async () => {
    const a = await uploadFile(em, tok, "v.csv", "user_id\nu1\n", -1007);
    const b = await uploadFile(em, tok, "v.csv", "user_id\nu1\n", -1007);
    expect(a.body.data.entries[0].fileName).toMatch(/^-1007_/);
    expect(a.body.data.entries[0].filePath).not.toBe(b.body.data.entries[0].filePath);
    expect(a.body.data.entries[0].fileName).not.toBe(b.body.data.entries[0].fileName);
  });

  it("rejects an empty file, a file without header, an unknown item type and a missing part", async () => {
    const empty = await uploadFile(em, tok, "empty.csv", "");
    expect(empty.status).toBe(400);
    expect(empty.body).toEqual({ code: 400, message: "file: the file is empty", data: null });
    const blankOnly = await uploadFile(em, tok, "blank.csv", "\n\n  \n");
    expect(blankOnly.body.message).toMatch(/empty/);
    const noHeader = await uploadFile(em, tok, "nohead.csv", "1,2,3\n4,5,6\n");
    expect(noHeader.status).toBe(400);
    expect(noHeader.body.message).toMatch(/^file: .*header/);
    const emptyHeaderCell = await uploadFile(em, tok, "gap.csv", "id,,name\n1,2,3\n");
    expect(emptyHeaderCell.body.message).toMatch(/header column 1 is empty/);
    const badType = await uploadFile(em, tok, "x.csv", "id\n1\n", -1004);
    expect(badType.status).toBe(400);
    expect(badType.body.message).toMatch(/^itemTypeId: /);
    const xlsx = await uploadFile(em, tok, "x.xlsx", "binary");
    expect(xlsx.status).toBe(400);

    const form = new FormData();
    form.append("data", new Blob(["id\n1\n"]), "x.csv");
    const res = await fetch(`${em.url}/segment/upload/-1003`, { method: "POST", headers: { authorization: `Bearer ${tok}` }, body: form });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/^file: is required/);
  });
});

describe("ANTS emulator: BO attributes", () => {
  let em: AntsEmulator;
  let tok: string;
  beforeAll(async () => {
    em = await startAntsEmulator();
    tok = await token(em, "item");
  });
  afterAll(() => em.close());

  it("lists customer attributes with their datatype", async () => {
    const r = await getJson(em, "/item/-1003/attribute", tok);
    expect(r.body.code).toBe(200);
    const byName = Object.fromEntries(r.body.data.entries.map((a: any) => [a.item_property_name, a]));
    for (const n of ["id", "customer_id", "name", "email", "phone", "date_created", "birthday", "gender", "total_spent", "is_vip", "tags"]) {
      expect(byName[n], n).toBeDefined();
    }
    expect(byName.total_spent).toMatchObject({ data_type: "NUMBER", item_type_id: -1003, status: 1 });
    expect(byName.is_vip.data_type).toBe("BOOLEAN");
    expect(byName.tags.data_type).toBe("ARRAY");
    expect(byName.date_created.data_type).toBe("DATETIME");
    expect(r.body.data.meta.total).toBe(r.body.data.entries.length);
  });

  it("lists visitor attributes and rejects other BO ids", async () => {
    const r = await getJson(em, "/item/-1007/attribute", tok);
    const names = r.body.data.entries.map((a: any) => a.item_property_name);
    expect(names).toEqual(expect.arrayContaining(["user_id", "device_id", "email", "phone", "date_created", "last_seen"]));
    const bad = await getJson(em, "/item/-1/attribute", tok);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^bo_id: /);
  });
});
