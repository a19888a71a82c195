/** The value the engine sends during preview for inputs that are not known yet (pulumi/pulumi#6310). */
export const PREVIEW_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `value` is, or contains anywhere, the preview unknown sentinel. */
export function containsUnknown(value: unknown): boolean {
  if (value === PREVIEW_UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** True when the value at `path` in `root`, or any value on the way to it, is or contains the sentinel. */
export function unknownAlongPath(root: unknown, path: ReadonlyArray<PropertyKey>): boolean {
  let cur: unknown = root;
  if (cur === PREVIEW_UNKNOWN) return true;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return false;
    cur = (cur as Record<PropertyKey, unknown>)[key];
    if (cur === PREVIEW_UNKNOWN) return true;
  }
  return containsUnknown(cur);
}

/** True when `value` is the preview unknown sentinel itself. */
export function isUnknown(value: unknown): boolean {
  return value === PREVIEW_UNKNOWN;
}
