/** Epoch seconds from epoch seconds or an ISO-ish date string (UTC when no offset); undefined if invalid. */
export function parseDateToEpoch(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? value : undefined;
  const s = value.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? "00"}:${m[5] ?? "00"}:${m[6] ?? "00"}${m[7] ?? "Z"}`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.getUTCMonth() !== Number(m[2]) - 1) return undefined;
  return Math.floor(ms / 1000);
}

/** `YYYY-MM-DD HH:mm:ss` in UTC, the form Ongage's behavioral time ranges use (docs/api/ongage.md §8). */
export function utcText(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace("T", " ").slice(0, 19);
}
