/** Whether `YYYY-MM-DD` names a real calendar day (2024-02-30 does not). */
export function isCalendarDate(d: string): boolean {
  const t = Date.parse(`${d}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
}

/** Listing's `ctime`/`utime` (ISO text) → epoch ms; undefined when absent or unreadable. */
export function listingTimeMs(text: string | null | undefined): number | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
