import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAntsEmulator, type AntsEmulator } from "../../../emulators/ants/server";

// The emulator-only control route that attaches modules to a segment (not part of the ANTS API):
// Listing then reports them in `used_by_modules`, exactly as given.
const CLIENT = { clientId: "mod-client", clientSecret: "mod-secret" };
let emu: AntsEmulator;
let token: string;

beforeAll(async () => {
  emu = await startAntsEmulator({ clients: [CLIENT], computeDelayMs: 0 });
  const res = await fetch(`${emu.authUrl}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, scope: "segment,item" }),
  });
  token = ((await res.json()) as { accessToken: string }).accessToken;
});
afterAll(async () => emu?.close());

async function seedSegment(): Promise<number> {
  const up = emu.store.addUpload({ itemTypeId: -1003, originalFileName: "m.csv", extension: "csv", delimiter: ",", delimiterCode: "comma", headers: ["customer_id"], rowCount: 1 });
  return emu.store.createSegment({
    segmentDisplay: "Modules test", itemTypeId: -1003, description: "",
    conditions: { file_path: up.filePath, file_name: up.fileName, original_file_name: "m.csv", extension: "csv", delimiter: ",", method: "create", mapping_fields: [{ header_code: "customer_id", header_index: 0, item_attribute_code: "customer_id", operator: "exactly" }] },
    computeSchedule: { type: "static" }, shareAccess: { is_public: 0, public_role: null, list_access: [] }, alertSetting: { alertAccountIds: [], alertScopes: { success: [], failure: [] } },
  } as never, CLIENT.clientId).segmentId;
}
async function listedModules(id: number): Promise<unknown> {
  const res = await fetch(`${emu.url}/segment/listing`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ page: 1, limit: 10, search: String(id), columns: ["segment_id"] }),
  });
  const body = (await res.json()) as { data: { entries: Array<{ segment_id: number; used_by_modules: unknown }> } };
  return body.data.entries.find((e) => e.segment_id === id)?.used_by_modules;
}
const put = (path: string, body: string) => fetch(`${emu.authUrl}/__emulator${path}`, { method: "PUT", body });

describe("ANTS emulator: modules attached to a segment", () => {
  it("Listing shows [] by default, then whatever the control route set, without a token; [] detaches", async () => {
    const id = await seedSegment();
    expect(await listedModules(id)).toEqual([]);
    const modules = [{ name: "Welcome journey", id: 7 }, "Dashboard"];
    const res = await put(`/segments/${id}/used_by_modules`, JSON.stringify(modules));
    expect(res.status).toBe(200);
    expect(await listedModules(id)).toEqual(modules);
    emu.store.setUsedByModules(id, []);
    expect(await listedModules(id)).toEqual([]);
  });

  it("refuses a body that is not a JSON array (400), an unknown segment (404), and other paths and methods (404)", async () => {
    const id = await seedSegment();
    expect((await put(`/segments/${id}/used_by_modules`, '{"name":"x"}')).status).toBe(400);
    expect((await put(`/segments/${id}/used_by_modules`, "not json")).status).toBe(400);
    expect((await put("/segments/999/used_by_modules", "[]")).status).toBe(404);
    expect((await put(`/segments/${id}/modules`, "[]")).status).toBe(404);
    expect((await fetch(`${emu.authUrl}/__emulator/segments/${id}/used_by_modules`)).status).toBe(404);
  });

  it("attached modules survive a snapshot and restore (emulator state files)", async () => {
    const id = await seedSegment();
    emu.store.setUsedByModules(id, ["Kept"]);
    const snap = emu.store.snapshot();
    emu.store.setUsedByModules(id, []);
    emu.store.restore(snap);
    expect(await listedModules(id)).toEqual(["Kept"]);
  });
});
