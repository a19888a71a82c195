import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type AntsEmulator, startAntsEmulator } from "../../../emulators/ants/server";
import { postJson, seedCreateBody, SEED_FILE, token, uploadFile } from "./client";

describe("ANTS emulator: Create validation names the offending field", () => {
  let em: AntsEmulator;
  let tok: string;
  let body: any;
  beforeAll(async () => {
    em = await startAntsEmulator();
    tok = await token(em);
  });
  afterAll(() => em.close());
  beforeEach(async () => {
    const up = await uploadFile(em, tok, "test_upload.csv", SEED_FILE);
    body = seedCreateBody(up.body.data.entries[0]);
  });

  async function rejected(): Promise<string> {
    const before = em.store.allSegments().length;
    const r = await postJson(em, "/segment/create", body, tok);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(400);
    expect(r.body.data).toBeNull();
    expect(em.store.allSegments().length).toBe(before);
    return r.body.message as string;
  }

  it("rejects six mapping fields", async () => {
    const m = body.conditions.mapping_fields;
    body.conditions.mapping_fields = [...m, m[0], m[1]];
    expect(await rejected()).toMatch(/^conditions\.mapping_fields: .*at most 5/);
  });

  it("rejects zero mapping fields", async () => {
    body.conditions.mapping_fields = [];
    expect(await rejected()).toMatch(/^conditions\.mapping_fields: /);
  });

  it("rejects `exactly` on a NUMBER attribute and names the operator's path", async () => {
    body.conditions.mapping_fields[2] = { item_attribute_code: "total_spent", operator: "exactly", header_code: "id", header_index: 0 };
    const msg = await rejected();
    expect(msg).toMatch(/^conditions\.mapping_fields\[2\]\.operator: /);
    expect(msg).toContain("NUMBER");
  });

  it("rejects `equals` on a STRING attribute and any operator on an ARRAY attribute", async () => {
    body.conditions.mapping_fields[0].operator = "equals";
    expect(await rejected()).toMatch(/^conditions\.mapping_fields\[0\]\.operator: .*exactly/);
    body.conditions.mapping_fields[0] = { item_attribute_code: "tags", operator: "exactly", header_code: "id", header_index: 0 };
    expect(await rejected()).toMatch(/^conditions\.mapping_fields\[0\]\.operator: .*ARRAY/);
  });

  it("rejects an unknown attribute", async () => {
    body.conditions.mapping_fields[1].item_attribute_code = "shoe_size";
    expect(await rejected()).toMatch(/^conditions\.mapping_fields\[1\]\.item_attribute_code: "shoe_size"/);
  });

  it("rejects a visitor-only attribute on a customer segment", async () => {
    body.conditions.mapping_fields[0].item_attribute_code = "device_id";
    expect(await rejected()).toMatch(/^conditions\.mapping_fields\[0\]\.item_attribute_code: /);
  });

  it("rejects a header_index that does not match the upload", async () => {
    body.conditions.mapping_fields[3].header_index = 3;
    expect(await rejected()).toMatch(/^conditions\.mapping_fields\[3\]\.header_index: .*index 2/);
    body.conditions.mapping_fields[3].header_index = 2;
    body.conditions.mapping_fields[3].header_code = "nope";
    expect(await rejected()).toMatch(/^conditions\.mapping_fields\[3\]\.header_code: /);
  });

  it("rejects repeatValue out of range", async () => {
    body.computeSchedule = { type: "dynamic", repeatType: "hours", repeatValue: 25 };
    expect(await rejected()).toMatch(/^computeSchedule\.repeatValue: 25 is out of range .*1-24/);
    body.computeSchedule = { type: "dynamic", repeatType: "months", repeatValue: 0 };
    expect(await rejected()).toMatch(/^computeSchedule\.repeatValue: /);
    body.computeSchedule = { type: "dynamic", repeatType: "days" };
    expect(await rejected()).toMatch(/^computeSchedule\.repeatValue: is required/);
  });

  it("rejects an unknown upload and an upload made for the other item type", async () => {
    body.conditions.file_path = "/S3/cdp-import-export/import/segment/1";
    expect(await rejected()).toMatch(/^conditions\.file_path: /);
    const visitorUpload = await uploadFile(em, tok, "test_upload.csv", SEED_FILE, -1007);
    body = seedCreateBody(visitorUpload.body.data.entries[0]);
    expect(await rejected()).toMatch(/^conditions\.file_path: .*-1007/);
  });

  it("rejects a delimiter or extension that differs from the upload", async () => {
    body.conditions.delimiter = "tab";
    expect(await rejected()).toMatch(/^conditions\.delimiter: .*delimiterCode/);
    body.conditions.delimiter = "\t";
    body.conditions.extension = "tsv";
    expect(await rejected()).toMatch(/^conditions\.extension: /);
  });

  it("rejects missing, empty and unknown fields", async () => {
    delete body.segmentDisplay;
    expect(await rejected()).toBe("segmentDisplay: is required");
    body.segmentDisplay = "  ";
    expect(await rejected()).toMatch(/^segmentDisplay: must not be empty/);
    body.segmentDisplay = "ok";
    body.conditions.methodd = "create";
    expect(await rejected()).toMatch(/^conditions: unknown field\(s\): methodd/);
    delete body.conditions.methodd;
    delete body.conditions.original_file_name;
    expect(await rejected()).toBe("conditions.original_file_name: is required");
  });

  it("rejects bad enums and flags deep in the body", async () => {
    body.itemTypeId = -1004;
    expect(await rejected()).toMatch(/^itemTypeId: must be -1003/);
    body.itemTypeId = -1003;
    body.conditions.criteria_logic = "xor";
    expect(await rejected()).toMatch(/^conditions\.criteria_logic: /);
    body.conditions.criteria_logic = "and";
    body.conditions.method = "append";
    expect(await rejected()).toMatch(/^conditions\.method: /);
    body.conditions.method = "create";
    body.shareAccess.list_access[0].role = 5;
    expect(await rejected()).toMatch(/^shareAccess\.list_access\[0\]\.role: /);
    body.shareAccess.list_access[0].role = 2;
    body.shareAccess.is_public = 2;
    expect(await rejected()).toMatch(/^shareAccess\.is_public: /);
    body.shareAccess.is_public = 1;
    body.alertSetting.alertScopes.failure = ["sms"];
    expect(await rejected()).toMatch(/^alertSetting\.alertScopes\.failure\[0\]: /);
  });

  it("checks the schedule's start and end times", async () => {
    body.computeSchedule = {
      type: "dynamic",
      repeatType: "days",
      repeatValue: 1,
      repeatStartTime: { day: "2025-02-30", hour: "03:00" },
    };
    expect(await rejected()).toMatch(/^computeSchedule\.repeatStartTime\.day: /);
    body.computeSchedule.repeatStartTime = { day: "2025-01-06", hour: "3am" };
    expect(await rejected()).toMatch(/^computeSchedule\.repeatStartTime\.hour: /);
    body.computeSchedule.repeatStartTime.hour = "03:00";
    body.computeSchedule.endTime = { type: "on_day" };
    expect(await rejected()).toMatch(/^computeSchedule\.endTime\.onDay: is required/);
    body.computeSchedule.endTime = { type: "after_num_running" };
    expect(await rejected()).toMatch(/^computeSchedule\.endTime\.numRunning: is required/);
    body.computeSchedule = { type: "static", repeatType: "days", repeatValue: 1 };
    expect(await rejected()).toMatch(/^computeSchedule\.repeatType: /);
  });

  it("rejects a body that is not JSON", async () => {
    const res = await fetch(`${em.url}/segment/create`, {
      method: "POST",
      headers: { authorization: `Bearer ${tok}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: 400, message: "body: is not valid JSON", data: null });
  });

  it("accepts method create, a dynamic schedule with every documented field, and numeric user ids", async () => {
    body.conditions.method = "create";
    body.conditions.criteria_logic = "and";
    body.computeSchedule = {
      type: "dynamic",
      repeatType: "weeks",
      repeatValue: 2,
      repeatOnValue: [1, 3],
      repeatStartTime: { day: "2025-01-06", hour: "03:00" },
      endTime: { type: "on_day", onDay: { day: "2025-07-04", hour: "02:00" } },
    };
    body.shareAccess = { description: "x", is_public: 1, public_role: 3, list_access: [{ user_id: 1600080515, allow_edit: 0, allow_view: 1, allow_comment: 0, role: 3 }] };
    const r = await postJson(em, "/segment/create", body, tok);
    expect(r.status).toBe(200);
    const id = r.body.data.entries[0];
    const listed = await postJson(
      em,
      "/segment/listing",
      { page: 1, limit: 5, search: String(id), columns: ["update_method", "compute_schedule", "compute_schedule_start", "compute_schedule_end"] },
      tok,
    );
    expect(listed.body.data.entries[0]).toMatchObject({
      update_method: "dynamic",
      compute_schedule: "Every 2 weeks",
      compute_schedule_start: "2025-01-06T03:00:00.000Z",
      compute_schedule_end: "04 July 2025 02:00:00",
    });
  });
});
