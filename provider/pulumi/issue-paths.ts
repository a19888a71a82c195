import { z } from "zod";
import { didYouMean } from "./did-you-mean";

/**
 * zod issues → issues at the deepest property path that is wrong, saying what is allowed there.
 *
 * zod reports a value that matches no member of a union as one `invalid_union` issue on the union's
 * own path ("Invalid input"), with every member's issues nested inside. Here the member the value was
 * meant to be is chosen from the value's keys (the member that knows most of them; for a
 * discriminated union, the one its discriminator names) and its issues are reported instead,
 * recursively. An unknown key is reported once, at that key, with the nearest allowed key (or its new
 * name, when it was renamed) and the keys allowed there; the missing key it stood for is not reported
 * again. A value outside a field's options says what is allowed (a field's own `error` option, as the
 * API folders give their operators, says it in the API's words).
 * Messages never echo values except discriminators and registered options (values can be contacts' data).
 */

export interface PathIssue {
  path: PropertyKey[];
  message: string;
}

/** An object schema's `error` option that also says which keys were renamed (see `renamedKeys`). */
export type RenamingErrorMap = z.core.$ZodErrorMap & { readonly renamed: Readonly<Record<string, string>> };

/**
 * The `error` option of a strict object whose keys were renamed (old name → new name): an old key is
 * reported as renamed rather than unknown. The table travels with the schema (it is part of its
 * definition), so nothing shared is registered when the schema is built.
 */
export function renamedKeys(renamed: Record<string, string>): RenamingErrorMap {
  const table = Object.freeze({ ...renamed });
  const map = (issue: z.core.$ZodRawIssue) => {
    if (issue.code !== "unrecognized_keys") return undefined;
    const keys = (issue.keys as string[]).filter((k) => table[k] !== undefined);
    return keys.length === 0 ? undefined : keys.map((k) => `\`${k}\` was renamed \`${table[k]}\``).join("; ");
  };
  return Object.freeze(Object.assign(map, { renamed: table }));
}

type Schema = z.core.$ZodType;
type Def = z.core.$ZodTypeDef & Record<string, unknown>;
type RawIssue = z.core.$ZodIssue;

const def = (s: Schema): Def => s._zod.def as Def;

