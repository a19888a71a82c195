import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpEmulator, type EmulatorReply, type EmulatorRequest } from "../../emulators/harness/http-server";
import { SegmentInUseError } from "../../provider/http/errors";
import { resetProcessState } from "../../provider/http/process-state";
import { guardSegmentDelete } from "../../provider/ongage/campaigns-in-use";
import { OngageClient } from "../../provider/ongage/client";
import { ongageClientOptions } from "../../provider/ongage/settings";
import type { Change, ChangeSet } from "../../provider/review/change-set";
import { liveFacts } from "../../provider/review/live";
import { buildReport } from "../../provider/review/report";

// One rule decides whether a campaign keeps an Ongage segment in use. The same cases — each a segment
// whose `mailings` entry (and campaign look-up) Ongage answers in a given shape — go to the delete guard
// and to `review --live`; both must reach the same verdict. A scripted server plays Ongage so that
// undocumented shapes (no status, a status text only, an unknown code, a look-up 404) can be served.

const LIST = 10000;

interface Case {
  title: string;
  /** The segment's `mailings` entry (id and segment added); null: the answer has no `mailings` at all. */
  entry: Record<string, unknown> | null;
  /** `GET /api/mailings/<id>`: the payload, or 404 when absent. */
  mailing?: Record<string, unknown>;
  /** Expected verdict: the campaign's status text when it keeps the segment in use, or false. */
  inUse: string | false;
  excluded?: boolean;
  /** Expected `GET /api/mailings/<id>` calls per check. */
  lookups: number;
}

const CASES: Case[] = [
  { title: "Scheduled (documented, in use)", entry: { name: "Black Friday", status: "60002", status_desc: "Scheduled" }, inUse: "Scheduled", lookups: 0 },
  { title: "New (documented, in use)", entry: { name: "Draft", status: "60001", status_desc: "New" }, inUse: "New", lookups: 0 },
  { title: "In progress (documented, in use)", entry: { name: "Sending", status: 60003 }, inUse: "In progress", lookups: 0 },
  { title: "On hold (documented, in use)", entry: { name: "Paused", status: "60009", status_desc: "On hold" }, inUse: "On hold", lookups: 0 },
  { title: "Completed (documented, not in use)", entry: { name: "Done", status: "60004", status_desc: "Completed" }, inUse: false, lookups: 0 },
  { title: "Cancelled (documented, not in use)", entry: { name: "Dropped", status: "60006", status_desc: "Cancelled" }, inUse: false, lookups: 0 },
  { title: "Stopped (documented, not in use)", entry: { name: "Halted", status: "60010" }, inUse: false, lookups: 0 },
  { title: "unknown status code", entry: { name: "Mystery", status: "60077", status_desc: "Archived" }, inUse: "unknown status 60077", lookups: 0 },
  { title: "unknown code next to a documented text: the code decides", entry: { name: "Odd", status: "60077", status_desc: "Completed" }, inUse: "unknown status 60077", lookups: 0 },
  { title: "status text only, documented and in use", entry: { name: "Text only", status_desc: "In progress" }, inUse: "In progress", lookups: 0 },
  { title: "status text only, documented and finished", entry: { name: "Text done", status_desc: "completed" }, inUse: false, lookups: 0 },
  { title: "status text only, undocumented: looked up, still untold", entry: { name: "Text odd", status_desc: "Paused" }, mailing: { name: "Text odd" }, inUse: 'unknown status "Paused"', lookups: 1 },
  { title: "status missing: looked up, Scheduled", entry: { name: "Bare" }, mailing: { name: "Bare", status: "60002", status_desc: "Scheduled" }, inUse: "Scheduled", lookups: 1 },
  { title: "status missing: looked up, Completed", entry: {}, mailing: { name: "Bare done", status: "60004", status_desc: "Completed" }, inUse: false, lookups: 1 },
  { title: "status missing: looked up, unknown code", entry: {}, mailing: { name: "Bare odd", status: "60123" }, inUse: "unknown status 60123", lookups: 1 },
  { title: "status missing: the look-up has none either", entry: { name: "Blank" }, mailing: { name: "Blank" }, inUse: "status unknown: neither the segment's `mailings` entry nor GET /api/mailings/ID gives one", lookups: 1 },
  { title: "status missing: the look-up answers 404", entry: { name: "Ghost" }, inUse: "status unknown: the segment names it, but GET /api/mailings/ID answers 404", lookups: 1 },
  { title: "excluded, New", entry: { name: "Everyone but", status: "60001", exclude: "1" }, inUse: "New", excluded: true, lookups: 0 },
  { title: "excluded, Completed", entry: { name: "Everyone but, done", status: "60004", exclude: "1" }, inUse: false, lookups: 0 },
  { title: "excluded per the look-up's segments entry", entry: { name: "Excluded by look-up" }, mailing: { status: "60002", segments: [{ segment_id: "SEG", exclude: "1" }] }, inUse: "Scheduled", excluded: true, lookups: 1 },
];

