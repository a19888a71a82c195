import { decideDelete, type InUseWording, type SegmentUse } from "../pulumi/in-use";
import type { AntsClient } from "./client";
import type { WireListingEntry } from "./wire";
import { ANTS_KEYS, antsDeleteInUsePolicy } from "./settings";

/**
 * ANTS modules that use a segment: Listing entries carry `used_by_modules`, an array (empty in the
 * documented sample); its meaning and element shape are assumed (docs/api/ants.md §4.2). A non-empty
 * array keeps the segment in use; an entry without the array leaves use unknown, which counts as in
 * use (provider/pulumi/in-use.ts). The delete guard and `review --live` both read it here.
 */

/** Keys that name a module, tried in order; values are shown only when they are short scalars. */
const NAME_KEYS = ["name", "module_name", "moduleName", "title", "label", "display_name", "displayName"];
const ID_KEYS = ["id", "module_id", "moduleId", "object_id", "objectId"];
const TYPE_KEYS = ["type", "module_type", "moduleType", "module", "object_type", "objectType"];
const MAX_TEXT = 80;

const scalarText = (v: unknown): string | undefined => {
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v !== "string" || v.trim() === "") return undefined;
  const t = v.trim();
  return t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT)}…` : t;
};
const firstOf = (o: Record<string, unknown>, keys: string[]) => keys.map((k) => scalarText(o[k])).find((v) => v !== undefined);

/**
 * One element of `used_by_modules` in words, whatever its shape: a string or number as itself, an
 * object by its name, type and id keys, anything else by what it is (its key names, never its values).
 */
export function describeModule(m: unknown): string {
  const scalar = scalarText(m);
  if (scalar !== undefined) return typeof m === "string" ? JSON.stringify(scalar) : `module ${scalar}`;
  if (m !== null && typeof m === "object" && !Array.isArray(m)) {
    const o = m as Record<string, unknown>;
    const name = firstOf(o, NAME_KEYS);
    const id = firstOf(o, ID_KEYS);
    const type = firstOf(o, TYPE_KEYS);
    if (name !== undefined || id !== undefined) {
      return [type ?? "module", name === undefined ? undefined : JSON.stringify(name), id === undefined ? undefined : `(id ${id})`].filter(Boolean).join(" ");
    }
    const keys = Object.keys(o);
    if (type !== undefined) return `a ${JSON.stringify(type)} module (no name or id given)`;
    return keys.length === 0 ? "a module given as an empty object" : `a module of undocumented shape (keys: ${keys.slice(0, 8).join(", ")}${keys.length > 8 ? ", …" : ""})`;
  }
  if (Array.isArray(m)) return `a module given as a list of ${m.length} value${m.length === 1 ? "" : "s"}`;
  if (m === null) return "a module given as null";
  return `a module given as ${typeof m === "string" ? "an empty string" : `a ${typeof m}`}`;
}

/** What a Listing entry shows of the modules that use the segment. */
export function modulesInUse(entry: WireListingEntry): SegmentUse {
  const raw = entry.used_by_modules;
  if (Array.isArray(raw)) return { users: raw.map(describeModule) };
  const got = raw === undefined ? "the key is absent" : raw === null ? "it is null" : `it is ${typeof raw === "object" ? "an object" : `a ${typeof raw}`}, not a list`;
  return { users: [], unknown: `the ANTS Listing entry of segment ${String(entry.segment_id)} has no \`used_by_modules\` list (${got})` };
}

const wording = (id: string, name: unknown): InUseWording => ({
  segment: `ants segment ${id}${typeof name === "string" ? ` (${JSON.stringify(name)})` : ""}`,
  noun: "module",
  consequence: "Deleting it would take the segment away from the modules that target it.",
  detach: "detach the segment from these modules in the ANTS CDP 365 UI",
  system: "ANTS",
  setting: ANTS_KEYS.deleteInUse,
});

/**
 * The pre-delete guard: one Listing search for the segment. Not listed → nothing to check (the
 * delete call decides whether it is gone). Throws SegmentInUseError under `ants:deleteInUse refuse`
 * when modules use it or the entry does not show whether any do; under `allow` returns the warning
 * to print once the delete succeeded.
 */
export async function guardAntsDelete(client: AntsClient, id: string, name: unknown): Promise<string | undefined> {
  const policy = antsDeleteInUsePolicy();
  const entry = await client.findById(id);
  if (!entry) return undefined;
  return decideDelete(policy, wording(id, entry.segment_display ?? name), modulesInUse(entry));
}