/** The schema with wrappers (optional, nullable, default, lazy, pipe, readonly, catch) removed. */
function unwrap(s: Schema): Schema {
  for (let i = 0; i < 50; i++) {
    const d = def(s);
    if (d.type === "optional" || d.type === "nullable" || d.type === "default" || d.type === "prefault" || d.type === "readonly" || d.type === "catch" || d.type === "nonoptional") s = d.innerType as Schema;
    else if (d.type === "lazy") s = (d.getter as () => Schema)();
    else if (d.type === "pipe") s = d.in as Schema;
    else return s;
  }
  return s;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const shapeOf = (s: Schema): Record<string, Schema> | undefined => {
  const d = def(unwrap(s));
  return d.type === "object" ? (d.shape as Record<string, Schema>) : undefined;
};
const optionsOf = (s: Schema): Schema[] | undefined => {
  const d = def(unwrap(s));
  return d.type === "union" ? (d.options as Schema[]) : undefined;
};
const discriminatorOf = (s: Schema): string | undefined => def(unwrap(s)).discriminator as string | undefined;

/** Literal values a discriminated member accepts for its discriminator. */
function literalValues(s: Schema, key: string): unknown[] {
  const field = shapeOf(s)?.[key];
  if (!field) return [];
  const d = def(unwrap(field));
  return d.type === "literal" ? (d.values as unknown[]) : d.type === "enum" ? Object.values(d.entries as Record<string, unknown>) : [];
}

/** For a discriminated union, the member the value's discriminator names. */
function discriminatedMember(s: Schema, value: unknown): Schema | undefined {
  const key = discriminatorOf(s);
  if (!key || !isObject(value)) return undefined;
  return optionsOf(s)!.find((o) => literalValues(o, key).includes(value[key]));
}

/** The discriminated union on `key` at `s` or among its union members. */
function discriminatedUnionOf(s: Schema, key: string): Schema | undefined {
  const u = unwrap(s);
  if (discriminatorOf(u) === key) return u;
  for (const o of optionsOf(u) ?? []) {
    const found = discriminatedUnionOf(o, key);
    if (found) return found;
  }
  return undefined;
}

/** Every key any member of the (possibly nested) union could take. */
function keysOf(s: Schema, value: unknown): Set<string> {
  const shape = shapeOf(s);
  if (shape) return new Set(Object.keys(shape));
  const opts = optionsOf(s);
  if (!opts) return new Set();
  const chosen = discriminatedMember(s, value);
  if (chosen) return keysOf(chosen, value);
  return new Set(opts.flatMap((o) => [...keysOf(o, value)]));
}

/**
 * The keys allowed for `value` where `s` stands: a discriminated union's member named by the
 * discriminator; among alternative object shapes (e.g. `{ all }` / `{ any }`) all of their keys.
 */
function allowedKeys(s: Schema, value: unknown): string[] {
  const u = unwrap(s);
  const shape = shapeOf(u);
  if (shape) return Object.keys(shape);
  const options = optionsOf(u);
  if (!options) return [];
  const named = discriminatedMember(u, value);
  if (named) return allowedKeys(named, value);
  if (options.every((o) => shapeOf(o))) return [...new Set(options.flatMap((o) => Object.keys(shapeOf(o)!)))];
  const chosen = chooseMember(options, [], value);
  return chosen === undefined ? [] : allowedKeys(options[chosen]!, value);
}

/** An object schema that stands for `value` where `s` stands (through unions), if any. */
function objectFor(s: Schema, value: unknown): Schema | undefined {
  const u = unwrap(s);
  if (shapeOf(u)) return u;
  const options = optionsOf(u);
  if (!options) return undefined;
  const named = discriminatedMember(u, value);
  if (named) return objectFor(named, value);
  const chosen = chooseMember(options, [], value);
  return chosen === undefined ? undefined : objectFor(options[chosen]!, value);
}

/** The schema at `path` below `s`, following the value through arrays, objects and union members. */
function schemaAt(s: Schema, path: readonly PropertyKey[], value: unknown): Schema | undefined {
  let cur: Schema | undefined = s;
  let v = value;
  for (let i = 0; i < path.length && cur; i++) {
    const key = path[i]!;
    const u = unwrap(cur);
    const d = def(u);
    if (d.type === "union") {
      const member = discriminatedMember(u, v) ?? (d.options as Schema[]).find((o) => schemaAt(o, path.slice(i), v) !== undefined);
      if (!member) return undefined;
      cur = member;
      i--;
      continue;
    }
    if (d.type === "array" && typeof key === "number") cur = d.element as Schema;
    else if (d.type === "object" && typeof key === "string") cur = (d.shape as Record<string, Schema>)[key] ?? (d.catchall as Schema | undefined);
    else if (d.type === "record") cur = d.valueType as Schema;
    else return undefined;
    v = isObject(v) || Array.isArray(v) ? (v as Record<PropertyKey, unknown>)[key as never] : undefined;
  }
  return cur;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const key of path) v = isObject(v) || Array.isArray(v) ? (v as Record<PropertyKey, unknown>)[key as never] : undefined;
  return v;
}

const quoteList = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(", ");
const keyList = (keys: Iterable<string>) => [...keys].map((k) => `\`${k}\``).join(", ");
/** A value safe to echo: discriminators only, shortened. */
const echo = (v: unknown) => (typeof v === "string" ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : String(v));

/**
 * Which member a value was meant to be: fewest of the value's keys unknown to the member, then most of
 * them known; undefined when no member knows any of its keys (or, for a non-object, none fits).
 */
