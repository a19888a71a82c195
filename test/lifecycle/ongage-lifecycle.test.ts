import { describe, expect, it } from "vitest";
import type { ResourceSpec, StateResourceOutputs } from "../../driver";
import { ongageApi, ongageConfig, specs, TYPES } from "./harness";
import { runCase, type CaseContext, type LifecycleCase } from "./steps";

// Terraform-acceptance-style step tables through the SDK's own provider host, for every Ongage rule
// type. Each case starts from a fresh emulator and an empty stack (steps.ts).
const CREDS = { username: "life-user", password: "life-S3cret-pw", accountCode: "LIFEACC" };
const LIST = 10000;
const OTHER_LIST = 20000;

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
const SEGMENTS = Object.keys(definitions(1));

/** The program of `version`: every rule type, a segment of segments and the external segment's recipients. */
const desired = (version: 1 | 2, listOfNumeric = LIST, without: string[] = []) => (ctx: CaseContext): ResourceSpec[] => {
  const { ongageSegment: segmentProvider, ongageRecipients: recipientsProvider } = ctx.providers;
  const defs = definitions(version);
  (defs.numeric as Record<string, unknown>).listId = listOfNumeric;
  return [
    ...specs(TYPES.ongageSegment, segmentProvider, defs),
    {
      type: TYPES.ongageSegment,
      name: "segmentOfSegments",
      inputs: (ref: (name: string) => StateResourceOutputs) => ({ name: "segment of segments", rules: [{ type: "segment", operator: "=", segmentIds: [ref("email").outputs.segmentId, ref("behavioral").outputs.segmentId] }], __provider: segmentProvider }),
    },
    {
      type: TYPES.ongageRecipients,
      name: "externalMembers",
      inputs: (ref: (name: string) => StateResourceOutputs) => ({ segmentId: ref("external").outputs.segmentId, recipients: version === 1 ? [{ email: "x@example.com", first_name: "X" }] : [{ email: "y@example.com" }], __provider: recipientsProvider }),
    },
  ].filter((s) => !without.includes(s.name));
};

const api = (ctx: CaseContext) => ongageApi(ctx.ongage);
const emulators = { ongage: { credentials: CREDS, defaultListId: LIST, lists: [{ id: LIST }, { id: OTHER_LIST }] } };
const config: LifecycleCase["config"] = (e) => ongageConfig(e.ongage!);

const everyRuleType: LifecycleCase = {
  name: "every rule type: create, converge, edit in place, move to another list, destroy",
  emulators,
  providers: ["ongageSegment", "ongageRecipients"],
  config,
  steps: [
    {
      name: "up creates every rule type (the automatic preview then shows no change and makes no write call)",
      op: "up",
      program: desired(1),
      expect: { changes: { create: 11 }, state: (s) => expect(s.resources).toHaveLength(11) },
    },
    { name: "a second up is a no-op", op: "up", program: desired(1), expect: { changes: { same: 11 } } },
    { name: "refresh right after up reports nothing changed or dropped", op: "refresh" },
    { name: "a preview after the refresh shows no change", op: "preview", program: desired(1), expect: { changes: { same: 11 } } },
    {
      name: "a preview of every definition edited plans updates in place",
      op: "preview",
      program: desired(2),
      // A dependent of an updated segment sees its id as unknown during preview, so it may plan a replace.
      expect: { ops: { ...Object.fromEntries(SEGMENTS.map((n) => [n, "update"])), externalMembers: ["update", "replace"] } },
    },
    {
      name: "up of every definition edited updates in place, keeping every id",
      op: "up",
      program: desired(2),
      before: (ctx) => void (ctx.kept.ids = ctx.ids()),
      expect: {
        ops: { ...Object.fromEntries(SEGMENTS.map((n) => [n, "update"])), externalMembers: "update" },
        state: (_, ctx) => expect(ctx.ids()).toEqual(ctx.kept.ids),
        remote: async (ctx) => {
          const seg = await api(ctx)("GET", `/${LIST}/api/segments/${ctx.ids().numeric}`);
          expect(JSON.parse(seg.body.payload.rules[0].operand)).toEqual(["5"]);
        },
      },
    },
    {
      name: "moving a segment to another list replaces it: the new one is created before the old one is deleted",
      op: "up",
      program: desired(2, OTHER_LIST),
      before: (ctx) => void (ctx.kept.oldNumeric = ctx.ids().numeric),
      expect: {
        ops: { numeric: "replace" },
        state: (s, ctx) => {
          const numeric = s.resources.find((r) => r.name === "numeric")!;
          expect(numeric.id).not.toBe(ctx.kept.oldNumeric);
          expect(numeric.outputs.listId).toBe(OTHER_LIST);
        },
        remote: async (ctx) => expect((await api(ctx)("GET", `/${LIST}/api/segments/${ctx.kept.oldNumeric}`)).status).toBe(404),
      },
      check: (_, result) => {
        const numericCalls = result.calls.filter((c) => c.urn.endsWith("::numeric")).map((c) => c.rpc);
        expect(numericCalls.indexOf("Create")).toBeGreaterThanOrEqual(0);
        expect(numericCalls.indexOf("Create")).toBeLessThan(numericCalls.indexOf("Delete"));
      },
    },
  ],
  after: async (ctx) => {
    for (const list of [LIST, OTHER_LIST]) expect((await api(ctx)("GET", `/${list}/api/segments?limit=1000`)).body.payload, `list ${list}`).toEqual([]);
    expect(ctx.host.output().stderr).toContain("recipients pushed to external segment");
  },
};

