import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonFileState, stateSection } from "../../../emulators/harness/state-file";
import { ESP_CONNECTIONS } from "../../../emulators/ongage/mailings";
import { type OngageEmulator, startOngageEmulator } from "../../../emulators/ongage/server";
import { DEFAULT_LIST_HISTORY_IDS, OngageStore } from "../../../emulators/ongage/store";
import { call } from "./http";

/** The synthetic population: deterministic, spread so every rule type selects some contacts and misses others. */

const T0 = Date.UTC(2026, 11, 1, 9, 30);
const store = (opts: Partial<ConstructorParameters<typeof OngageStore>[0]> = {}) =>
  new OngageStore({ defaultListId: 10000, now: () => T0, lists: [{ id: 2002 }], ...opts });

describe("determinism", () => {
  it("the same seed and clock give the same contacts; another seed or another list give others", () => {
    const a = store().contacts(10000);
    const b = store().contacts(10000);
    expect(a).toHaveLength(3000);
    expect(b).toEqual(a);
    const other = store({ population: { seed: 2 } }).contacts(10000);
    expect(other).toHaveLength(3000);
    expect(other.map((c) => c.fields.email)).not.toEqual(a.map((c) => c.fields.email));
    expect(store().contacts(2002).map((c) => c.fields.email)).not.toEqual(a.map((c) => c.fields.email));
  });

  it("later on the same day the population is the same (it is anchored to UTC midnight); size and per-list options apply", () => {
    const later = new OngageStore({ defaultListId: 10000, now: () => T0 + 10 * 3600_000, lists: [{ id: 2002 }] });
    expect(later.contacts(10000)).toEqual(store().contacts(10000));
    const small = store({ population: { size: 25 }, lists: [{ id: 2002, population: { size: 7, seed: 9 } }] });
    expect(small.contacts(10000)).toHaveLength(25);
    expect(small.contacts(2002)).toHaveLength(7);
    const empty = store({ population: { size: 0 } });
    expect(empty.contacts(10000)).toEqual([]);
    expect(empty.listMailings(10000)).toEqual([]);
  });
});

describe("shape of the data", () => {
  const s = store();
  const contacts = s.contacts(10000);
  const history = s.historyMailingIds(10000);

  it("unique emails, the default fields and ocx_* system fields, every status", () => {
    expect(new Set(contacts.map((c) => String(c.fields.email).toLowerCase())).size).toBe(3000);
    for (const key of ["email", "first_name", "last_name", "address", "birthdate", "product_id", "ocx_contact_id", "ocx_created_date", "ocx_import_id", "ocx_list_id"]) {
      expect(contacts.every((c) => key in c.fields), key).toBe(true);
    }
    for (const st of ["active", "bounced", "complaint", "unsubscribed"] as const) expect(contacts.filter((c) => c.status === st).length, st).toBeGreaterThan(20);
    expect(contacts.some((c) => c.fields.first_name === null)).toBe(true);
    expect(contacts.some((c) => typeof c.fields.first_name === "string" && c.fields.first_name !== c.fields.first_name.toLowerCase())).toBe(true);
    expect(contacts.some((c) => typeof c.fields.first_name === "string" && c.fields.first_name === c.fields.first_name.toLowerCase())).toBe(true);
  });

  it("events belong to the list's past campaigns and the account's ESP connections, with ISO countries; sends carry no browser", () => {
    expect(history).toEqual(DEFAULT_LIST_HISTORY_IDS);
    const esp = new Set(ESP_CONNECTIONS.map((c) => c.id));
    const events = contacts.flatMap((c) => c.events);
    expect(events.length).toBeGreaterThan(10_000);
    for (const type of ["sent", "opened", "clicked"]) expect(events.some((e) => e.type === type), type).toBe(true);
    expect(events.every((e) => history.includes(e.mailing_id) && esp.has(e.esp_connection_id) && /^[A-Z]{2}$/.test(e.country))).toBe(true);
    expect(events.filter((e) => e.type === "sent").every((e) => e.browser === undefined && e.platform === undefined)).toBe(true);
    expect(events.filter((e) => e.type !== "sent").every((e) => e.browser && e.platform)).toBe(true);
    expect(contacts.filter((c) => c.status === "bounced").every((c) => c.events.every((e) => e.type === "sent"))).toBe(true);
  });
});

