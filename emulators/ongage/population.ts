import { seededRandom } from "../harness/faults";
import type { Contact, ContactEvent, ContactStatus, FieldValue } from "./contacts";
import type { FieldType } from "./rules";

/**
 * A deterministic synthetic population for one list: the same seed, list, fields, size and anchor
 * time always give the same contacts. Values are spread so that every rule type and operator selects
 * some contacts and misses others: names in mixed case, empty values, birthdates and product ids over
 * wide ranges, recent and old sign-ups, all four statuses, and sent/opened/clicked events of the
 * list's past campaigns through several ESP connections, browsers, countries and platforms.
 */

export interface PopulationOptions {
  /** Contacts per list; 0 for none (fast tests). Default 3000. */
  size?: number;
  /** PRNG seed; each list mixes in its id. Default 1. */
  seed?: number;
}

export const DEFAULT_POPULATION_SIZE = 3000;
export const DEFAULT_POPULATION_SEED = 1;

/** A past campaign the population's events belong to. */
export interface HistoryMailing {
  id: number;
  name: string;
  /** Epoch seconds. */
  sentAt: number;
  espConnectionIds: number[];
}

export const FIRST_NAMES = [
  "James", "Peter", "David", "Mary", "Linda", "Susan", "Robert", "Michael", "Sarah", "Emma", "Olivia", "Noah",
  "Liam", "Ava", "Sophia", "Isabella", "Lucas", "Mia", "Ethan", "Amelia", "Jamie", "Petra", "Davide", "Jane",
];
export const LAST_NAMES = [
  "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Doe", "Martinez", "Taylor",
  "Anderson", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "O'Brien", "McDonald",
];
export const EMAIL_DOMAINS = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "gmail.co.uk", "icloud.com", "example.org", "company.com"];
export const STREETS = ["Main Street", "Oak Avenue", "Pine Road", "Maple Lane", "Cedar Court", "Elm Street", "High Street", "Park Road"];
export const CITIES = ["Springfield", "London", "Berlin", "Tel Aviv", "Baku", "Manama", "Dhaka", "Kabul", "Toronto", "Sydney"];
/** ISO-3166 alpha-2; includes the codes of the documented examples (AZ, BH, AF, BD, IO). */
export const COUNTRIES = ["US", "US", "US", "GB", "GB", "DE", "FR", "CA", "AU", "IL", "IN", "BR", "AZ", "BH", "AF", "BD", "IO"];
export const BROWSERS = ["Chrome", "Chrome", "Safari", "Firefox", "Edge", "Opera", "Outlook"];
export const PLATFORMS = ["Windows", "Win8.1", "Linux", "Mac", "iOS", "Android"];
/** Import ids, including the documented examples' 11111111, 13 and 23456. */
export const IMPORT_IDS = [11111111, 13, 23456, 31337];

const DAY = 86_400;

/** Past campaigns of a list, oldest first, sent at fixed offsets before `anchor`. */
export function historyMailings(ids: readonly number[], anchor: number, espConnectionIds: readonly number[]): HistoryMailing[] {
  const daysAgo = [150, 100, 62, 35, 12, 3, 1];
  return ids.map((id, k) => ({
    id,
    name: `Newsletter #${k + 1}`,
    sentAt: anchor - (daysAgo[k % daysAgo.length] ?? 1) * DAY + 10 * 3600,
    // Every third campaign is split over two connections.
    espConnectionIds: [espConnectionIds[(k + 1) % espConnectionIds.length]!, ...(k % 3 === 2 ? [espConnectionIds[(k + 2) % espConnectionIds.length]!] : [])],
  }));
}

export interface GenerateArgs {
  listId: number;
  fields: ReadonlyArray<{ name: string; type: FieldType }>;
  size: number;
  seed: number;
  /** Epoch seconds the population is "generated at"; all dates are relative to it. */
  anchor: number;
  history: readonly HistoryMailing[];
}

