import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine, ProviderHost, ResourceSpec } from "../../driver";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { serializedProvider, specs, startEngine, TYPES } from "./harness";

// Terraform-acceptance-style steps through the SDK's own provider host, for every Ongage rule type.
const CREDS = { username: "life-user", password: "life-S3cret-pw", accountCode: "LIFEACC" };
const LIST = 10000;
const OTHER_LIST = 20000;

let emu: OngageEmulator;
let host: ProviderHost;
let engine: Engine;
let segmentProvider: string;
let recipientsProvider: string;

const headers = { "content-type": "application/json", X_USERNAME: CREDS.username, X_PASSWORD: CREDS.password, X_ACCOUNT_CODE: CREDS.accountCode };
async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { payload: any } };
}

/** One segment per rule type (and the white-list and external flavours). */
function definitions(version: 1 | 2): Record<string, Record<string, unknown>> {
  const v = version === 1;
  return {
    email: { name: "email rule", rules: [{ type: "email", field: "email", operator: v ? "LIKE" : "_LIKE", values: [v ? "gmail" : "info@"] }] },
    string: { name: "string rule", rules: [{ type: "string", field: "first_name", operator: "=", values: v ? ["James", "Peter"] : ["David"], caseSensitive: v }] },
    numeric: { name: "numeric rule", rules: [{ type: "numeric", field: "product_id", operator: v ? "><" : ">", values: v ? [100, 200] : [5] }] },
    dateAbsolute: { name: "date_absolute rule", rules: [{ type: "date_absolute", field: "birthdate", operator: "<", values: [v ? "1998-01-10" : 884404800 + 86400] }] },
    dateRelative: { name: "date_relative rule", rules: [{ type: "date_relative", field: "ocx_created_date", operator: "<=", values: [v ? 13 : 30] }] },
    behavioral: { name: "behavioral rule", rules: [
      { type: "behavioral", event: "opened", operator: "!=", operand: { mailingIds: [84715, 84668], countries: ["BD", "AF"], timeRange: { operator: "between", inLast: v ? 10 : 20, inLastUnit: "day", to: 1, toUnit: "month" }, repeat: { operator: "<", counter: 5 } } },
      { type: "behavioral", event: "clicked", operator: "=", condition: "or", operand: { timeRange: { operator: "custom", fromDate: "2017-02-01 10:30:00", toDate: "2017-02-23T10:30:00Z" } } },
    ] },
    grouped: { name: "grouped rules", match: { all: [
      { type: "email", field: "email", operator: "LIKE", values: ["@gmail"] },
      { any: [{ type: "string", field: "first_name", operator: "notempty" }, { type: "string", field: "last_name", operator: v ? "notempty" : "empty" }] },
    ] } },
    whitelist: { name: "white list", whitelist: true, rules: [{ type: "email", field: "email", operator: "=", values: v ? ["a@example.com"] : ["a@example.com", "b@example.com"] }] },
    external: { name: "external", description: v ? "" : "from the CRM", external: { insertMissing: true } },
  };
}

function desired(version: 1 | 2, listOfNumeric = LIST): ResourceSpec[] {
  const defs = definitions(version);
  (defs.numeric as Record<string, unknown>).listId = listOfNumeric;
  return [
    ...specs(TYPES.ongageSegment, segmentProvider, defs),
    {
      type: TYPES.ongageSegment,
      name: "segmentOfSegments",
      inputs: (ref) => ({ name: "segment of segments", rules: [{ type: "segment", operator: "=", segmentIds: [ref("email").outputs.segmentId, ref("behavioral").outputs.segmentId] }], __provider: segmentProvider }),
    },
    {
      type: TYPES.ongageRecipients,
      name: "externalMembers",
      inputs: (ref) => ({ segmentId: ref("external").outputs.segmentId, recipients: version === 1 ? [{ email: "x@example.com", first_name: "X" }] : [{ email: "y@example.com" }], __provider: recipientsProvider }),
    },
  ];
}

