import { PREVIEW_UNKNOWN as UNKNOWN } from "../pulumi/unknowns";

/** What `pulumi preview --json` prints in place of a secret value. */
export const SECRET = "[secret]";
export { UNKNOWN };

/** How an unknown value reads in a report. */
export const UNKNOWN_TEXT = "known after apply";

export const isUnknown = (v: unknown): boolean => v === UNKNOWN;
export const isSecret = (v: unknown): boolean => v === SECRET;
/** A value the preview could not show: unknown until apply, or a secret. */
export const isOpaque = (v: unknown): boolean => isUnknown(v) || isSecret(v);

/** The text of an opaque value, or undefined for an ordinary one. */
export function opaqueText(v: unknown): string | undefined {
  if (isUnknown(v)) return UNKNOWN_TEXT;
  if (isSecret(v)) return SECRET;
  return undefined;
}

export type Json = Record<string, unknown>;

export const asObject = (v: unknown): Json | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);

export const plural = (n: number, word: string, many = `${word}s`): string => `${n.toLocaleString("en-US")} ${n === 1 ? word : many}`;

/** `a, b or c`. */
export function orList(items: readonly string[], joiner = "or"): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${joiner} ${items[items.length - 1]}`;
}

/** Epoch seconds as a UTC date (`2024-01-31`), with the time when it is not midnight (`2024-01-31 10:30 UTC`). */
export function dateText(epoch: number): string {
  if (!Number.isFinite(epoch)) return String(epoch);
  const iso = new Date(epoch * 1000).toISOString();
  const day = iso.slice(0, 10);
  const time = iso.slice(11, 19);
  if (time === "00:00:00") return day;
  return `${day} ${time.endsWith(":00") ? time.slice(0, 5) : time} UTC`;
}
