import { propertyPath } from "../pulumi/check-failures";

/** A `{ ref: name }` written in a spec, with its property path from the definition root. */
export interface Reference {
  /** e.g. `spec.rules[1].segmentIds[0]`. */
  path: string;
  name: string;
}

const isRef = (v: unknown): v is { ref: string } =>
  v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { ref?: unknown }).ref === "string";

/**
 * Every `{ ref }` in a schema-valid spec. The definition schemas accept `{ ref }` only where a segment
 * id goes, so a structural walk finds exactly those.
 */
export function findReferences(spec: unknown, root: PropertyKey[] = ["spec"]): Reference[] {
  const out: Reference[] = [];
  const walk = (v: unknown, path: PropertyKey[]) => {
    if (isRef(v)) out.push({ path: propertyPath(path), name: v.ref });
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(spec, root);
  return out;
}

/** `T` with every `{ ref }` replaced by `R`. */
export type Resolved<T, R> = T extends { ref: string }
  ? R
  : T extends ReadonlyArray<infer U>
    ? Array<Resolved<U, R>>
    : T extends object
      ? { [K in keyof T]: Resolved<T[K], R> }
      : T;

/** A deep copy of `spec` with every `{ ref }` replaced by `resolve(name)`. */
export function replaceReferences<T, R>(spec: T, resolve: (name: string) => R): Resolved<T, R> {
  const walk = (v: unknown): unknown => {
    if (isRef(v)) return resolve(v.ref);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(spec) as Resolved<T, R>;
}