/** name → step; a replacement's follow-up delete of the old object does not hide the "replace". */
const ops = (steps: Array<{ urn: string; op: string }>) => {
  const out: Record<string, string> = {};
  for (const s of steps) {
    const name = s.urn.split("::").pop()!;
    if (!(out[name] === "replace" && s.op === "delete")) out[name] = s.op;
  }
  return out;
};
const liveSegments = () => emu.store.snapshot && (emu.store.snapshot() as { segments?: Array<{ deleted?: boolean }> });

beforeAll(async () => {
  emu = await startOngageEmulator({ credentials: CREDS, defaultListId: LIST, lists: [{ id: LIST }, { id: OTHER_LIST }] });
  [segmentProvider, recipientsProvider] = await Promise.all([serializedProvider("ongageSegment"), serializedProvider("ongageRecipients")]);
  ({ host, engine } = await startEngine({
    "ongage:baseUrl": emu.url,
    "ongage:username": CREDS.username,
    "ongage:password": CREDS.password,
    "ongage:accountCode": CREDS.accountCode,
    "ongage:listId": String(LIST),
  }));
});
afterAll(async () => {
  await host?.close();
  await emu?.close();
});

describe("ongage lifecycle through the provider host", () => {
  it("up creates every rule type; the next preview shows no changes and makes no write call", async () => {
    const up = await engine.up(desired(1));
    expect(up.errors, JSON.stringify(up.errors)).toEqual([]);
    expect(Object.values(ops(up.steps)).every((op) => op === "create")).toBe(true);
    expect(engine.state.resources).toHaveLength(11);

    const before = engine.calls.length;
    const preview = await engine.preview(desired(1));
    expect(preview.errors).toEqual([]);
    expect(ops(preview.steps)).toEqual(Object.fromEntries(Object.keys(ops(up.steps)).map((k) => [k, "same"])));
    expect(engine.calls.slice(before).map((c) => c.rpc).filter((m) => !["Check", "Diff"].includes(m))).toEqual([]);
  });

  it("a second up is a no-op, and refresh right after up reports nothing changed", async () => {
    const up = await engine.up(desired(1));
    expect(new Set(up.steps.map((s) => s.op))).toEqual(new Set(["same"]));
    const refresh = await engine.refresh();
    expect(refresh.errors).toEqual([]);
    expect(refresh.changed).toEqual([]);
    expect(refresh.dropped).toEqual([]);
    const preview = await engine.preview(desired(1));
    expect(new Set(preview.steps.map((s) => s.op))).toEqual(new Set(["same"]));
  });

  it("editing every definition updates in place, then converges to no changes", async () => {
    const ids = Object.fromEntries(engine.state.resources.map((r) => [r.name, r.id]));
    const preview = await engine.preview(desired(2));
    const planned = ops(preview.steps);
    for (const name of ["email", "string", "numeric", "dateAbsolute", "dateRelative", "behavioral", "grouped", "whitelist", "external"]) {
      expect(planned[name], name).toBe("update");
    }
    // A dependent of an updated segment sees its id as unknown during preview, so it may plan a replace.
    expect(["update", "replace"]).toContain(planned.externalMembers);
    const up = await engine.up(desired(2));
    expect(up.errors).toEqual([]);
    expect(ops(up.steps).externalMembers).toBe("update");
    expect(Object.fromEntries(engine.state.resources.map((r) => [r.name, r.id]))).toEqual(ids);
    const seg = await api("GET", `/${LIST}/api/segments/${ids.numeric}`);
    expect(JSON.parse(seg.body.payload.rules[0].operand)).toEqual(["5"]);
    expect(new Set((await engine.preview(desired(2))).steps.map((s) => s.op))).toEqual(new Set(["same"]));
  });

  it("moving a segment to another list replaces it: the new one is created before the old one is deleted", async () => {
    const oldId = engine.state.resources.find((r) => r.name === "numeric")!.id;
    const callsBefore = engine.calls.length;
    const up = await engine.up(desired(2, OTHER_LIST));
    expect(up.errors).toEqual([]);
    expect(ops(up.steps).numeric).toBe("replace");
    const numeric = engine.state.resources.find((r) => r.name === "numeric")!;
    expect(numeric.id).not.toBe(oldId);
    expect(numeric.outputs.listId).toBe(OTHER_LIST);
    expect((await api("GET", `/${LIST}/api/segments/${oldId}`)).status).toBe(404);
    const numericCalls = engine.calls.slice(callsBefore).filter((c) => c.urn.endsWith("::numeric")).map((c) => c.rpc);
    expect(numericCalls.indexOf("Create")).toBeLessThan(numericCalls.indexOf("Delete"));
    expect(new Set((await engine.preview(desired(2, OTHER_LIST))).steps.map((s) => s.op))).toEqual(new Set(["same"]));
  });

  it("an edit made in Ongage shows up on refresh, a preview plans an update, and up heals it", async () => {
    const id = engine.state.resources.find((r) => r.name === "string")!.id;
    const current = (await api("GET", `/${LIST}/api/segments/${id}`)).body.payload;
    const edited = await api("PUT", `/${LIST}/api/segments/${id}`, { name: "renamed in the UI", type: "Active", description: "", criteria: current.rules.map((r: any) => ({ type: r.type, field_id: Number(r.field_id), operator: r.operator, operand: JSON.parse(r.operand), condition: r.condition, position: Number(r.position), case_sensitive: r.case_sensitive })) });
    expect(edited.status).toBe(200);

    const refresh = await engine.refresh();
    expect(refresh.changed.map((u) => u.split("::").pop())).toEqual(["string"]);
    expect(ops((await engine.preview(desired(2, OTHER_LIST))).steps).string).toBe("update");
    const up = await engine.up(desired(2, OTHER_LIST));
    expect(ops(up.steps).string).toBe("update");
    expect((await api("GET", `/${LIST}/api/segments/${id}`)).body.payload.name).toBe("string rule");
    expect((await engine.refresh()).changed).toEqual([]);
  });

  it("a segment deleted in Ongage is dropped by refresh and recreated by up", async () => {
    const id = engine.state.resources.find((r) => r.name === "dateRelative")!.id;
    expect((await api("DELETE", `/${LIST}/api/segments/${id}`)).status).toBe(200);
    const refresh = await engine.refresh();
    expect(refresh.dropped.map((u) => u.split("::").pop())).toEqual(["dateRelative"]);
    const up = await engine.up(desired(2, OTHER_LIST));
    expect(ops(up.steps).dateRelative).toBe("create");
    expect(new Set((await engine.preview(desired(2, OTHER_LIST))).steps.map((s) => s.op))).toEqual(new Set(["same"]));
  });

  it("a resource removed from the program is deleted at the end of up", async () => {
    const without = desired(2, OTHER_LIST).filter((s) => s.name !== "grouped");
    const id = engine.state.resources.find((r) => r.name === "grouped")!.id;
    const up = await engine.up(without);
    expect(ops(up.steps).grouped).toBe("delete");
    expect((await api("GET", `/${LIST}/api/segments/${id}`)).status).toBe(404);
  });

  it("destroy leaves no segment in the emulator, and no credential appeared in state or host output", async () => {
    const state = JSON.stringify(engine.state);
    const destroy = await engine.destroy();
    expect(destroy.errors).toEqual([]);
    expect(engine.state.resources).toEqual([]);
    for (const list of [LIST, OTHER_LIST]) {
      const rows = await api("GET", `/${list}/api/segments?limit=1000`);
      expect(rows.body.payload).toEqual([]);
    }
    const { stdout, stderr } = host.output();
    for (const secret of Object.values(CREDS)) {
      expect(state).not.toContain(secret);
      expect(stdout + stderr).not.toContain(secret);
    }
    expect(stderr).toContain("recipients pushed to external segment");
    void liveSegments;
  });
});
