import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { jsonFileState, stateSection } from "../../../emulators/harness/state-file";
import { type OngageEmulator, startOngageEmulator } from "../../../emulators/ongage/server";
import { call, EMAIL_DATE_LIST, errorEnvelope } from "./http";

/** Campaign routes (ongage-mailings.md §2-§5), the segment's `mailings` array and DELETE's unscheduling. */

const T0 = Date.UTC(2026, 11, 1, 12);
let clockMs = T0;
const nowS = () => Math.floor(clockMs / 1000);
let em: OngageEmulator;
beforeAll(async () => {
  em = await startOngageEmulator({ defaultListId: 10000, lists: [EMAIL_DATE_LIST, { id: 2002 }], now: () => clockMs, population: { size: 0 } });
});
afterAll(async () => em.close());
beforeEach(() => {
  em.reset();
  clockMs = T0;
});

async function segment(name: string, listId = 2001): Promise<string> {
  const r = await call(em, "POST", `/${listId}/api/segments`, { name, type: "Active", criteria: [] });
  expect(r.status, r.text).toBe(200);
  return r.body.payload.id;
}

/** The documented create body (ongage-mailings.md §3) with real segment ids. */
const body = (segments: unknown[], extra: Record<string, unknown> = {}) => ({
  name: "My new campaign", description: "Handle with care", email_message: [27], segments,
  distribution: [{ esp_connection_id: 12345, percent: 100 }], ...extra,
});

async function campaign(segments: unknown[], extra: Record<string, unknown> = {}, listId = 2001): Promise<any> {
  const r = await call(em, "POST", `/${listId}/api/mailings`, body(segments, extra));
  expect(r.status, r.text).toBe(200);
  return r.body.payload;
}

const invalid = (message: unknown) => errorEnvelope(400, message);

