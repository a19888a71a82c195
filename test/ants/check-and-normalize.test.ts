import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MockAgent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from "undici";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { canonicalFromInputs, canonicalFromWire, resolveRules, toRequestBody } from "../../provider/ants/normalize";
import { segmentProvider } from "../../provider/ants/provider";
import { HttpClient } from "../../provider/http/client";
import { type SegmentOutputs } from "../../provider/ants/canonical";
import { SegmentInputs } from "../../provider/ants/inputs";
import { PREVIEW_UNKNOWN as UNKNOWN } from "../../provider/pulumi/unknowns";

const dir = mkdtempSync(join(tmpdir(), "ants-check-"));
const SEED = "id\tcreated_date\tfrom_user\tto_user\tchannel\tmessage\n1\t2024-01-02\t84900000001\tshop\tsms\tAlice\n";
const seedPath = join(dir, "test_upload.csv");
writeFileSync(seedPath, SEED);
const commaPath = join(dir, "members.csv");
writeFileSync(commaPath, "email,phone\na@example.com,1\n");

let agent: MockAgent;
let previous: Dispatcher;
let dispatched: ReturnType<typeof vi.spyOn>;
beforeAll(() => {
  previous = getGlobalDispatcher();
  agent = new MockAgent();
  agent.disableNetConnect();
  setGlobalDispatcher(agent);
  dispatched = vi.spyOn(HttpClient.prototype, "send");
});
afterAll(async () => {
  // check never made a request, whatever the input.
  expect(dispatched).not.toHaveBeenCalled();
  setGlobalDispatcher(previous);
  await agent.close();
});

const base = {
  name: " [dat] test upload 5 ",
  audience: "customer",
  file: { path: seedPath },
  matchRules: [
    { column: "id", attribute: "id" },
    { column: "message", attribute: "name", operator: "exactly" },
    { column: "created_date", attribute: "date_created" },
    { column: "from_user", attribute: "phone" },
  ],
};
const check = (news: Record<string, unknown>) => segmentProvider.check({}, news);

