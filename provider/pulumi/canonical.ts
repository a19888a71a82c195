import { isDeepStrictEqual } from "node:util";

/** Drops undefined members so canonical values compare and serialize identically. */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Deep equality of canonical values, as the engine will see them (JSON: undefined members ignored). */
export function sameCanonical(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a ?? null)), JSON.parse(JSON.stringify(b ?? null)));
}
