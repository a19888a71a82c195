import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAntsEmulator, type AntsEmulator } from "../../emulators/ants/server";
import { resetProcessState } from "../../provider/http/process-state";
import { describeModule, modulesInUse } from "../../provider/ants/modules-in-use";
import type { Change, ChangeSet } from "../../provider/review/change-set";
import { liveFacts } from "../../provider/review/live";
import { buildReport } from "../../provider/review/report";

describe("describeModule: any element of used_by_modules in words, never [object Object]", () => {
  it.each([
    ["Welcome journey", '"Welcome journey"'],
    [42, "module 42"],
    [{ name: "Churn", id: 9, type: "journey" }, 'journey "Churn" (id 9)'],
    [{ module_name: "Dash" }, 'module "Dash"'],
    [{ module_id: "m-1" }, "module (id m-1)"],
    [{ type: "story" }, 'a "story" module (no name or id given)'],
    [{ a: { deep: 1 }, b: [1] }, "a module of undocumented shape (keys: a, b)"],
    [{}, "a module given as an empty object"],
    [[1, 2], "a module given as a list of 2 values"],
    [null, "a module given as null"],
    ["", "a module given as an empty string"],
    [true, "a module given as a boolean"],
    [{ name: { nested: "x" }, id: 3 }, "module (id 3)"],
  ])("%j → %s", (input, words) => {
    expect(describeModule(input)).toBe(words);
    expect(describeModule(input)).not.toContain("[object");
  });

  it("an entry without the list, or with something else, leaves use unknown", () => {
    expect(modulesInUse({ segment_id: 5 })).toEqual({ users: [], unknown: "the ANTS Listing entry of segment 5 has no `used_by_modules` list (the key is absent)" });
    expect(modulesInUse({ segment_id: 5, used_by_modules: { a: 1 } }).unknown).toContain("(it is an object, not a list)");
    expect(modulesInUse({ segment_id: 5, used_by_modules: null }).unknown).toContain("(it is null)");
    expect(modulesInUse({ segment_id: 5, used_by_modules: [] })).toEqual({ users: [] });
  });
});

describe("review --live shows the modules of a deleted or replaced ANTS segment", () => {
  const CLIENT = { clientId: "rv-client", clientSecret: "rv-secret" };
  let emu: AntsEmulator;
  const saved = { ...process.env };
  beforeAll(async () => {
    emu = await startAntsEmulator({ clients: [CLIENT], computeDelayMs: 0 });
    Object.assign(process.env, { ANTS_BASE_URL: emu.url, ANTS_AUTH_URL: emu.authUrl, ANTS_CLIENT_ID: CLIENT.clientId, ANTS_CLIENT_SECRET: CLIENT.clientSecret });
    resetProcessState();
  });
  afterAll(async () => {
    process.env = { ...saved };
    resetProcessState();
    await emu?.close();
  });

  it("the same modules the delete guard would name, as a campaigns-affected warning", async () => {
    const up = emu.store.addUpload({ itemTypeId: -1003, originalFileName: "m.csv", extension: "csv", delimiter: ",", delimiterCode: "comma", headers: ["customer_id"], rowCount: 1 });
    const seg = emu.store.createSegment({
      segmentDisplay: "Reviewed", itemTypeId: -1003, description: "",
      conditions: { file_path: up.filePath, file_name: up.fileName, original_file_name: "m.csv", extension: "csv", delimiter: ",", method: "create", mapping_fields: [{ header_code: "customer_id", header_index: 0, item_attribute_code: "customer_id", operator: "exactly" }] },
      computeSchedule: { type: "static" }, shareAccess: { is_public: 0, public_role: null, list_access: [] }, alertSetting: { alertAccountIds: [], alertScopes: { success: [], failure: [] } },
    } as never, CLIENT.clientId);
    emu.store.setUsedByModules(seg.segmentId, [{ name: "Welcome journey", id: 7 }, { x: 1 }]);
    const id = String(seg.segmentId);
    const changes: Change[] = (["delete", "update"] as const).map((op) => ({
      name: `reviewed-${op}`,
      kind: "ants.Segment",
      op,
      before: { id, inputs: { name: "Reviewed", audience: "customer" }, outputs: { segmentId: id } },
      ...(op === "update" ? { after: { inputs: { name: "Reviewed", audience: "customer" } } } : {}),
      dependsOn: [],
    }));
    const set: ChangeSet = { source: "preview", changes, unchanged: [], notes: [], memberRows: () => undefined };
    const facts = await liveFacts(set);
    expect(facts.get(changes[0]!)!.modules).toEqual(['module "Welcome journey" (id 7)', "a module of undocumented shape (keys: x)"]);
    expect(facts.get(changes[1]!)!.modules).toBeUndefined();
    const report = buildReport(set, facts);
    const del = report.segments.find((s) => s.name === "reviewed-delete")!;
    expect(del.warnings.find((w) => w.code === "campaigns-affected")?.message).toBe(
      `2 ANTS modules use segment ${id}: module "Welcome journey" (id 7), a module of undocumented shape (keys: x); the delete is refused unless ants:deleteInUse is allow`,
    );
    expect(report.segments.find((s) => s.name === "reviewed-update")!.warnings.map((w) => w.code)).not.toContain("campaigns-affected");
  });
});