describe("ants check", () => {
  it("returns canonical inputs: defaults filled, file hashed, delimiter detected, headers listed", async () => {
    const res = await check({ ...base, alerts: { accountIds: [1600080515, "42"], onFailure: ["email", "app_push"] }, shareAccess: { users: [{ userId: "1600080515", role: "owner" }] } });
    expect(res.failures ?? []).toEqual([]);
    expect(res.inputs).toMatchObject({
      name: "[dat] test upload 5",
      audience: "customer",
      file: { path: seedPath, delimiter: "tab", sha256: expect.stringMatching(/^[0-9a-f]{64}$/), headers: ["id", "created_date", "from_user", "to_user", "channel", "message"] },
      logic: "or",
      schedule: { type: "static" },
      shareAccess: { description: "", isPublic: false, users: [{ userId: "1600080515", role: "owner", allowEdit: true, allowView: true, allowComment: true }] },
      alerts: { accountIds: ["42", "1600080515"], onSuccess: [], onFailure: ["app_push", "email"] },
    });
    expect((res.inputs as any).matchRules[0]).toEqual({ column: "id", attribute: "id" });
  });

  it("is deterministic: the same inputs give the same canonical form", async () => {
    const a = await check({ ...base });
    const b = await check({ ...base, logic: "or", schedule: { type: "static" } });
    expect(a.inputs).toEqual(b.inputs);
  });

  it.each([
    [{ audience: "everyone" }, "audience", ""],
    [{ matchRules: [] }, "matchRules", "at least one"],
    [{ matchRules: Array.from({ length: 6 }, () => ({ column: "id", attribute: "id" })) }, "matchRules", "at most 5"],
    [{ matchRules: [{ column: "id", attribute: "id", operator: "like" }] }, "matchRules[0].operator", ""],
    [{ matchRules: [{ column: "id", attribute: "id", colum: "x" }] }, "matchRules[0].colum", "allowed here: `column`, `attribute`, `operator`"],
    [{ schedule: { type: "dynamic", repeat: { every: 25, unit: "hours" } } }, "schedule.repeat.every", "1-24"],
    [{ schedule: { type: "dynamic", repeat: { every: 0, unit: "days" } } }, "schedule.repeat.every", "1-365"],
    [{ schedule: { type: "dynamic", repeat: { every: 53, unit: "weeks" } } }, "schedule.repeat.every", "1-52"],
    [{ schedule: { type: "dynamic", repeat: { every: 13, unit: "months" } } }, "schedule.repeat.every", "1-12"],
    [{ schedule: { type: "dynamic", repeat: { every: 2, unit: "days", on: [1] } } }, "schedule.repeat.on", "weeks"],
    [{ schedule: { type: "dynamic", repeat: { every: 2, unit: "days" }, start: { day: "2025-02-30", hour: "03:00" } } }, "schedule.start.day", "calendar"],
    [{ schedule: { type: "dynamic", repeat: { every: 2, unit: "days" }, start: { day: "2025-02-03", hour: "24:00" } } }, "schedule.start.hour", "HH:mm"],
    [{ schedule: { type: "dynamic", repeat: { every: 2, unit: "days" }, end: { afterRuns: 0 } } }, "schedule.end.afterRuns", ""],
    [{ schedule: { type: "static", repeat: { every: 2, unit: "days" } } }, "schedule.repeat", "allowed here: `type`"],
    [{ shareAccess: { publicRole: "editor" } }, "shareAccess.publicRole", "isPublic"],
    [{ shareAccess: { users: [{ userId: "1", role: "boss" }] } }, "shareAccess.users[0].role", ""],
    [{ shareAccess: { users: [{ userId: "abc", role: "owner" }] } }, "shareAccess.users[0].userId", "numeric"],
    [{ alerts: { onSuccess: ["sms"] } }, "alerts.onSuccess[0]", ""],
    [{ file: { path: seedPath, delimiter: "colon" } }, "file.delimiter", ""],
    [{ name: "" }, "name", ""],
    [{ file: { path: join(dir, "nope.csv") } }, "file.path", "cannot be read"],
    [{ file: { path: join(dir, "members.xlsx") } }, "file.path", ".csv, .tsv or .txt"],
    [{ matchRules: [{ column: "email", attribute: "email" }] }, "matchRules[0].column", `has no column "email"`],
  ])("rejects %j at %s", async (patch, property, reason) => {
    const res = await check({ ...base, ...patch });
    const failure = res.failures?.find((f) => f.property === property);
    expect(failure, JSON.stringify(res.failures)).toBeDefined();
    if (reason) expect(failure!.reason).toContain(reason);
  });

  it("names the file and the column when a rule's column is missing", async () => {
    const res = await check({ ...base, file: { path: commaPath }, matchRules: [{ column: "email", attribute: "email" }, { column: "mobile", attribute: "phone" }] });
    expect(res.failures).toEqual([{ property: "matchRules[1].column", reason: `file "${commaPath}" has no column "mobile" (columns: email, phone)` }]);
  });

  it("tolerates the preview unknown sentinel (file path unknown: the file is not read)", async () => {
    const news = { ...base, file: { path: UNKNOWN }, name: UNKNOWN };
    const res = await check(news);
    expect(res.failures ?? []).toEqual([]);
    expect(res.inputs).toEqual(news);
  });

  it("a rule column not known yet (preview) is no failure, and a missing known column still is", async () => {
    const pending = { ...base, matchRules: [{ column: UNKNOWN, attribute: "email" }] };
    const res = await check(pending);
    expect(res.failures ?? []).toEqual([]);
    expect(res.inputs).toEqual(pending);
    const mixed = await check({ ...base, matchRules: [{ column: UNKNOWN, attribute: "email" }, { column: "mobile", attribute: "phone" }] });
    expect(mixed.failures?.map((f) => f.property)).toEqual(["matchRules[1].column"]);
  });

  it("reports real errors next to unknown values", async () => {
    const res = await check({ ...base, name: UNKNOWN, schedule: { type: "dynamic", repeat: { every: 99, unit: "months" } } });
    expect(res.failures?.map((f) => f.property)).toEqual(["schedule.repeat.every"]);
  });

  it("never throws and drops __provider and undefined output placeholders", async () => {
    const res = await check({ ...base, __provider: "exports.handler = …", segmentId: undefined });
    expect(res.failures ?? []).toEqual([]);
    expect(res.inputs).not.toHaveProperty("__provider");
    await expect(check(null as any)).resolves.toHaveProperty("failures");
  });
});