function chooseMember(options: Schema[], branchIssues: RawIssue[][], value: unknown): number | undefined {
  if (isObject(value)) {
    const keys = Object.keys(value);
    let best: number | undefined;
    let bestScore: [number, number] = [Infinity, -Infinity];
    options.forEach((o, i) => {
      const known = keysOf(o, value);
      const score: [number, number] = [keys.filter((k) => !known.has(k)).length, keys.filter((k) => known.has(k)).length];
      if (score[1] > 0 && (score[0] < bestScore[0] || (score[0] === bestScore[0] && score[1] > bestScore[1]))) {
        best = i;
        bestScore = score;
      }
    });
    return best;
  }
  // Not an object: the member whose issues are not about the value itself.
  const fits = branchIssues.map((issues) => issues.every((x) => x.path.length > 0));
  const i = fits.indexOf(true);
  return i < 0 ? undefined : i;
}

/** One union member in words: an object with its required keys (a discriminator with its values). */
function describeMember(s: Schema): string {
  const u = unwrap(s);
  const key = discriminatorOf(u);
  if (key) return `an object with \`${key}\` (${quoteList((optionsOf(u) ?? []).flatMap((o) => literalValues(o, key)))})`;
  const options = optionsOf(u);
  if (options) return options.map(describeMember).join(" or ");
  const shape = shapeOf(u);
  if (shape) {
    const required = Object.entries(shape).filter(([, f]) => def(f).type !== "optional").map(([k]) => k);
    return `an object with ${keyList(required)}`;
  }
  return def(u).type;
}

/** What a union accepts, for a value that fits none of its members: its own message, else its members. */
function describeUnion(union: Schema, message: string): string {
  if (message && message !== "Invalid input") return message;
  return `expected ${(optionsOf(union) ?? []).map(describeMember).join(" or ")}`;
}

/** The renames registered for the object schema that stands for the value at `path`. */
function renamesAt(schema: Schema, path: readonly PropertyKey[], input: unknown): Record<string, string> {
  const where = schemaAt(schema, path, input);
  const obj = where && objectFor(where, valueAt(input, path));
  const error = obj && (def(obj).error as Partial<RenamingErrorMap> | undefined);
  return error?.renamed ?? {};
}

/**
 * The key an unknown `key` at `path` stands for: its new name when renamed, else the nearest allowed key
 * (preferring keys the object lacks), else undefined.
 */
function intendedKey(schema: Schema, path: readonly PropertyKey[], input: unknown, key: string): string | undefined {
  const renamed = renamesAt(schema, path, input)[key];
  if (renamed) return renamed;
  const where = schemaAt(schema, path, input);
  const value = valueAt(input, path);
  const allowed = where ? allowedKeys(where, value) : [];
  const absent = allowed.filter((k) => !(isObject(value) && k in value));
  return didYouMean(key, absent) ?? didYouMean(key, allowed);
}

/** True for zod's own wording (kept: a schema's custom message says more than a generic rewrite). */
const isDefaultMessage = (message: string) => /^(Invalid input|Invalid option|Too small|Too big|Unrecognized key)/.test(message);