const segmentId = (i: number) => String(70001 + i);
const mailingId = (i: number) => String(111001 + i);
const UNKNOWN_USE = 999;
const NO_CAMPAIGNS = 998;

const ok = (payload: unknown): EmulatorReply => ({ status: 200, body: { metadata: { error: false }, payload } });
const notFound = (what: string): EmulatorReply => ({ status: 404, body: { metadata: { error: true }, payload: { code: 404, message: `Not found: ${what}` } } });

function scriptedOngage(req: EmulatorRequest): EmulatorReply {
  const seg = /^\/10000\/api\/segments\/(\d+)$/.exec(req.path);
  if (req.method === "GET" && seg) {
    const n = Number(seg[1]) - 70001;
    const base = { id: seg[1], list_id: String(LIST), name: `case ${n}`, deleted: "0" };
    if (n === UNKNOWN_USE) return ok(base);
    if (n === NO_CAMPAIGNS) return ok({ ...base, mailings: [] });
    const c = CASES[n];
    if (!c?.entry) return notFound(`segment ${seg[1]}`);
    return ok({ ...base, mailings: [{ id: mailingId(n), ...c.entry }] });
  }
  const mailing = /^\/10000\/api\/mailings\/(\d+)$/.exec(req.path);
  if (req.method === "GET" && mailing) {
    const n = Number(mailing[1]) - 111001;
    const m = CASES[n]?.mailing;
    if (!m) return notFound(`campaign ${mailing[1]}`);
    const segments = (m.segments as Array<Record<string, unknown>> | undefined)?.map((s) => ({ ...s, segment_id: segmentId(n) }));
    return ok({ id: mailing[1], ...m, ...(segments ? { segments } : {}) });
  }
  if (req.method === "POST" && req.path === "/10000/api/contact_counts/") return ok({ id: 1 });
  if (req.method === "GET" && req.path === "/10000/api/contact_counts/1") return ok({ active: 3 });
  if (req.method === "GET" && req.path === "/10000/api/segments") return { status: 200, body: { metadata: { error: false, total: "0" }, payload: [] } };
  return notFound(req.path);
}

let server: HttpEmulator;
const saved = { ...process.env };

beforeAll(async () => {
  server = await HttpEmulator.start({ name: "scripted-ongage", handler: scriptedOngage });
  for (const k of Object.keys(process.env)) if (/^ONGAGE_/.test(k)) delete process.env[k];
  Object.assign(process.env, { ONGAGE_BASE_URL: server.url, ONGAGE_USERNAME: "u", ONGAGE_PASSWORD: "in-use-S3cret", ONGAGE_ACCOUNT_CODE: "ACC", ONGAGE_MAX_RETRIES: "0" });
  resetProcessState();
});
afterAll(async () => {
  process.env = { ...saved };
  resetProcessState();
  await server?.close();
});

/** The guard's verdict: the campaign descriptions of the refusal, or [] when the delete may go ahead. */
async function guardVerdict(id: string): Promise<{ users: readonly string[]; message?: string }> {
  try {
    const r = await guardSegmentDelete(new OngageClient(ongageClientOptions()), LIST, id);
    expect(r).toEqual({});
    return { users: [] };
  } catch (err) {
    if (!(err instanceof SegmentInUseError)) throw err;
    return { users: err.users, message: err.message };
  }
}

const deleteOf = (id: string, name: string): Change => ({
  name,
  kind: "ongage.Segment",
  op: "delete",
  before: { id, inputs: { name, listId: LIST, rules: [] }, outputs: { segmentId: id, listId: LIST } },
  dependsOn: [],
});
const changeSet = (changes: Change[]): ChangeSet => ({ source: "preview", changes, unchanged: [], notes: [], memberRows: () => undefined });
const lookupsOf = (i: number) => server.requests.filter((r) => r.method === "GET" && r.path === `/10000/api/mailings/${mailingId(i)}`).length;