describe("ants normalize", () => {
  const file = { sha256: "abc", delimiter: "tab" as const, headers: ["id", "created_date", "from_user", "to_user", "channel", "message"] };
  const c = canonicalFromInputs(SegmentInputs.parse({
    ...base,
    shareAccess: { users: [{ userId: "1600080515", role: "owner" }] },
    alerts: { accountIds: [1600080515], onFailure: ["email", "app_push"] },
  }), file);
  const upload = {
    filePath: "/S3/cdp-import-export/import/segment/33167",
    fileName: "-1003_1600083836_1707120681099.csv",
    originalFileName: "test_upload.csv",
    extension: "csv",
    delimiter: "\t",
    headers: file.headers,
  };
  const attributes = [
    { item_property_name: "id", data_type: "STRING" },
    { item_property_name: "name", data_type: "STRING" },
    { item_property_name: "date_created", data_type: "DATETIME" },
    { item_property_name: "phone", data_type: "STRING" },
    { item_property_name: "tags", data_type: "ARRAY" },
  ];

  it("builds the documented Create body (the seed example, with method create)", () => {
    const rules = resolveRules(c, upload, attributes);
    expect(toRequestBody(c, upload, rules)).toEqual({
      segmentDisplay: "[dat] test upload 5",
      itemTypeId: -1003,
      conditions: {
        file_path: upload.filePath,
        file_name: upload.fileName,
        original_file_name: "test_upload.csv",
        extension: "csv",
        delimiter: "\t",
        method: "create",
        criteria_logic: "or",
        mapping_fields: [
          { item_attribute_code: "id", operator: "exactly", header_code: "id", header_index: 0 },
          { item_attribute_code: "name", operator: "exactly", header_code: "message", header_index: 5 },
          { item_attribute_code: "date_created", operator: "equals", header_code: "created_date", header_index: 1 },
          { item_attribute_code: "phone", operator: "exactly", header_code: "from_user", header_index: 2 },
        ],
      },
      computeSchedule: { type: "static", repeatType: "none" },
      shareAccess: { description: "", is_public: 0, public_role: null, list_access: [{ user_id: "1600080515", allow_edit: 1, allow_view: 1, allow_comment: 1, role: 1 }] },
      alertSetting: { alertAccountIds: [1600080515], alertScopes: { success: [], failure: ["app_push", "email"] } },
    });
  });

  it("maps a dynamic schedule onto computeSchedule", () => {
    const d = canonicalFromInputs(SegmentInputs.parse({ ...base, schedule: { type: "dynamic", repeat: { every: 2, unit: "weeks", on: [3, 1] }, start: { day: "2025-01-06", hour: "03:00" }, end: { afterRuns: 30 } } }), file);
    expect(toRequestBody(d, upload, resolveRules(d, upload, attributes)).computeSchedule).toEqual({
      type: "dynamic", repeatType: "weeks", repeatValue: 2, repeatOnValue: [1, 3],
      repeatStartTime: { day: "2025-01-06", hour: "03:00" }, endTime: { type: "after_num_running", numRunning: 30 },
    });
  });

  it("checks operators against the attribute datatype and names missing columns and attributes", () => {
    const bad = (patch: object) => canonicalFromInputs(SegmentInputs.parse({ ...base, ...patch }), file);
    expect(() => resolveRules(bad({ matchRules: [{ column: "id", attribute: "date_created", operator: "exactly" }] }), upload, attributes)).toThrow(/"exactly" does not fit attribute "date_created" of datatype DATETIME; use "equals" or "not_equals"/);
    expect(() => resolveRules(bad({ matchRules: [{ column: "id", attribute: "tags" }] }), upload, attributes)).toThrow(/datatype ARRAY/);
    expect(() => resolveRules(bad({ matchRules: [{ column: "id", attribute: "nope" }] }), upload, attributes)).toThrow(/no attribute "nope"/);
    expect(() => resolveRules(bad({ matchRules: [{ column: "id", attribute: "id" }] }), { ...upload, headers: ["x"] }, attributes)).toThrow(/has no column "id"/);
  });

  it("read projects only name, audience and static/dynamic from Listing; status never enters the managed part", () => {
    const outs = { ...c, segmentId: "5546595", itemTypeId: -1003, upload, resolvedRules: [], serverStatus: {} } as SegmentOutputs;
    const entry = { segment_id: 5546595, segment_display: "Renamed", item_type_id: -1007, update_method: "static", process_status: 2, segment_size: 3, ctime: "2024-06-27T11:26:54.373Z" };
    const read = canonicalFromWire(entry, outs);
    expect(read).toMatchObject({ name: "Renamed", audience: "visitor", itemTypeId: -1007, schedule: { type: "static" }, serverStatus: { processStatus: 2, segmentSize: 3, createdAt: entry.ctime } });
    expect(read.file).toEqual(outs.file);
    expect(canonicalFromWire({ ...entry, segment_display: c.name, item_type_id: -1003 }, outs)).toMatchObject({ ...c });
  });
});

