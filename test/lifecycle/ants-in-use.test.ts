import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResourceSpec } from "../../driver";
import { startAntsEmulator, type AntsEmulator } from "../../emulators/ants/server";
import { serializedProvider, startEngine, TYPES } from "./harness";

// ANTS Listing entries carry `used_by_modules`. Through the SDK's provider host: a delete (destroy, the
// delete half of a replacement) of a segment that modules use is refused under `ants:deleteInUse refuse`
// (the default), naming the modules whatever their shape; `allow` deletes and warns; an entry without
// the list refuses too (use cannot be told). Modules are attached through the emulator's control route.

const CLIENT = { clientId: "in-use-client", clientSecret: "in-use-Client-S3cret" };
let emu: AntsEmulator;
let provider: string;
let dir: string;

beforeAll(async () => {
  emu = await startAntsEmulator({ clients: [CLIENT], computeDelayMs: 0 });
  provider = await serializedProvider("antsSegment");
  dir = mkdtempSync(join(tmpdir(), "ants-in-use-"));
});
afterAll(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

function members(name: string, rows: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, ["customer_id\temail", ...rows].join("\n") + "\n");
  return path;
}
function segment(name: string, audience: "customer" | "visitor" = "customer"): ResourceSpec {
  return {
    type: TYPES.antsSegment,
    name,
    inputs: {
      name: `${name} members`,
      audience,
      file: { path: members(`${name}-${audience}.csv`, ["c1\ta@example.com", "c2\tb@example.com"]) },
      matchRules: [audience === "customer" ? { column: "customer_id", attribute: "customer_id" } : { column: "email", attribute: "email" }],
      schedule: { type: "static" },
      __provider: provider,
    },
  };
}
const config = (extra: Record<string, string> = {}) => ({
  "ants:baseUrl": emu.url,
  "ants:authUrl": emu.authUrl,
  "ants:clientId": CLIENT.clientId,
  "ants:clientSecret": CLIENT.clientSecret,
  ...extra,
});

/** The emulator-only control route (emulators/ants/README.md), as an out-of-process test would call it. */
async function attachModules(id: string, modules: unknown[]) {
  const res = await fetch(`${emu.authUrl}/__emulator/segments/${id}/used_by_modules`, { method: "PUT", body: JSON.stringify(modules) });
  expect(res.status, await res.clone().text()).toBe(200);
}
const MODULES = [{ module_type: "journey", name: "Welcome flow", id: 42 }, "Retention dashboard", { settings: { nested: true }, owner: 7 }];
const exists = (id: string) => emu.store.getSegment(Number(id)) !== undefined;
const deleteCalls = () => emu.http.requests.filter((r) => r.path.endsWith("/segment/delete")).length;