describe("POST /api/mailings", () => {
  it("without schedule_date the campaign launches: In progress 60003, every scalar a string (§4 shape)", async () => {
    const seg = await segment("All list members");
    const r = await call(em, "POST", "/2001/api/mailings", body([Number(seg)]));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      metadata: { error: false },
      payload: {
        id: expect.stringMatching(/^\d+$/), type: "campaign", list_id: "2001", is_test: "0", schedule_date: "0",
        name: "My new campaign", description: "Handle with care", status: "60003", status_desc: "In progress",
        status_date: String(nowS()), created: String(nowS()), modified: String(nowS()), deleted: "0",
        segments: [{ segment_id: seg, type: "Active", name: "All list members", last_count: em.store.rawSegment(Number(seg))?.last_count, exclude: "0", deleted: "0" }],
        distribution: [{ esp_id: "12", esp_connection_id: "12345", isp_id: null, domain: "default", percent: "100", name: "SMTP Relay" }],
        email_message: [{ type: "email_message", email_message_id: "27", name: "Email message 27", description: "", subject: "Email message 27 subject" }],
      },
    });
    const got = await call(em, "GET", `/2001/api/mailings/${r.body.payload.id}`);
    expect(got.body).toEqual(r.body);
  });

  it("with a future schedule_date it is Scheduled 60002; an excluded segment is marked with the object form", async () => {
    const inc = await segment("buyers");
    const exc = await segment("unsubscribed lately");
    const at = nowS() + 3600;
    const c = await campaign([Number(inc), { segment_id: Number(exc), exclude: 1 }], { schedule_date: at });
    expect(c).toMatchObject({ status: "60002", status_desc: "Scheduled", schedule_date: String(at) });
    expect(c.segments.map((s: any) => [s.segment_id, s.exclude])).toEqual([[inc, "0"], [exc, "1"]]);
  });

  it("list selection as for segments: body list_id beats the route prefix", async () => {
    const seg = await segment("in 2002", 2002);
    const c = await campaign([Number(seg)], { list_id: 2002 }, 2001);
    expect(c.list_id).toBe("2002");
    expect((await call(em, "GET", `/2002/api/mailings/${c.id}`)).status).toBe(200);
    expect((await call(em, "GET", `/2001/api/mailings/${c.id}`)).body).toEqual(errorEnvelope(404, expect.stringContaining(`Campaign ${c.id} not found in list 2001`)));
  });

  it.each([
    ["name missing", { name: undefined }, "Invalid data: name: is required"],
    ["blank name", { name: "  " }, "Invalid data: name: must not be empty"],
    ["no email message", { email_message: [] }, "Invalid data: email_message: must name at least one email message"],
    ["email message not an id", { email_message: ["x"] }, "Invalid data: email_message[0]: must be a positive integer"],
    ["no segments", { segments: [] }, "Invalid data: segments: must name at least one segment"],
    ["segment not an id", { segments: ["abc"] }, expect.stringContaining("Invalid data: segments[0]")],
    ["unknown exclude key", { segments: [{ segment_id: 1, excluded: 1 }] }, expect.stringContaining("Invalid data: segments[0]")],
    ["no distribution", { distribution: [] }, "Invalid data: distribution: must name at least one ESP connection"],
    ["past schedule_date", { schedule_date: Math.floor(T0 / 1000) - 1 }, `Invalid data: schedule_date: ${Math.floor(T0 / 1000) - 1} is not in the future (now ${Math.floor(T0 / 1000)})`],
    ["schedule_date not Unix time", { schedule_date: "tomorrow" }, "Invalid data: schedule_date: must be Unix time in seconds"],
  ])("400 Invalid data in the Ongage envelope: %s", async (_name, change, message) => {
    const seg = await segment("s");
    const b: Record<string, unknown> = body([Number(seg)], change);
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete b[k];
    const r = await call(em, "POST", "/2001/api/mailings", b);
    expect(r.status).toBe(400);
    expect(r.body).toEqual(invalid(message));
    expect(em.store.listMailings(2001)).toEqual([]);
  });

  it("400 for segments that do not exist in the list, are named twice, or are all excluded", async () => {
    const seg = await segment("here");
    const other = await segment("elsewhere", 2002);
    const post = (segments: unknown[]) => call(em, "POST", "/2001/api/mailings", body(segments));
    expect((await post([999])).body).toEqual(invalid("Invalid data: segments[0]: segment 999 does not exist in list 2001"));
    expect((await post([Number(seg), Number(other)])).body).toEqual(invalid(`Invalid data: segments[1]: segment ${other} does not exist in list 2001`));
    expect((await post([Number(seg), Number(seg)])).body).toEqual(invalid(`Invalid data: segments[1]: segment ${seg} is named twice`));
    expect((await post([{ segment_id: Number(seg), exclude: true }])).body).toEqual(invalid("Invalid data: segments: must include at least one segment that is not excluded"));
    await call(em, "DELETE", `/2001/api/segments/${seg}`);
    expect((await post([Number(seg)])).body).toEqual(invalid(`Invalid data: segments[0]: segment ${seg} does not exist in list 2001`));
  });

  it("400 for unknown ESP connections, duplicates, and percents that do not add up to 100", async () => {
    const seg = Number(await segment("s"));
    const post = (distribution: unknown[]) => call(em, "POST", "/2001/api/mailings", body([seg], { distribution }));
    expect((await post([{ esp_connection_id: 1, percent: 100 }])).body).toEqual(invalid(expect.stringContaining("Invalid data: distribution[0].esp_connection_id: 1 is not an ESP connection of this account")));
    expect((await post([{ esp_connection_id: 60129, percent: 50 }, { esp_connection_id: 60129, percent: 50 }])).body).toEqual(invalid("Invalid data: distribution[1].esp_connection_id: 60129 is named twice"));
    expect((await post([{ esp_connection_id: 60129, percent: 60 }, { esp_connection_id: 60128, percent: 30 }])).body).toEqual(invalid("Invalid data: distribution: percents must add up to 100 (got 90)"));
    expect((await post([{ esp_connection_id: 60129, percent: 0 }, { esp_connection_id: 60128, percent: 100 }])).body).toEqual(invalid("Invalid data: distribution[0].percent: must be more than 0 and at most 100"));
    const split = await post([{ esp_connection_id: 60129, percent: "70" }, { esp_connection_id: 60128, percent: 30 }]);
    expect(split.status).toBe(200);
    expect(split.body.payload.distribution.map((d: any) => [d.esp_connection_id, d.percent, d.name])).toEqual([["60129", "70", "SparkPost"], ["60128", "30", "Amazon SES"]]);
  });

  it("400 Invalid call for a malformed or non-object body; 401 without credentials", async () => {
    for (const raw of ["{", "", "[1]"]) {
      const r = await call(em, "POST", "/2001/api/mailings", raw);
      expect(r.status).toBe(400);
      expect(r.body).toEqual(errorEnvelope(400, expect.stringMatching(/^Invalid call: /)));
    }
    expect((await call(em, "GET", "/2001/api/mailings", undefined, {})).status).toBe(401);
  });

  it("403 in the Ongage envelope for an account without API access; nothing is created", async () => {
    const seg = Number(await segment("s"));
    em.setApiAccess(false);
    try {
      const r = await call(em, "POST", "/2001/api/mailings", body([seg]));
      expect(r.status).toBe(403);
      expect(r.body).toEqual(errorEnvelope(403));
      expect((await call(em, "GET", "/2001/api/mailings")).status).toBe(403);
    } finally {
      em.setApiAccess(true);
    }
    expect(em.store.listMailings(2001)).toEqual([]);
  });
});

