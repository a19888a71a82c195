import { ESP_CONNECTIONS, STATUS } from "./mailings";
import { DEFAULT_POPULATION_SEED, DEFAULT_POPULATION_SIZE, historyMailings, type PopulationOptions } from "./population";
import { type ListFieldSeed, type ListSeed, nowSeconds, type OngageList, type OngageState } from "./state";

/**
 * Lists and their fields: seeding the configured lists, each list's population options, and the
 * past campaigns a list with a population gets.
 */

export const TYPICAL_FIELDS: readonly ListFieldSeed[] = [
  { name: "email", title: "Email", type: "email", mandatory: true },
  { name: "first_name", title: "First Name", type: "string" },
  { name: "last_name", title: "Last Name", type: "string" },
  { name: "address", title: "Address", type: "string" },
  { name: "birthdate", title: "Birthdate", type: "date" },
  { name: "product_id", title: "Product ID", type: "numeric" },
];

/** ASSUMED: the default list's past campaigns carry the mailing ids of the documented behavioral examples. */
export const DEFAULT_LIST_HISTORY_IDS = [84666, 84668, 84715, 85360, 85362, 85364];

/** Adds (or replaces) a list; fields without an id get fresh ids. */
export function addList(s: OngageState, seed: ListSeed): OngageList {
  const created = nowSeconds(s);
  const fields = (seed.fields ?? TYPICAL_FIELDS).map((f, position) => ({
    id: f.id ?? s.next.field++,
    name: f.name,
    title: f.title ?? f.name,
    type: f.type,
    mandatory: f.mandatory ?? f.name === "email",
    position,
    created,
  }));
  const ids = new Set(fields.map((f) => f.id));
  if (ids.size !== fields.length) throw new Error(`list ${seed.id}: duplicate field ids`);
  const list = { id: seed.id, name: seed.name ?? `List ${seed.id}`, fields };
  s.lists.set(seed.id, list);
  seedHistory(s, seed);
  return list;
}

/** The default list (unless configured) and the configured lists, in that order. */
export function seedLists(s: OngageState): void {
  const seeds = s.opts.lists ?? [];
  if (!seeds.some((seed) => seed.id === s.defaultListId)) addList(s, { id: s.defaultListId, name: "Default List" });
  for (const seed of seeds) addList(s, seed);
}

export function populationOf(s: OngageState, listId: number): Required<PopulationOptions> {
  const own = s.opts.lists?.find((l) => l.id === listId)?.population;
  return {
    size: own?.size ?? s.opts.population?.size ?? DEFAULT_POPULATION_SIZE,
    seed: own?.seed ?? s.opts.population?.seed ?? DEFAULT_POPULATION_SEED,
  };
}

/**
 * A list with a population gets its past campaigns: Completed, sent to the whole list (no
 * segments), through the ESP connections its events use. The default list's ids are the documented
 * examples' (DEFAULT_LIST_HISTORY_IDS); other lists draw from the campaign counter.
 */
function seedHistory(s: OngageState, seed: ListSeed): void {
  if (populationOf(s, seed.id).size === 0) {
    s.history.delete(seed.id);
    return;
  }
  const count = DEFAULT_LIST_HISTORY_IDS.length;
  const ids = seed.id === s.defaultListId ? [...DEFAULT_LIST_HISTORY_IDS] : Array.from({ length: count }, () => s.next.mailing++);
  s.history.set(seed.id, ids);
  for (const h of historyMailings(ids, s.populationAnchor, ESP_CONNECTIONS.map((c) => c.id))) {
    const share = 100 / h.espConnectionIds.length;
    s.mailings.set(h.id, {
      id: String(h.id), type: "campaign", list_id: String(seed.id), is_test: "0", schedule_date: String(h.sentAt),
      name: h.name, description: "Past campaign of the synthetic population", status: STATUS.completed,
      status_date: String(h.sentAt + 3 * 3600), created: String(h.sentAt - 2 * 86_400), modified: String(h.sentAt + 3 * 3600),
      deleted: "0", segments: [], distribution: h.espConnectionIds.map((id) => ({ esp_connection_id: String(id), percent: String(share) })),
      email_message: [String(2000 + (h.id % 1000))],
    });
  }
}