/** `schema` is what `input` was parsed with; issue paths are relative to it; `base` prefixes the results. */
export function explainIssues(schema: Schema, input: unknown, issues: readonly RawIssue[], base: PropertyKey[] = []): PathIssue[] {
  const out: PathIssue[] = [];
  const meant = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    const value = valueAt(input, issue.path);
    for (const k of issue.keys) {
      const intended = intendedKey(schema, issue.path, input, k);
      if (intended !== undefined && !(isObject(value) && intended in value)) meant.add(JSON.stringify([...issue.path, intended]));
    }
  }
  for (const issue of issues) {
    const path = [...issue.path];
    const at = (p: PropertyKey[]) => [...base, ...p];
    const value = valueAt(input, path);
    // A missing key that a misspelt or renamed key stands for is reported once, at that key.
    if (value === undefined && meant.has(JSON.stringify(path))) continue;
    switch (issue.code) {
      case "invalid_union": {
        const union = schemaAt(schema, path, input);
        const discriminator = (issue as { discriminator?: string }).discriminator;
        if (issue.errors.length === 0 && discriminator !== undefined) {
          // A discriminated union whose discriminator (already on the path) names no member.
          const owner = schemaAt(schema, path.slice(0, -1), input);
          const parent = owner && discriminatedUnionOf(owner, discriminator);
          const allowed = parent ? (optionsOf(parent) ?? []).flatMap((o) => literalValues(o, discriminator)) : [];
          const owned = valueAt(input, path.slice(0, -1));
          const misspelt = value === undefined && isObject(owned) ? Object.keys(owned).find((k) => didYouMean(k, [discriminator]) === discriminator) : undefined;
          if (misspelt !== undefined) {
            out.push({ path: at([...path.slice(0, -1), misspelt]), message: `unknown key \`${misspelt}\` (did you mean \`${discriminator}\`?); \`${discriminator}\` is one of ${quoteList(allowed)}` });
            break;
          }
          const got = value === undefined ? `\`${discriminator}\` is required` : `unknown ${discriminator} ${echo(value)}`;
          out.push({ path: at(path), message: `${got}; expected one of ${quoteList(allowed)}` });
          break;
        }
        const options = union ? optionsOf(union) : undefined;
        const chosen = options ? chooseMember(options, issue.errors, value) : undefined;
        if (options && chosen !== undefined) {
          // The member's issues are relative to the union's place: explain them against the member.
          out.push(...explainIssues(options[chosen]!, value, issue.errors[chosen]!, at(path)));
        } else {
          const keys = isObject(value) ? Object.keys(value) : [];
          const described = describeUnion(union ?? schema, issue.message);
          // Keys no member knows, one of them a misspelling of a member's key: reported at that key.
          const known = new Set((options ?? []).flatMap((o) => [...keysOf(o, value)]));
          const misspelt = keys.flatMap((k) => {
            const meant = known.has(k) ? undefined : didYouMean(k, known);
            return meant === undefined ? [] : [{ k, meant }];
          });
          if (misspelt.length > 0) {
            for (const { k, meant } of misspelt) out.push({ path: at([...path, k]), message: `unknown key \`${k}\` (did you mean \`${meant}\`?); ${described}` });
            break;
          }
          const got = keys.length > 0 ? ` (got keys ${keyList(keys)})` : "";
          out.push({ path: at(path), message: `${described}${got}` });
        }
        break;
      }
      case "unrecognized_keys": {
        const where = schemaAt(schema, path, input);
        const allowed = where ? allowedKeys(where, value) : [];
        const renamed = renamesAt(schema, path, input);
        for (const key of issue.keys) {
          const suggestion = intendedKey(schema, path, input, key);
          out.push({
            path: at([...path, key]),
            message: renamed[key]
              ? `\`${key}\` was renamed \`${renamed[key]}\`: write \`${renamed[key]}\` instead`
              : `unknown key \`${key}\`${suggestion === undefined ? "" : ` (did you mean \`${suggestion}\`?)`}${allowed.length > 0 ? `; allowed here: ${keyList(allowed)}` : ""}`,
          });
        }
        break;
      }
      case "invalid_value": {
        if (!isDefaultMessage(issue.message)) {
          out.push({ path: at(path), message: issue.message });
          break;
        }
        out.push({ path: at(path), message: `${value === undefined ? "required; " : ""}expected one of ${quoteList(issue.values)}` });
        break;
      }
      case "invalid_type": {
        if (!isDefaultMessage(issue.message)) {
          out.push({ path: at(path), message: issue.message });
          break;
        }
        const expected = issue.message.replace(/^Invalid input: /, "").replace(/, received undefined$/, "");
        out.push({ path: at(path), message: value === undefined ? `required (${expected})` : issue.message });
        break;
      }
      case "too_small":
      case "too_big": {
        if (!isDefaultMessage(issue.message)) {
          out.push({ path: at(path), message: issue.message });
          break;
        }
        const bound = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
        const what = issue.origin === "array" ? `${bound} item${bound === 1 ? "" : "s"}` : issue.origin === "string" ? `${bound} character${bound === 1 ? "" : "s"}` : undefined;
        const message = what
          ? `${issue.code === "too_small" ? "needs at least" : "takes at most"} ${what}`
          : `must be ${issue.code === "too_small" ? (issue.inclusive ? "at least" : "more than") : issue.inclusive ? "at most" : "less than"} ${bound}`;
        out.push({ path: at(path), message });
        break;
      }
      default:
        out.push({ path: at(path), message: issue.message });
    }
  }
  return out;
}