describe("GET /api/mailings (collection)", () => {
  it("summary rows of the list, total as a string, offset/limit, sort/order and a status filter", async () => {
    const seg = Number(await segment("s"));
    const a = await campaign([seg], { name: "a" });
    const b = await campaign([seg], { name: "b", schedule_date: nowS() + 60 });
    const c = await campaign([seg], { name: "c" });
    const other = await campaign([Number(await segment("t", 2002))], {}, 2002);
    const all = await call(em, "GET", "/2001/api/mailings");
    expect(all.body.metadata).toEqual({ error: false, total: "3" });
    expect(all.body.payload.map((m: any) => m.id)).toEqual([a.id, b.id, c.id]);
    expect(all.body.payload[1]).toEqual({
      id: b.id, name: "b", description: "Handle with care", schedule_date: String(nowS() + 60), type: "campaign",
      status: "60002", status_desc: "Scheduled", status_date: String(nowS()), list_id: "2001", created: String(nowS()),
      modified: String(nowS()), deleted: "0", is_test: "0", progress: "0",
    });
    const paged = await call(em, "GET", "/2001/api/mailings?offset=1&limit=1");
    expect(paged.body.metadata.total).toBe("3");
    expect(paged.body.payload.map((m: any) => m.id)).toEqual([b.id]);
    const desc = await call(em, "GET", "/2001/api/mailings?sort=name&order=desc");
    expect(desc.body.payload.map((m: any) => m.name)).toEqual(["c", "b", "a"]);
    const scheduled = await call(em, "GET", "/2001/api/mailings?status=60002");
    expect(scheduled.body.payload.map((m: any) => m.id)).toEqual([b.id]);
    expect((await call(em, "GET", `/api/mailings?list_id=2002`)).body.payload.map((m: any) => m.id)).toEqual([other.id]);
    expect((await call(em, "GET", "/2001/api/mailings?status=1")).status).toBe(412);
    expect((await call(em, "GET", "/2001/api/mailings?sort=nope")).status).toBe(412);
  });

  it("unknown campaign → 404 envelope", async () => {
    expect((await call(em, "GET", "/2001/api/mailings/424242")).body).toEqual(errorEnvelope(404, "Not found: Campaign 424242 not found in list 2001"));
  });
});

