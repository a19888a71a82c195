import { describe, expect, it } from "vitest";
import type { ResourceSpec } from "../../driver";
import { antsConfig, TYPES, writeMembers } from "./harness";
import { runCase, type ApiRequest, type CaseContext, type LifecycleCase } from "./steps";

// The ANTS segment's lifecycle as step tables through the SDK's provider host, under both update and
// delete strategies; each case starts from a fresh emulator and an empty stack (steps.ts).
const CLIENT = { clientId: "life-client", clientSecret: "life-Client-S3cret" };
const HEADER = ["customer_id", "email", "phone"];
const V1_ROWS = ["1001\ta@example.com\t+1", "1002\tb@example.com\t+2"];

interface Def {
  file: string;
  audience?: "customer" | "visitor";
  schedule?: Record<string, unknown>;
}
const program = (d: (ctx: CaseContext) => Def) => (ctx: CaseContext): ResourceSpec[] => {
  const def = d(ctx);
  const visitor = def.audience === "visitor";
  return [{
    type: TYPES.antsSegment,
    name: "members",
    inputs: {
      name: "Lifecycle members",
      audience: def.audience ?? "customer",
      file: { path: def.file },
      matchRules: visitor ? [{ column: "email", attribute: "email" }] : [{ column: "customer_id", attribute: "customer_id" }, { column: "email", attribute: "email" }],
      schedule: def.schedule ?? { type: "static" },
      alerts: { onFailure: ["email"] },
      __provider: ctx.providers.antsSegment,
    },
  }];
};

const live = (ctx: CaseContext) => ctx.ants.store.allSegments().map((s) => s.segmentId);
const uploads = (requests: ApiRequest[]) => requests.filter((r) => r.path.includes("/segment/upload/")).length;
const memberId = (ctx: CaseContext) => Number(ctx.ids().members);
const DYNAMIC = { type: "dynamic", repeat: { every: 6, unit: "hours" }, start: { day: "2026-12-01", hour: "03:00" }, end: { afterRuns: 10 } };
const DAILY = { ...DYNAMIC, repeat: { every: 1, unit: "days" } };