describe("the in-use rule: the delete guard and review --live agree", () => {
  it.each(CASES.map((c, i) => [c.title, c, i] as const))("%s", async (_title, c, i) => {
    const id = segmentId(i);
    const status = c.inUse === false ? undefined : c.inUse.replace("ID", mailingId(i));
    const name = (c.entry?.name ?? c.mailing?.name ?? "(no name shown by Ongage)") as string;
    const expected = status === undefined ? [] : [`campaign ${mailingId(i)} ${name.startsWith("(") ? name : JSON.stringify(name)} (${status}${c.excluded ? ", excluded" : ""})`];

    server.clearLog();
    const guard = await guardVerdict(id);
    expect(guard.users).toEqual(expected);
    expect(lookupsOf(i)).toBe(c.lookups);

    server.clearLog();
    const change = deleteOf(id, `case-${i}`);
    const set = changeSet([change]);
    const facts = (await liveFacts(set)).get(change)!;
    expect(facts.problems).toEqual([]);
    expect(facts.campaigns).toEqual(status === undefined ? [] : [{ id: mailingId(i), name, status, excluded: c.excluded ?? false }]);
    expect(lookupsOf(i)).toBe(c.lookups);
    const warning = buildReport(set, new Map([[change, facts]])).segments[0]!.warnings.find((w) => w.code === "campaigns-affected");
    expect(warning?.campaigns?.map((x) => x.status)).toEqual(status === undefined ? undefined : [status]);

    if (status !== undefined) {
      expect(guard.message).toContain(`segment ${id} ("case ${i}") was not deleted`);
      expect(guard.message).toMatch(/retainOnDelete.*ongage:deleteInUse allow.*ONGAGE_DELETE_IN_USE=allow/s);
    }
  });

  it("a segment answer without a `mailings` list: the guard refuses, the review warns, both saying why", async () => {
    const id = segmentId(UNKNOWN_USE);
    const guard = await guardVerdict(id);
    expect(guard.users).toEqual([]);
    expect(guard.message).toContain(`segment ${id} ("case ${UNKNOWN_USE}") was not deleted: whether campaigns use it cannot be told: Ongage's answer to GET /api/segments/${id} has no \`mailings\` list`);
    expect(guard.message).toContain("once you have checked in the Ongage UI that nothing uses it, allow the delete");
    const change = deleteOf(id, "unknown-use");
    const set = changeSet([change]);
    const facts = (await liveFacts(set)).get(change)!;
    expect(facts.inUseUnknown).toBe(`Ongage's answer to GET /api/segments/${id} has no \`mailings\` list`);
    const messages = buildReport(set, new Map([[change, facts]])).segments[0]!.warnings.map((w) => w.message);
    expect(messages).toContain(`whether campaigns use segment ${id} cannot be told (${facts.inUseUnknown}): the delete is refused unless ongage:deleteInUse is allow`);
  });

  it("an empty `mailings` list: the guard lets the delete go ahead and the review has no campaign warning", async () => {
    const id = segmentId(NO_CAMPAIGNS);
    expect((await guardVerdict(id)).users).toEqual([]);
    const change = deleteOf(id, "no-campaigns");
    const set = changeSet([change]);
    const facts = (await liveFacts(set)).get(change)!;
    expect(facts.campaigns).toEqual([]);
    expect(facts.inUseUnknown).toBeUndefined();
    expect(buildReport(set, new Map([[change, facts]])).segments[0]!.warnings.map((w) => w.code)).not.toContain("campaigns-affected");
  });

  it("under ongage:deleteInUse allow the guard does not refuse: it returns the warning naming the campaign", async () => {
    process.env.ONGAGE_DELETE_IN_USE = "allow";
    try {
      const i = CASES.findIndex((c) => c.inUse === "unknown status 60077");
      const r = await guardSegmentDelete(new OngageClient(ongageClientOptions()), LIST, segmentId(i));
      expect(r?.warning).toContain(`campaign ${mailingId(i)} "Mystery" (unknown status 60077) now names a deleted segment`);
    } finally {
      delete process.env.ONGAGE_DELETE_IN_USE;
    }
  });
});