describe("PUT /api/mailings/<id> and its actions", () => {
  it("PUT with schedule_date schedules a launched-later campaign; other fields change and keep", async () => {
    const s1 = Number(await segment("s1"));
    const s2 = Number(await segment("s2"));
    const c = await campaign([s1], { schedule_date: nowS() + 60 });
    await call(em, "PUT", `/2001/api/mailings/${c.id}/unschedule`);
    clockMs += 10_000;
    const at = nowS() + 7200;
    const r = await call(em, "PUT", `/2001/api/mailings/${c.id}`, { name: "renamed", segments: [s1, { segment_id: s2, exclude: "1" }], schedule_date: at });
    expect(r.status, r.text).toBe(200);
    expect(r.body.payload).toMatchObject({ name: "renamed", description: "Handle with care", status: "60002", status_desc: "Scheduled", schedule_date: String(at), modified: String(nowS()), status_date: String(nowS()) });
    expect(r.body.payload.segments.map((s: any) => s.exclude)).toEqual(["0", "1"]);
    expect((await call(em, "GET", `/2001/api/mailings/${c.id}`)).body.payload).toEqual(r.body.payload);
  });

  it("PUT refuses started campaigns (400), bad bodies (400), unknown ids (404)", async () => {
    const seg = Number(await segment("s"));
    const running = await campaign([seg]);
    expect((await call(em, "PUT", `/2001/api/mailings/${running.id}`, { name: "x" })).body).toEqual(
      invalid(`Invalid call: campaign ${running.id} is In progress (60003); only New or Scheduled campaigns can be changed`),
    );
    const scheduled = await campaign([seg], { schedule_date: nowS() + 60 });
    expect((await call(em, "PUT", `/2001/api/mailings/${scheduled.id}`, { segments: [777] })).body).toEqual(invalid("Invalid data: segments[0]: segment 777 does not exist in list 2001"));
    expect((await call(em, "PUT", `/2001/api/mailings/${scheduled.id}`, { schedule_date: 5 })).body).toEqual(invalid(`Invalid data: schedule_date: 5 is not in the future (now ${nowS()})`));
    expect((await call(em, "PUT", `/2001/api/mailings/${scheduled.id}`, "{")).status).toBe(400);
    expect((await call(em, "PUT", "/2001/api/mailings/999", { name: "x" })).status).toBe(404);
    expect(em.store.rawMailing(scheduled.id)?.segments).toEqual([{ segment_id: String(seg), exclude: "0" }]);
  });

  it("unschedule: Scheduled → New with schedule_date 0; anything else → 400", async () => {
    const c = await campaign([Number(await segment("s"))], { schedule_date: nowS() + 60 });
    const r = await call(em, "PUT", `/2001/api/mailings/${c.id}/unschedule`);
    expect(r.body.payload).toMatchObject({ status: "60001", status_desc: "New", schedule_date: "0" });
    expect((await call(em, "PUT", `/2001/api/mailings/${c.id}/unschedule`)).body).toEqual(
      invalid(`Invalid call: campaign ${c.id} is New (60001); only Scheduled campaigns can be unscheduled`),
    );
    expect((await call(em, "PUT", "/2001/api/mailings/999/unschedule")).status).toBe(404);
  });

  it("cancel: New / Scheduled / On hold → Cancelled 60006; In progress → 400", async () => {
    const seg = Number(await segment("s"));
    const scheduled = await campaign([seg], { schedule_date: nowS() + 60 });
    expect((await call(em, "PUT", `/2001/api/mailings/${scheduled.id}/cancel`, {})).body.payload).toMatchObject({ status: "60006", status_desc: "Cancelled" });
    const running = await campaign([seg]);
    expect((await call(em, "PUT", `/2001/api/mailings/${running.id}/cancel`)).body).toEqual(
      invalid(`Invalid call: campaign ${running.id} is In progress (60003); only New or Scheduled or On hold campaigns can be cancelled`),
    );
    await call(em, "PUT", `/2001/api/mailings/${running.id}/abort`);
    expect((await call(em, "PUT", `/2001/api/mailings/${running.id}/cancel`)).body.payload.status).toBe("60006");
  });

  it("abort toggles In progress ↔ On hold; other states → 400", async () => {
    const seg = Number(await segment("s"));
    const c = await campaign([seg]);
    expect((await call(em, "PUT", `/2001/api/mailings/${c.id}/abort`)).body.payload).toMatchObject({ status: "60009", status_desc: "On hold" });
    expect((await call(em, "PUT", `/2001/api/mailings/${c.id}/abort`)).body.payload).toMatchObject({ status: "60003", status_desc: "In progress" });
    const scheduled = await campaign([seg], { schedule_date: nowS() + 60 });
    expect((await call(em, "PUT", `/2001/api/mailings/${scheduled.id}/abort`)).status).toBe(400);
  });
});

