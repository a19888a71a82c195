import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResourceSpec } from "../../driver";
import { startAntsEmulator, type AntsEmulator } from "../../emulators/ants/server";
import { serializedProvider, startEngine, TYPES } from "./harness";

const CLIENT = { clientId: "life-client", clientSecret: "life-Client-S3cret" };
let emu: AntsEmulator;
let provider: string;
let dir: string;

beforeAll(async () => {
  emu = await startAntsEmulator({ clients: [CLIENT], computeDelayMs: 0 });
  provider = await serializedProvider("antsSegment");
  dir = mkdtempSync(join(tmpdir(), "ants-lifecycle-"));
});
afterAll(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeMembers(name: string, rows: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, ["customer_id\temail\tphone", ...rows].join("\n") + "\n");
  return path;
}

interface Def {
  file: string;
  audience?: "customer" | "visitor";
  schedule?: Record<string, unknown>;
}
function spec(d: Def): ResourceSpec[] {
  const visitor = d.audience === "visitor";
  return [{
    type: TYPES.antsSegment,
    name: "members",
    inputs: {
      name: "Lifecycle members",
      audience: d.audience ?? "customer",
      file: { path: d.file },
      matchRules: visitor ? [{ column: "email", attribute: "email" }] : [{ column: "customer_id", attribute: "customer_id" }, { column: "email", attribute: "email" }],
      schedule: d.schedule ?? { type: "static" },
      alerts: { onFailure: ["email"] },
      __provider: provider,
    },
  }];
}

const opOf = (steps: Array<{ op: string }>) => (steps.some((s) => s.op === "replace") ? "replace" : steps[0]?.op);
const live = () => emu.store.allSegments().map((s) => s.segmentId);