describe("counts over the synthetic default list", () => {
  let em: OngageEmulator;
  beforeAll(async () => {
    em = await startOngageEmulator({ defaultListId: 10000, now: () => T0 });
  });
  afterAll(async () => em.close());
  const field = (name: string) => em.store.list(10000)!.fields.find((f) => f.name === name)!.id;
  const total = (c: { active: number; bounced: number; complaint: number; unsubscribed: number }) => c.active + c.bounced + c.complaint + c.unsubscribed;

  it("every rule type and operator selects some contacts and misses others, so a changed rule moves the count", () => {
    const text = (name: string, operator: string, operand?: unknown[], extra = {}) => ({ field_id: field(name), type: name === "email" ? "email" : "string", operator, operand, condition: "and", ...extra });
    const rules: unknown[] = [
      text("email", "LIKE", ["gmail"]), text("email", "NOT LIKE", ["gmail"]), text("email", "_LIKE", ["ja"]), text("email", "LIKE_", [".org"]),
      text("first_name", "=", ["James"]), text("first_name", "=", ["james"], { case_sensitive: "1" }), text("first_name", "!=", ["James"]),
      text("first_name", "empty"), text("address", "notempty"),
      { field_id: field("product_id"), type: "numeric", operator: "><", operand: [1000, 5000], condition: "and" },
      { field_id: field("product_id"), type: "numeric", operator: "=", operand: [12345], condition: "and" },
      { field_id: field("birthdate"), type: "date_absolute", operator: "<", operand: [884404800], condition: "and" },
      { field_name: "ocx_created_date", type: "date_relative", operator: "<=", operand: ["13"], condition: "and" },
      { field_name: "ocx_import_id", type: "numeric", operator: "=", operand: ["11111111"], condition: "and" },
      { field_name: "ocx_unsubscribe_date", type: "date_absolute", operator: "notempty", condition: "and" },
      { type: "behavioral", field_name: "opened", operator: "=", operand: { mailing_ids: [85362, 85360], esp_connection_ids: [60133, 60387], time_range: { operator: "between", in_last: 30, in_last_unit: "day", to: 2, to_unit: "month" }, browsers: ["Chrome"], countries: ["AZ", "BH"], platforms: ["Linux", "Win8.1"] }, condition: "and" },
      { type: "behavioral", field_name: "sent", operator: "=", operand: { mailing_ids: [84715, 84668, 84666], repeat: { operator: ">=", counter: 2 } }, condition: "and" },
      { type: "behavioral", field_name: "clicked", operator: "!=", operand: { time_range: { operator: "custom", from_date: "2026-10-01 00:00:00", to_date: "2026-11-23 10:30:00" } }, condition: "and" },
    ];
    const all = total(em.store.countFor(10000, []));
    expect(all).toBe(3000);
    const seen = new Set<number>();
    for (const r of rules) {
      const n = total(em.store.countFor(10000, [r] as never));
      expect(n, JSON.stringify(r)).toBeGreaterThan(0);
      expect(n, JSON.stringify(r)).toBeLessThan(all);
      seen.add(n);
    }
    expect(seen.size).toBeGreaterThan(rules.length - 3);
  });

  it("the past campaigns are real Completed campaigns of the default list, readable on the routes", async () => {
    const list = await call(em, "GET", "/10000/api/mailings");
    expect(list.body.metadata.total).toBe(String(DEFAULT_LIST_HISTORY_IDS.length));
    expect(list.body.payload.map((m: any) => [Number(m.id), m.status_desc])).toEqual(DEFAULT_LIST_HISTORY_IDS.map((id) => [id, "Completed"]));
    const one = await call(em, "GET", "/10000/api/mailings/85360");
    expect(one.body.payload).toMatchObject({ status: "60004", segments: [], distribution: [{ esp_connection_id: "60133", percent: "100", name: "SendGrid" }] });
  });
});

describe("persistence", () => {
  it("after a --state restart on a later day the contacts (anchored at the first start) and hand-written contacts are the same", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "ongage-population-")), "state.json");
    const persistence = stateSection(jsonFileState(file), "ongage");
    const first = await startOngageEmulator({ persistence, now: () => T0, lists: [{ id: 2002 }], population: { size: 200 } });
    const generated = first.store.contacts(10000);
    first.store.setContacts(2002, [{ email: "only@one.com", status: "complaint", fields: { first_name: "Only" } }]);
    await call(first, "POST", "/10000/api/segments", { name: "save me", type: "Active" });
    await first.close();
    const second = await startOngageEmulator({ persistence, now: () => T0 + 3 * 86_400_000, lists: [{ id: 2002 }], population: { size: 200 } });
    try {
      expect(second.store.contacts(10000)).toEqual(generated);
      expect(second.store.contacts(2002).map((c) => [c.fields.email, c.status, c.fields.first_name])).toEqual([["only@one.com", "complaint", "Only"]]);
      expect(second.store.listMailings(10000).map((m) => Number(m.id))).toEqual(DEFAULT_LIST_HISTORY_IDS);
    } finally {
      await second.close();
    }
  });
});