const changedInOngage: LifecycleCase = {
  name: "changes made in Ongage: an edit is healed, a deleted segment recreated; a removed resource is deleted",
  emulators,
  providers: ["ongageSegment", "ongageRecipients"],
  config,
  steps: [
    { name: "up creates every rule type", op: "up", program: desired(1), expect: { changes: { create: 11 } } },
    {
      name: "an edit made in Ongage shows up on refresh",
      op: "refresh",
      before: async (ctx) => {
        const id = ctx.ids().string;
        const current = (await api(ctx)("GET", `/${LIST}/api/segments/${id}`)).body.payload;
        const criteria = current.rules.map((r: any) => ({ type: r.type, field_id: Number(r.field_id), operator: r.operator, operand: JSON.parse(r.operand), condition: r.condition, position: Number(r.position), case_sensitive: r.case_sensitive }));
        expect((await api(ctx)("PUT", `/${LIST}/api/segments/${id}`, { name: "renamed in the UI", type: "Active", description: "", criteria })).status).toBe(200);
      },
      expect: { changed: ["string"] },
    },
    { name: "a preview then plans an update of the edited segment", op: "preview", program: desired(1), expect: { ops: { string: "update" } } },
    {
      name: "up heals the edit",
      op: "up",
      program: desired(1),
      expect: { ops: { string: "update" }, remote: async (ctx) => expect((await api(ctx)("GET", `/${LIST}/api/segments/${ctx.ids().string}`)).body.payload.name).toBe("string rule") },
    },
    { name: "the next refresh changes nothing", op: "refresh" },
    {
      name: "a segment deleted in Ongage is dropped by refresh",
      op: "refresh",
      before: async (ctx) => expect((await api(ctx)("DELETE", `/${LIST}/api/segments/${ctx.ids().dateRelative}`)).status).toBe(200),
      expect: { dropped: ["dateRelative"] },
    },
    { name: "up recreates the deleted segment", op: "up", program: desired(1), expect: { ops: { dateRelative: "create" } } },
    {
      name: "a resource removed from the program is deleted at the end of up",
      op: "up",
      program: desired(1, LIST, ["grouped"]),
      before: (ctx) => void (ctx.kept.grouped = ctx.ids().grouped),
      expect: { ops: { grouped: "delete" }, remote: async (ctx) => expect((await api(ctx)("GET", `/${LIST}/api/segments/${ctx.kept.grouped}`)).status).toBe(404) },
    },
  ],
};

describe("ongage lifecycle through the provider host", () => {
  for (const c of [everyRuleType, changedInOngage]) it(c.name, () => runCase(c), 60_000);
});