describe.each([
  { updateStrategy: "api", deleteStrategy: "api" },
  { updateStrategy: "replace", deleteStrategy: "forget" },
])("ants lifecycle through the provider host (update=$updateStrategy, delete=$deleteStrategy)", ({ updateStrategy, deleteStrategy }) => {
  const config = () => ({
    "ants:baseUrl": emu.url,
    "ants:authUrl": emu.authUrl,
    "ants:clientId": CLIENT.clientId,
    "ants:clientSecret": CLIENT.clientSecret,
    "ants:updateStrategy": updateStrategy,
    "ants:deleteStrategy": deleteStrategy,
  });

  it("create → no diff → new file version → schedule change → audience replace → out-of-band delete → destroy", async () => {
    emu.reset();
    const { host, engine } = await startEngine(config());
    try {
      const v1 = writeMembers(`${updateStrategy}-v1.csv`, ["1001\ta@example.com\t+1", "1002\tb@example.com\t+2"]);
      const up = await engine.up(spec({ file: v1 }));
      expect(up.errors).toEqual([]);
      const firstId = engine.state.resources[0]!.id;
      expect(live()).toEqual([Number(firstId)]);
      const uploadsAfterCreate = emu.http.requests.filter((r) => r.path.includes("/segment/upload/")).length;
      expect(uploadsAfterCreate).toBe(1);

      // No perpetual diff, and an unchanged file is not uploaded again.
      expect((await engine.preview(spec({ file: v1 }))).steps.map((s) => s.op)).toEqual(["same"]);
      expect((await engine.up(spec({ file: v1 }))).steps.map((s) => s.op)).toEqual(["same"]);
      // The first refresh fills in serverStatus (not read after the create) and nothing else; the next changes nothing.
      const { serverStatus: _before, ...managedBefore } = engine.state.resources[0]!.outputs;
      await engine.refresh();
      const { serverStatus, ...managedAfter } = engine.state.resources[0]!.outputs;
      expect(managedAfter).toEqual(managedBefore);
      expect(serverStatus).toMatchObject({ processStatus: expect.any(Number) });
      expect((await engine.refresh()).changed).toEqual([]);
      expect(emu.http.requests.filter((r) => r.path.includes("/segment/upload/")).length).toBe(uploadsAfterCreate);

      // A new version of the file (same path) is a diff: updated in place, or recreated under `replace`.
      writeMembers(`${updateStrategy}-v1.csv`, ["1001\ta@example.com\t+1", "1002\tb@example.com\t+2", "1003\tc@example.com\t+3"]);
      const fileUp = await engine.up(spec({ file: v1 }));
      expect(fileUp.errors).toEqual([]);
      expect(opOf(fileUp.steps)).toBe(updateStrategy === "api" ? "update" : "replace");
      expect(emu.http.requests.filter((r) => r.path.includes("/segment/upload/")).length).toBe(uploadsAfterCreate + 1);
      expect((await engine.preview(spec({ file: v1 }))).steps.map((s) => s.op)).toEqual(["same"]);

      // Schedule change (static stays static → dynamic is a replacement; dynamic settings update).
      const dynamic = { type: "dynamic", repeat: { every: 6, unit: "hours" }, start: { day: "2026-12-01", hour: "03:00" }, end: { afterRuns: 10 } };
      const toDynamic = await engine.up(spec({ file: v1, schedule: dynamic }));
      expect(toDynamic.errors).toEqual([]);
      expect(opOf(toDynamic.steps)).toBe("replace");
      const daily = { ...dynamic, repeat: { every: 1, unit: "days" } };
      const scheduleUp = await engine.up(spec({ file: v1, schedule: daily }));
      expect(scheduleUp.errors).toEqual([]);
      expect(opOf(scheduleUp.steps)).toBe(updateStrategy === "api" ? "update" : "replace");
      const stored = emu.store.getSegment(Number(engine.state.resources[0]!.id))!;
      expect(stored.computeSchedule).toMatchObject({ type: "dynamic", repeatType: "days", repeatValue: 1 });
      expect((await engine.preview(spec({ file: v1, schedule: daily }))).steps.map((s) => s.op)).toEqual(["same"]);

      // Audience change: always a replacement.
      const visitorFile = writeMembers(`${updateStrategy}-visitors.csv`, ["v1\tv@example.com\t+9"]);
      const audienceUp = await engine.up(spec({ file: visitorFile, audience: "visitor", schedule: daily }));
      expect(audienceUp.errors).toEqual([]);
      expect(opOf(audienceUp.steps)).toBe("replace");
      const current = engine.state.resources[0]!;
      expect(current.outputs.itemTypeId).toBe(-1007);

      if (deleteStrategy === "api") {
        // Replacements deleted their predecessors: exactly one segment is left.
        expect(live()).toEqual([Number(current.id)]);
      } else {
        // Every replacement left the old segment in ANTS, and said so.
        expect(live()).toContain(Number(firstId));
        expect(host.output().stderr).toMatch(new RegExp(`segment ${firstId}\\b.*(stays|remains|still exists)`, "i"));
      }

      // Deleted out of band: refresh drops it from state.
      emu.store.deleteSegment(Number(current.id));
      const refresh = await engine.refresh();
      expect(refresh.dropped).toHaveLength(1);
      expect(engine.state.resources).toEqual([]);

      // Recreate, then destroy.
      await engine.up(spec({ file: visitorFile, audience: "visitor", schedule: daily }));
      const lastId = Number(engine.state.resources[0]!.id);
      const destroy = await engine.destroy();
      expect(destroy.errors).toEqual([]);
      expect(live().includes(lastId)).toBe(deleteStrategy === "forget");

      const out = host.output();
      expect(JSON.stringify(engine.state) + out.stdout + out.stderr).not.toContain(CLIENT.clientSecret);
    } finally {
      await host.close();
    }
  });
});

describe("ants assumed endpoints missing on the tenant", () => {
  it("an update against a 404 endpoint fails with the setting to change, and state keeps the old segment", async () => {
    emu.reset();
    const { host, engine } = await startEngine({
      "ants:baseUrl": emu.url, "ants:authUrl": emu.authUrl, "ants:clientId": CLIENT.clientId, "ants:clientSecret": CLIENT.clientSecret,
    });
    try {
      const file = writeMembers("missing-endpoints.csv", ["1\tx@example.com\t+1"]);
      await engine.up(spec({ file }));
      const before = structuredClone(engine.state);
      emu.setAssumedEndpoints(false);
      writeMembers("missing-endpoints.csv", ["1\tx@example.com\t+1", "2\ty@example.com\t+2"]);
      const up = await engine.up(spec({ file }));
      expect(up.errors).toHaveLength(1);
      expect(up.errors[0]!.message).toContain("ants:updateStrategy");
      expect(engine.state.resources[0]!.id).toBe(before.resources[0]!.id);
      const destroy = await engine.destroy();
      expect(destroy.errors[0]?.message ?? "").toContain("ants:deleteStrategy");
    } finally {
      emu.setAssumedEndpoints(true);
      await host.close();
    }
  });
});