describe("ants diff", () => {
  const news = async (patch: object = {}) => (await check({ ...base, ...patch })).inputs as any;
  const outsOf = async (patch: object = {}) => ({ ...(await news(patch)), segmentId: "1", itemTypeId: -1003, upload: {}, resolvedRules: [], serverStatus: { processStatus: 1 } });

  it("same inputs: no change, whatever the server status", async () => {
    expect(await segmentProvider.diff("1", await outsOf(), await news())).toEqual({ changes: false, replaces: [] });
  });
  it("schedule details change in place; static↔dynamic and audience replace", async () => {
    const dyn = { schedule: { type: "dynamic", repeat: { every: 2, unit: "days" } } };
    expect(await segmentProvider.diff("1", await outsOf(dyn), await news({ schedule: { type: "dynamic", repeat: { every: 3, unit: "days" } } }))).toEqual({ changes: true, replaces: [] });
    expect(await segmentProvider.diff("1", await outsOf(), await news(dyn))).toEqual({ changes: true, replaces: ["schedule"] });
    const visitor = await segmentProvider.diff("1", await outsOf(), await news({ audience: "visitor" }));
    expect(visitor).toEqual({ changes: true, replaces: ["audience"] });
  });
  it("a new file version is a change; an unknown value makes changes unknown", async () => {
    const other = join(dir, "v2.csv");
    writeFileSync(other, SEED + "2\t2024-01-03\t84900000002\tshop\tsms\tBob\n");
    expect(await segmentProvider.diff("1", await outsOf(), await news({ file: { path: other } }))).toEqual({ changes: true, replaces: [] });
    expect(await segmentProvider.diff("1", await outsOf(), { ...(await news()), name: UNKNOWN })).toEqual({ changes: undefined, replaces: [] });
    expect(await segmentProvider.diff("1", await outsOf(), { ...(await news()), audience: UNKNOWN })).toEqual({ changes: undefined, replaces: ["audience"] });
  });
  it("updateStrategy replace puts every changed property in replaces", async () => {
    process.env.ANTS_UPDATE_STRATEGY = "replace";
    try {
      expect(await segmentProvider.diff("1", await outsOf(), await news({ name: "Other", logic: "and" }))).toEqual({ changes: true, replaces: ["name", "logic"] });
      expect(await segmentProvider.diff("1", await outsOf(), await news())).toEqual({ changes: false, replaces: [] });
    } finally {
      delete process.env.ANTS_UPDATE_STRATEGY;
    }
  });
});
