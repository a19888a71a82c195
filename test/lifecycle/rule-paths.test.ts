import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine, ProviderHost, ResourceSpec } from "../../driver";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { serializedProvider, startEngine, TYPES } from "./harness";

// Through the SDK's provider host: a failed `up` names the path the user wrote (`match.all[1].field`),
// never the compiled flat index, and fixing the definition converges without a duplicate segment.
const CREDS = { username: "paths-user", password: "paths-S3cret-pw", accountCode: "PATHSACC" };
const LIST = 10000;

let emu: OngageEmulator;
let host: ProviderHost;
let engine: Engine;
let segmentProvider: string;

const email = { type: "email", field: "email", operator: "LIKE", values: ["@gmail"] };
const segment = (name: string, inputs: Record<string, unknown>): ResourceSpec => ({ type: TYPES.ongageSegment, name, inputs: { ...inputs, __provider: segmentProvider } });
const live = (name: string) => emu.store.liveSegments(LIST).filter((s) => s.name === name);
const writes = () => emu.http.requests.filter((r) => (r.method === "POST" || r.method === "PUT") && /\/api\/segments(\/\d+)?$/.test(r.path));

beforeAll(async () => {
  emu = await startOngageEmulator({ credentials: CREDS, defaultListId: LIST });
  segmentProvider = await serializedProvider("ongageSegment");
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

describe("errors at up name the user's path", () => {
  it("an unknown field inside match.all[1] fails naming match.all[1].field; nothing is sent or recorded", async () => {
    emu.http.clearLog();
    const up = await engine.up([segment("country", { name: "by country", match: { all: [email, { type: "string", field: "country", operator: "=", values: ["NL"] }] } })]);
    expect(up.errors).toHaveLength(1);
    expect(up.errors[0]!.message).toMatch(/match\.all\[1\]\.field: list 10000 has no field named "country" \(fields: .*first_name/);
    expect(up.errors[0]!.message).not.toMatch(/rules\[1\]/);
    expect(writes()).toEqual([]);
    expect(engine.state.resources).toHaveLength(0);
  });

  it("the API's 412 with a criteria path names the user's path; after the fix one segment exists and the next preview is clean", async () => {
    const bad = { name: "blank value", match: { all: [email, { any: [{ type: "string", field: "first_name", operator: "=", values: [" "] }] }] } };
    const failed = await engine.up([segment("blank", bad)]);
    expect(failed.errors).toHaveLength(1);
    expect(failed.errors[0]!.message).toMatch(
      /ongage POST \/10000\/api\/segments → 412 Ongage rejected match\.all\[1\]\.any\[0\]\.values\[0\] \(criteria\[1\]\.operand\[0\]\): Invalid data: criteria\[1\]\.operand\[0\]: must not be empty/,
    );
    expect(live("blank value")).toEqual([]);
    expect(engine.state.resources).toHaveLength(0);

    const fixed = { ...bad, match: { all: [email, { any: [{ type: "string", field: "first_name", operator: "=", values: ["Ann"] }] }] } };
    const up = await engine.up([segment("blank", fixed)]);
    expect(up.errors).toEqual([]);
    expect(live("blank value")).toHaveLength(1);
    const preview = await engine.preview([segment("blank", fixed)]);
    expect(preview.errors).toEqual([]);
    expect(preview.steps.map((s) => s.op)).toEqual(["same"]);
  });

  it("a 412 on update names the user's path; state and segment stay as they were, the next preview still plans the update, and the old definition is clean", async () => {
    const ok = { name: "typed", match: { all: [email, { type: "numeric", field: "product_id", operator: ">", values: [5] }] } };
    expect((await engine.up([segment("typed", ok)])).errors).toEqual([]);
    const [before] = live("typed");

    const wrongType = { ...ok, match: { all: [email, { type: "string", field: "product_id", operator: "=", values: ["5"] }] } };
    const failed = await engine.up([segment("typed", wrongType)]);
    expect(failed.errors).toHaveLength(1);
    expect(failed.errors[0]!.message).toMatch(/Ongage rejected match\.all\[1\]\.type \(criteria\[1\]\.type\): Invalid data: criteria\[1\]\.type: string does not match field product_id/);
    expect(live("typed")).toEqual([before]);

    expect((await engine.preview([segment("typed", wrongType)])).steps.map((s) => s.op)).toEqual(["update"]);
    expect((await engine.preview([segment("typed", ok)])).steps.map((s) => s.op)).toEqual(["same"]);
  });
});