describe("an ANTS segment that modules use", () => {
  it("destroy is refused under the default: the error names each module and the ways out; state and ANTS keep the segment", async () => {
    emu.reset();
    const { host, engine } = await startEngine(config());
    try {
      expect((await engine.up([segment("journey")])).errors).toEqual([]);
      const id = engine.state.resources[0]!.id;
      await attachModules(id, MODULES);
      const destroyed = await engine.destroy();
      expect(destroyed.errors.map((e) => e.phase)).toEqual(["Delete"]);
      const message = destroyed.errors[0]!.message;
      expect(message).toContain(`ants segment ${id} ("journey members") was not deleted: 3 modules still use it — journey "Welcome flow" (id 42), "Retention dashboard", a module of undocumented shape (keys: settings, owner)`);
      expect(message).not.toContain("[object Object]");
      expect(message).toMatch(/detach the segment from these modules/);
      expect(message).toMatch(/retainOnDelete/);
      expect(message).toMatch(/pulumi config set ants:deleteInUse allow.*ANTS_DELETE_IN_USE=allow/);
      expect(engine.state.resources.map((r) => r.id)).toEqual([id]);
      expect(exists(id)).toBe(true);
      expect(deleteCalls()).toBe(0);
      expect(JSON.stringify(host.output())).not.toContain(CLIENT.clientSecret);

      // Detached in the UI: the next destroy goes through.
      await attachModules(id, []);
      expect((await engine.destroy()).errors).toEqual([]);
      expect(exists(id)).toBe(false);
    } finally {
      await host.close();
    }
  });

  it("a replacement creates the new segment and keeps the old one (pending delete) while modules use it; detaching finishes it", async () => {
    emu.reset();
    const { host, engine } = await startEngine(config());
    try {
      await engine.up([segment("swap")]);
      const oldId = engine.state.resources[0]!.id;
      await attachModules(oldId, ["Churn journey"]);
      const up = await engine.up([segment("swap", "visitor")]);
      expect(up.steps.find((s) => s.urn.endsWith("::swap") && s.op === "replace")).toBeDefined();
      expect(up.errors.map((e) => e.phase)).toEqual(["Delete"]);
      expect(up.errors[0]!.message).toContain(`ants segment ${oldId} ("swap members") was not deleted: 1 module still uses it — "Churn journey"`);
      const live = engine.state.resources.filter((r) => !r.delete);
      expect(live).toHaveLength(1);
      expect(live[0]!.outputs.itemTypeId).toBe(-1007);
      expect(engine.state.resources.filter((r) => r.delete).map((r) => r.id)).toEqual([oldId]);
      expect(exists(oldId) && exists(live[0]!.id)).toBe(true);
      expect(deleteCalls()).toBe(0);

      await attachModules(oldId, []);
      const creates = engine.calls.filter((c) => c.rpc === "Create").length;
      expect((await engine.up([segment("swap", "visitor")])).errors).toEqual([]);
      expect(engine.calls.filter((c) => c.rpc === "Create")).toHaveLength(creates);
      expect(exists(oldId)).toBe(false);
      expect(engine.state.resources).toHaveLength(1);
    } finally {
      await host.close();
    }
  });

  it("with ants:deleteInUse allow the delete goes ahead and a warning names the modules", async () => {
    emu.reset();
    const { host, engine } = await startEngine(config({ "ants:deleteInUse": "allow" }));
    try {
      await engine.up([segment("allowed")]);
      const id = engine.state.resources[0]!.id;
      await attachModules(id, MODULES);
      expect((await engine.destroy()).errors).toEqual([]);
      expect(exists(id)).toBe(false);
      expect(host.output().stderr).toMatch(
        new RegExp(`warning: .*deleted ants segment ${id} \\("allowed members"\\) although 3 modules used it \\(journey "Welcome flow" \\(id 42\\), "Retention dashboard", a module of undocumented shape \\(keys: settings, owner\\)\\); ants:deleteInUse is allow\\.`),
      );
    } finally {
      await host.close();
    }
  });

  it("a Listing entry without used_by_modules: use cannot be told, so the delete is refused and says so", async () => {
    emu.reset();
    const { host, engine } = await startEngine(config());
    try {
      await engine.up([segment("opaque")]);
      const id = engine.state.resources[0]!.id;
      const entry = { segment_id: Number(id), segment_display: "opaque members", item_type_id: -1003, update_method: "static", row_count: "2" };
      emu.http.failNext({
        match: (r) => r.path.endsWith("/segment/listing"),
        reply: { status: 200, body: { code: 200, message: "Success", data: { entries: [entry], meta: { perPage: 100, total: 1 } }, codeMessage: null } },
      });
      const destroyed = await engine.destroy();
      expect(destroyed.errors.map((e) => e.phase)).toEqual(["Delete"]);
      expect(destroyed.errors[0]!.message).toContain(
        `ants segment ${id} ("opaque members") was not deleted: whether modules use it cannot be told: the ANTS Listing entry of segment ${id} has no \`used_by_modules\` list (the key is absent)`,
      );
      expect(destroyed.errors[0]!.message).toMatch(/once you have checked in the ANTS UI that nothing uses it, allow the delete/);
      expect(exists(id)).toBe(true);
      expect(deleteCalls()).toBe(0);
    } finally {
      await host.close();
    }
  });

  it("a bad ants:deleteInUse value fails check, naming the key, the variable and the values", async () => {
    const { host, engine } = await startEngine(config(), { env: { ANTS_DELETE_IN_USE: "sometimes" } });
    try {
      const up = await engine.up([segment("bad-setting")]);
      expect(up.errors.map((e) => e.phase)).toEqual(["Check"]);
      expect(up.errors[0]!.message).toMatch(/ants:deleteInUse.*"sometimes".*"refuse" or "allow".*ANTS_DELETE_IN_USE/s);
      expect(engine.calls.map((c) => c.rpc)).not.toContain("Create");
    } finally {
      await host.close();
    }
  });
});