/** Mixes the seed with the list id so each list gets its own population. */
function listSeed(seed: number, listId: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ listId, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export function generatePopulation(args: GenerateArgs): Contact[] {
  const random = seededRandom(listSeed(args.seed, args.listId));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const chance = (p: number) => random() < p;
  const contacts: Contact[] = [];
  for (let i = 0; i < args.size; i++) {
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    const country = pick(COUNTRIES);
    const r = random();
    const status: ContactStatus = r < 0.82 ? "active" : r < 0.91 ? "unsubscribed" : r < 0.98 ? "bounced" : "complaint";
    // Sign-ups: a tenth in the last two weeks, the rest over three years.
    const created = args.anchor - (chance(0.1) ? int(0, 14 * DAY) : int(15 * DAY, 3 * 365 * DAY));
    const local = `${first}.${last}`.replace(/'/g, "").toLowerCase();
    const email = `${chance(0.05) ? local.toUpperCase() : local}${i}@${pick(EMAIL_DOMAINS)}`;
    const fields: Record<string, FieldValue> = {};
    for (const f of args.fields) {
      fields[f.name] = fieldValue(f.name, f.type, { email, first, last, i, random, pick, int, chance, anchor: args.anchor });
    }
    let unsubscribed: number | null = null;
    let resubscribed: number | null = null;
    if (status === "unsubscribed") unsubscribed = int(created, args.anchor);
    else if (chance(0.05)) {
      unsubscribed = int(created, args.anchor);
      resubscribed = int(unsubscribed, args.anchor);
    }
    fields.ocx_contact_id = `c${args.listId}-${i + 1}`;
    fields.ocx_created_date = created;
    fields.ocx_unsubscribe_date = unsubscribed;
    fields.ocx_resubscribe_date = resubscribed;
    fields.ocx_import_id = chance(0.7) ? pick(IMPORT_IDS) : null;
    fields.ocx_list_id = args.listId;
    const events: ContactEvent[] = [];
    const engagement = status === "bounced" ? 0 : random();
    const browser = pick(BROWSERS);
    const platform = pick(PLATFORMS);
    for (const m of args.history) {
      if (m.sentAt < created || (unsubscribed !== null && resubscribed === null && m.sentAt > unsubscribed)) continue;
      if (!chance(0.92)) continue;
      const esp = pick(m.espConnectionIds);
      events.push({ type: "sent", mailing_id: m.id, esp_connection_id: esp, at: m.sentAt, country });
      if (!chance(engagement)) continue;
      const opens = int(1, 4);
      for (let k = 0; k < opens; k++) {
        const at = m.sentAt + int(60, 5 * DAY);
        const b = chance(0.8) ? browser : pick(BROWSERS);
        const p = chance(0.8) ? platform : pick(PLATFORMS);
        events.push({ type: "opened", mailing_id: m.id, esp_connection_id: esp, at, country, browser: b, platform: p });
        if (chance(0.3)) events.push({ type: "clicked", mailing_id: m.id, esp_connection_id: esp, at: at + int(5, 600), country, browser: b, platform: p });
      }
    }
    contacts.push({ id: String(fields.ocx_contact_id), status, fields, events });
  }
  return contacts;
}

interface ValueTools {
  email: string;
  first: string;
  last: string;
  i: number;
  random: () => number;
  pick: <T>(xs: readonly T[]) => T;
  int: (lo: number, hi: number) => number;
  chance: (p: number) => boolean;
  anchor: number;
}

/** A value for one list field: the typical fields by name, any other field by type; ~10 % empty. */
function fieldValue(name: string, type: FieldType, t: ValueTools): FieldValue {
  if (type === "email") return name === "email" ? t.email : t.chance(0.1) ? null : `${t.last.toLowerCase()}${t.i}@${t.pick(EMAIL_DOMAINS)}`;
  switch (name) {
    case "first_name":
      return t.chance(0.08) ? null : t.chance(0.1) ? t.first.toLowerCase() : t.first;
    case "last_name":
      return t.chance(0.08) ? null : t.last;
    case "address":
      return t.chance(0.25) ? null : `${t.int(1, 250)} ${t.pick(STREETS)}, ${t.pick(CITIES)}`;
    case "birthdate":
      // 1950-01-01 .. 2007-12-31, at midnight UTC.
      return t.chance(0.1) ? null : t.int(-7305, 13878) * 86_400;
    case "product_id":
      return t.chance(0.1) ? null : t.chance(0.05) ? 12345 : t.int(1, 20000);
  }
  if (t.chance(0.1)) return null;
  switch (type) {
    case "string":
      return `${t.pick(["alpha", "Beta", "gamma", "Delta", "omega"])}-${t.int(1, 99)}`;
    case "numeric":
      return t.int(0, 1000);
    case "date":
      return t.anchor - t.int(0, 5 * 365) * 86_400;
  }
}