function strategyCase(updateStrategy: "api" | "replace", deleteStrategy: "api" | "forget"): LifecycleCase {
  const inPlace = updateStrategy === "api" ? "update" : "replace";
  const v1 = program((ctx) => ({ file: ctx.kept.v1 }));
  const visitors = program((ctx) => ({ file: ctx.kept.visitors, audience: "visitor", schedule: DAILY }));
  return {
    name: `update=${updateStrategy}, delete=${deleteStrategy}: create → no diff → new file version → schedule change → audience replace → out-of-band delete → destroy`,
    emulators: { ants: { clients: [CLIENT] } },
    config: (e) => antsConfig(e.ants!, CLIENT, { "ants:updateStrategy": updateStrategy, "ants:deleteStrategy": deleteStrategy }),
    setup: (ctx) => {
      ctx.kept.v1 = writeMembers(ctx.dir, "v1.csv", HEADER, V1_ROWS);
      ctx.kept.visitors = writeMembers(ctx.dir, "visitors.csv", HEADER, ["v1\tv@example.com\t+9"]);
    },
    steps: [
      {
        name: "up creates the segment and uploads the file once",
        op: "up",
        program: v1,
        expect: { ops: { members: "create" }, requests: (r) => expect(uploads(r)).toBe(1), remote: (ctx) => expect(live(ctx)).toEqual([memberId(ctx)]) },
        check: (ctx) => void (ctx.kept.firstId = ctx.ids().members),
      },
      { name: "an unchanged file is not uploaded again", op: "up", program: v1, expect: { ops: { members: "same" }, requests: (r) => expect(uploads(r)).toBe(0) } },
      {
        name: "the first refresh fills in serverStatus (not read after the create) and nothing else",
        op: "refresh",
        before: (ctx) => void (ctx.kept.outputs = ctx.engine.state.resources[0]!.outputs),
        expect: {
          changed: ["members"],
          state: (s, ctx) => {
            const { serverStatus, ...managed } = s.resources[0]!.outputs;
            const { serverStatus: _before, ...managedBefore } = ctx.kept.outputs;
            expect(managed).toEqual(managedBefore);
            expect(serverStatus).toMatchObject({ processStatus: expect.any(Number) });
          },
        },
      },
      { name: "the next refresh changes nothing and uploads nothing", op: "refresh", expect: { requests: (r) => expect(uploads(r)).toBe(0) } },
      {
        name: `a new version of the file (same path) is a diff: ${inPlace}`,
        op: "up",
        program: v1,
        before: (ctx) => void writeMembers(ctx.dir, "v1.csv", HEADER, [...V1_ROWS, "1003\tc@example.com\t+3"]),
        expect: { ops: { members: inPlace }, requests: (r) => expect(uploads(r)).toBe(1) },
      },
      { name: "static → dynamic schedule is a replacement", op: "up", program: program((ctx) => ({ file: ctx.kept.v1, schedule: DYNAMIC })), expect: { ops: { members: "replace" } } },
      {
        name: `a change of the dynamic schedule's settings: ${inPlace}`,
        op: "up",
        program: program((ctx) => ({ file: ctx.kept.v1, schedule: DAILY })),
        expect: {
          ops: { members: inPlace },
          remote: (ctx) => expect(ctx.ants.store.getSegment(memberId(ctx))!.computeSchedule).toMatchObject({ type: "dynamic", repeatType: "days", repeatValue: 1 }),
        },
      },
      {
        name: `an audience change is always a replacement; ${deleteStrategy === "api" ? "replacements deleted their predecessors" : "every replacement left the old segment in ANTS, and said so"}`,
        op: "up",
        program: visitors,
        expect: {
          ops: { members: "replace" },
          state: (s) => expect(s.resources[0]!.outputs.itemTypeId).toBe(-1007),
          remote: (ctx) => {
            if (deleteStrategy === "api") expect(live(ctx)).toEqual([memberId(ctx)]);
            else expect(live(ctx)).toContain(Number(ctx.kept.firstId));
          },
        },
        check: (ctx) => {
          if (deleteStrategy === "forget") expect(ctx.host.output().stderr).toMatch(new RegExp(`segment ${ctx.kept.firstId}\\b.*(stays|remains|still exists)`, "i"));
        },
      },
      {
        name: "a segment deleted out of band is dropped by refresh",
        op: "refresh",
        before: (ctx) => void ctx.ants.store.deleteSegment(memberId(ctx)),
        expect: { dropped: ["members"], state: (s) => expect(s.resources).toEqual([]) },
      },
      { name: "up creates it again", op: "up", program: visitors, expect: { ops: { members: "create" } }, check: (ctx) => void (ctx.kept.lastId = ctx.ids().members) },
    ],
    // Under `forget` every segment stays in ANTS by design, the last one too.
    checkDestroy: { leaves: (ctx) => ({ ants: deleteStrategy === "forget" ? live(ctx).map(String) : [] }) },
    after: (ctx) => expect(live(ctx).includes(Number(ctx.kept.lastId))).toBe(deleteStrategy === "forget"),
  };
}

const missingEndpoints: LifecycleCase = {
  name: "an update against a 404 endpoint fails with the setting to change, and state keeps the old segment",
  emulators: { ants: { clients: [CLIENT] } },
  config: (e) => antsConfig(e.ants!, CLIENT),
  setup: (ctx) => void (ctx.kept.file = writeMembers(ctx.dir, "missing-endpoints.csv", HEADER, ["1\tx@example.com\t+1"])),
  steps: [
    { name: "up creates the segment", op: "up", program: program((ctx) => ({ file: ctx.kept.file })), check: (ctx) => void (ctx.kept.id = ctx.ids().members) },
    {
      name: "the update endpoint answers 404: the error names ants:updateStrategy",
      op: "up",
      program: program((ctx) => ({ file: ctx.kept.file })),
      before: (ctx) => {
        ctx.ants.setAssumedEndpoints(false);
        writeMembers(ctx.dir, "missing-endpoints.csv", HEADER, ["1\tx@example.com\t+1", "2\ty@example.com\t+2"]);
      },
      expect: { errors: [/ants:updateStrategy/], state: (s, ctx) => expect(s.resources.map((r) => r.id)).toEqual([ctx.kept.id]) },
    },
    { name: "the delete endpoint answers 404: the error names ants:deleteStrategy", op: "destroy", expect: { errors: [/ants:deleteStrategy/] } },
    // CheckDestroy then runs against a tenant that has the endpoints.
    { name: "the endpoints exist again: a refresh keeps the segment", op: "refresh", before: (ctx) => ctx.ants.setAssumedEndpoints(true), expect: { changed: ["members"] } },
  ],
};

describe("ants lifecycle through the provider host", () => {
  for (const c of [strategyCase("api", "api"), strategyCase("replace", "forget"), missingEndpoints]) it(c.name, () => runCase(c), 90_000);
});
