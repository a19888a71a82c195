/**
 * Variance switches ("quirks"): each one flips a statement that docs/api/*.md marks *assumed* about the
 * API's responses, so tests can show how the provider behaves when a real tenant answers differently.
 * A catalog lists every switch of one emulator with its allowed values; the first value is the
 * default (the behaviour the docs assume). `cites` names the section of docs/api/*.md the switch flips.
 */

export interface QuirkDefinition {
  /** Allowed values; the first is the default. `<n>` accepts any positive integer (and `off`). */
  values: readonly string[];
  /** What the emulator does under the non-default values. */
  summary: string;
  /** The assumed statement flipped, as a section of docs/api/*.md, e.g. "ongage.md §5". */
  cites: string;
}

export type QuirkCatalog = Readonly<Record<string, QuirkDefinition>>;

/** Switch name → chosen value; names absent from the map have their default. */
export type QuirkSettings = Readonly<Record<string, string>>;

/** An unknown switch or a value the switch does not take. */
export class QuirkError extends Error {}

export const NUMBER_VALUE = "<n>";

function accepts(def: QuirkDefinition, value: string): boolean {
  if (def.values.includes(value)) return true;
  return def.values.includes(NUMBER_VALUE) && /^[1-9]\d{0,5}$/.test(value);
}

function describeValues(def: QuirkDefinition): string {
  return def.values.map((v) => (v === NUMBER_VALUE ? "a positive integer" : v)).join(", ");
}

/**
 * Checks `given` against the catalog and returns every switch with its value (defaults filled in).
 * Throws QuirkError naming the switch (and the allowed values) for an unknown name or value.
 */
export function resolveQuirks(emulator: string, catalog: QuirkCatalog, given: QuirkSettings = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    const def = catalog[name];
    if (!def) throw new QuirkError(`unknown ${emulator} quirk "${name}"; known: ${Object.keys(catalog).join(", ")}`);
    if (!accepts(def, value)) throw new QuirkError(`${emulator} quirk ${name}: "${value}" is not one of ${describeValues(def)}`);
  }
  for (const [name, def] of Object.entries(catalog)) out[name] = given[name] ?? def.values[0]!;
  return out;
}

/** Parses `name=value` texts (the CLI's repeatable `--quirk`); a repeated name is an error. */
export function parseQuirkAssignments(texts: readonly string[]): Array<{ name: string; value: string }> {
  const seen = new Set<string>();
  return texts.map((text) => {
    const m = /^([a-z][a-z0-9_.-]*)=(.+)$/.exec(text);
    if (!m) throw new QuirkError(`--quirk takes name=value, got "${text}"`);
    const name = m[1]!;
    const value = m[2]!;
    if (seen.has(name)) throw new QuirkError(`--quirk ${name} is given twice`);
    seen.add(name);
    return { name, value };
  });
}

/** One line per switch: `name=v1|v2  summary (cites)`, for help texts and READMEs. */
export function describeCatalog(catalog: QuirkCatalog): string[] {
  return Object.entries(catalog).map(([name, d]) => `${name}=${d.values.join("|")}  ${d.summary} (${d.cites})`);
}
