import fc from "fast-check";
import { expect } from "vitest";

/** Replaces, deletes or inserts one value at a random path: hostile and malformed shapes. */
export const mutation = fc.tuple(fc.nat(), fc.constantFrom("replace", "delete", "insert"), fc.anything({ maxDepth: 2 }));

export function mutate(value: unknown, [seed, kind, junk]: [number, string, unknown]): unknown {
  const copy = JSON.parse(JSON.stringify(value ?? null)) as unknown;
  const paths: Array<[Record<string, unknown> | unknown[], string | number]> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach((x, i) => { paths.push([v, i]); walk(x); });
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) { paths.push([v as Record<string, unknown>, k]); walk(x); }
  };
  walk(copy);
  if (paths.length === 0) return junk;
  const [parent, key] = paths[seed % paths.length]!;
  if (kind === "delete") {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  } else if (kind === "insert" && !Array.isArray(parent)) parent[`x${seed % 7}`] = junk;
  else (parent as Record<string | number, unknown>)[key] = junk;
  return copy;
}

type Checker = { check: (o: Record<string, unknown>, n: Record<string, unknown>) => Promise<{ inputs?: Record<string, unknown>; failures?: Array<{ property: string; reason: string }> }> };

/**
 * Calls check (a throw fails the property) and asserts every failure names a property and a reason
 * that says what is wrong: "cannot validate: …" means check gave up, which is a defect in check.
 */
export async function assertCheckContract(provider: Checker, news: unknown) {
  const res = await provider.check({}, news as Record<string, unknown>);
  for (const f of res.failures ?? []) {
    expect(typeof f.property).toBe("string");
    expect(f.property.length).toBeGreaterThan(0);
    expect(f.reason.length).toBeGreaterThan(0);
    expect(f.reason, `${f.property}: ${f.reason}`).not.toMatch(/^cannot validate/);
  }
  return res;
}
