import type { Contact, ContactSeed } from "./contacts";
import { ESP_CONNECTIONS } from "./mailings";
import { generatePopulation, historyMailings } from "./population";
import { SYSTEM_FIELDS } from "./rules";
import { populationOf } from "./lists";
import { type OngageState, requireList } from "./state";

/** The contacts of each list in the store: the generated population (cached) or hand-written ones. */

/** The list's contacts: those given to `setContacts`, else its synthetic population (generated once). */
export function listContacts(s: OngageState, listId: number): readonly Contact[] {
  requireList(s, listId);
  const explicit = s.explicitContacts.get(listId);
  if (explicit) return explicit;
  const list = s.lists.get(listId)!;
  const { size, seed } = populationOf(s, listId);
  const anchor = s.populationAnchor;
  const historyIds = s.history.get(listId) ?? [];
  const key = JSON.stringify([size, seed, anchor, historyIds, list.fields.map((f) => [f.name, f.type])]);
  const cached = s.generated.get(listId);
  if (cached?.key === key) return cached.contacts;
  const contacts = generatePopulation({
    listId, fields: list.fields, size, seed, anchor,
    history: historyMailings(historyIds, anchor, ESP_CONNECTIONS.map((c) => c.id)),
  });
  s.generated.set(listId, { key, contacts });
  return contacts;
}

/**
 * Replaces the list's contacts with hand-written ones (tests, seeding); they persist with the
 * state file. Field keys must be fields of the list or `ocx_*` system fields.
 */
export function setContacts(s: OngageState, listId: number, seeds: readonly ContactSeed[]): readonly Contact[] {
  const list = requireList(s, listId);
  const names = new Set([...list.fields.map((f) => f.name), ...Object.keys(SYSTEM_FIELDS)]);
  const contacts = seeds.map((c, i): Contact => {
    for (const key of Object.keys(c.fields ?? {})) {
      if (!names.has(key)) throw new Error(`setContacts: contact ${i}: ${key} is not a field of list ${listId}`);
    }
    const id = c.id ?? `c${listId}-${i + 1}`;
    return {
      id,
      status: c.status ?? "active",
      fields: { ocx_contact_id: id, ocx_list_id: listId, ...c.fields, email: c.email },
      events: [...(c.events ?? [])],
    };
  });
  s.explicitContacts.set(listId, contacts);
  return contacts;
}
