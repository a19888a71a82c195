import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine, type ProviderHost } from "../../driver";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { serializedProvider, specs, startEngine, TYPES } from "./harness";

// From the issue "Fail closed where the API is unknown": a mistyped ongage:baseUrl that answers 404
// must not make refresh drop every segment (the next up would create them all again).
const CREDS = { username: "wrong-url-user", password: "wrong-url-S3cret", accountCode: "WRONGACC" };
const LIST = 10000;

let emu: OngageEmulator;
const hosts: ProviderHost[] = [];
let provider: string;

const config = (baseUrl: string) => ({
  "ongage:baseUrl": baseUrl,
  "ongage:username": CREDS.username,
  "ongage:password": CREDS.password,
  "ongage:accountCode": CREDS.accountCode,
  "ongage:listId": String(LIST),
});

beforeAll(async () => {
  emu = await startOngageEmulator({ credentials: CREDS, defaultListId: LIST, lists: [{ id: LIST }] });
  provider = await serializedProvider("ongageSegment");
});
afterAll(async () => {
  for (const h of hosts) await h.close();
  await emu?.close();
});

describe("refresh under a wrong base URL (through the provider host)", () => {
  it("keeps every segment in state and names the setting; with the right URL a segment deleted in Ongage is dropped", async () => {
    const good = await startEngine(config(emu.url));
    hosts.push(good.host);
    const defs = { a: { name: "seg a", rules: [{ type: "email", field: "email", operator: "LIKE", values: ["@a"] }] }, b: { name: "seg b", rules: [{ type: "email", field: "email", operator: "LIKE", values: ["@b"] }] } };
    const up = await good.engine.up(specs(TYPES.ongageSegment, provider, defs));
    expect(up.errors).toEqual([]);
    const state = good.engine.state;
    expect(state.resources.filter((r) => r.type === TYPES.ongageSegment)).toHaveLength(2);

    // A base URL with an extra path: the emulator answers 404 to every route under it.
    const wrong = await startEngine(config(`${emu.url}/v2`));
    hosts.push(wrong.host);
    const engine = new Engine({ host: wrong.host, project: "segments-test", stack: "test", state: structuredClone(state) });
    const refresh = await engine.refresh();
    expect(refresh.dropped).toEqual([]);
    expect(refresh.errors).toHaveLength(2);
    for (const e of refresh.errors) {
      expect(e.message).toContain("ongage:baseUrl / ONGAGE_BASE_URL");
      expect(e.message).not.toContain(CREDS.password);
    }
    expect(engine.state.resources.filter((r) => r.type === TYPES.ongageSegment)).toHaveLength(2);

    // The right URL, and segment a really deleted: dropped.
    const a = state.resources.find((r) => r.urn.endsWith("::a"))!;
    const res = await fetch(`${emu.url}/${LIST}/api/segments/${String(a.id)}`, { method: "DELETE", headers: { X_USERNAME: CREDS.username, X_PASSWORD: CREDS.password, X_ACCOUNT_CODE: CREDS.accountCode } });
    expect(res.status).toBe(200);
    const refreshed = await good.engine.refresh();
    expect(refreshed.errors).toEqual([]);
    expect(refreshed.dropped.map((u) => u.split("::").pop())).toEqual(["a"]);
  });
});