describe("the segment's mailings array and DELETE's unscheduling", () => {
  it("GET segment lists every campaign that names it, included or excluded, with its current status", async () => {
    const seg = await segment("shared");
    const other = Number(await segment("other"));
    const included = await campaign([Number(seg)], { name: "Black Friday", schedule_date: nowS() + 60 });
    const excluded = await campaign([other, { segment_id: Number(seg), exclude: true }], { name: "Newsletter" });
    await campaign([other], { name: "Unrelated" });
    const got = await call(em, "GET", `/2001/api/segments/${seg}`);
    expect(got.body.payload.mailings).toEqual([
      { id: included.id, name: "Black Friday", status: "60002", status_desc: "Scheduled", schedule_date: String(nowS() + 60), exclude: "0" },
      { id: excluded.id, name: "Newsletter", status: "60003", status_desc: "In progress", schedule_date: "0", exclude: "1" },
    ]);
    await call(em, "PUT", `/2001/api/mailings/${excluded.id}/abort`);
    expect((await call(em, "GET", `/2001/api/segments/${seg}`)).body.payload.mailings[1]).toMatchObject({ status: "60009", status_desc: "On hold" });
    expect((await call(em, "GET", `/2001/api/segments/${other}`)).body.payload.mailings.map((m: any) => m.name)).toEqual(["Newsletter", "Unrelated"]);
  });

  it("DELETE unschedules every Scheduled campaign using it (included or excluded); New, In progress, On hold and finished ones keep their status", async () => {
    const seg = await segment("doomed");
    const keep = Number(await segment("keep"));
    const scheduledIn = await campaign([Number(seg)], { schedule_date: nowS() + 60 });
    const scheduledEx = await campaign([keep, { segment_id: Number(seg), exclude: 1 }], { schedule_date: nowS() + 120 });
    const scheduledOther = await campaign([keep], { schedule_date: nowS() + 180 });
    const running = await campaign([Number(seg)]);
    const onHold = em.store.createMailing({ listId: 2001, name: "held", segments: [Number(seg)], status: "On hold" });
    const draft = em.store.createMailing({ listId: 2001, name: "draft", segments: [Number(seg)], status: "New" });
    const done = em.store.createMailing({ listId: 2001, name: "done", segments: [Number(seg)], status: "60004" });
    clockMs += 5000;
    const del = await call(em, "DELETE", `/2001/api/segments/${seg}`);
    expect(del.status).toBe(200);
    expect(del.body.payload.deleted).toBe("1");
    const status = (id: string) => em.store.rawMailing(id)?.status;
    expect([scheduledIn.id, scheduledEx.id, scheduledOther.id, running.id, onHold.id, draft.id, done.id].map(status)).toEqual([
      "60001", "60001", "60002", "60003", "60009", "60001", "60004",
    ]);
    expect(del.body.payload.mailings.map((m: any) => [m.id, m.status, m.schedule_date])).toEqual([
      [scheduledIn.id, "60001", "0"], [scheduledEx.id, "60001", "0"], [running.id, "60003", "0"], [onHold.id, "60009", expect.any(String)],
      [draft.id, "60001", "0"], [done.id, "60004", expect.any(String)],
    ]);
    const after = (await call(em, "GET", `/2001/api/mailings/${scheduledIn.id}`)).body.payload;
    expect(after).toMatchObject({ status: "60001", status_desc: "New", schedule_date: "0", status_date: String(nowS()) });
    expect(after.segments).toEqual([{ segment_id: seg, type: "Deleted", name: "doomed", last_count: em.store.rawSegment(Number(seg))?.last_count, exclude: "0", deleted: "1" }]);
    const ex = (await call(em, "GET", `/2001/api/mailings/${scheduledEx.id}`)).body.payload.segments;
    expect(ex.map((s: any) => [s.segment_id, s.type, s.deleted, s.exclude])).toEqual([[String(keep), "Active", "0", "0"], [seg, "Deleted", "1", "1"]]);
  });
});

describe("store API and persistence", () => {
  it("createMailing starts in any status, setMailingStatus moves it, and both show on the routes", async () => {
    const seg = Number(await segment("s"));
    const m = em.store.createMailing({ listId: 2001, name: "seeded", segments: [seg, { segment_id: Number(await segment("x")), exclude: true }], status: "Scheduled" });
    expect(m).toMatchObject({ status: "60002", schedule_date: String(nowS() + 86400) });
    em.store.setMailingStatus(m.id, "Completed");
    const got = (await call(em, "GET", `/2001/api/mailings/${m.id}`)).body.payload;
    expect(got).toMatchObject({ status: "60004", status_desc: "Completed", distribution: [{ esp_connection_id: "11058", percent: "100", name: "Dyn" }] });
    expect((await call(em, "GET", "/2001/api/mailings")).body.payload[0].progress).toBe("100");
    expect(() => em.store.setMailingStatus(m.id, "Sent")).toThrow(/unknown campaign status "Sent"/);
    expect(() => em.store.createMailing({ listId: 2001, name: "bad", segments: [12] })).toThrow(/segments\[0\]: segment 12 does not exist/);
  });

  it("campaigns survive a --state restart, and their ids keep counting up", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "ongage-mailings-")), "state.json");
    const persistence = stateSection(jsonFileState(file), "ongage");
    const first = await startOngageEmulator({ persistence, lists: [EMAIL_DATE_LIST], population: { size: 0 } });
    const seg = await call(first, "POST", "/2001/api/segments", { name: "p", type: "Active" });
    const c = await call(first, "POST", "/2001/api/mailings", body([Number(seg.body.payload.id)], { schedule_date: Math.floor(Date.now() / 1000) + 3600 }));
    await first.close();
    const second = await startOngageEmulator({ persistence, lists: [EMAIL_DATE_LIST], population: { size: 0 } });
    try {
      expect((await call(second, "GET", `/2001/api/mailings/${c.body.payload.id}`)).body).toEqual(c.body);
      expect((await call(second, "GET", `/2001/api/segments/${seg.body.payload.id}`)).body.payload.mailings).toHaveLength(1);
      const next = await call(second, "POST", "/2001/api/mailings", body([Number(seg.body.payload.id)]));
      expect(Number(next.body.payload.id)).toBeGreaterThan(Number(c.body.payload.id));
    } finally {
      await second.close();
    }
  });
});
