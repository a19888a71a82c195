import { ApiError } from "./errors";
import { provesNotProcessed } from "./retry-policy";

/**
 * True when a failed create may nevertheless have been committed: no response (timeout, reset) or a
 * 5xx. Such a create must be looked up, never re-sent blindly.
 */
export function createMayHaveCommitted(err: unknown): boolean {
  return err instanceof ApiError && !provesNotProcessed(err);
}

/**
 * Looks for what a create whose outcome is unknown committed. A server can still be processing the
 * request after the client gave up, and the look-up itself can fail under the same conditions, so an
 * empty or failed answer is asked again after `settleMs`, 2 × and 4 × `settleMs`. Resolves with the
 * first non-empty answer, else the last one; rejects only when the last look-up failed.
 */
export async function findAfterLostCreate<T>(search: () => Promise<T[]>, settleMs: number, sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))): Promise<T[]> {
  const waits = [0, settleMs, 2 * settleMs, 4 * settleMs];
  let last: { found: T[] } | { error: unknown } = { found: [] };
  for (const wait of waits) {
    if (wait > 0) await sleep(wait);
    try {
      last = { found: await search() };
      if (last.found.length > 0) return last.found;
    } catch (error) {
      last = { error };
    }
  }
  if ("error" in last) throw last.error;
  return last.found;
}

/** Settle window step for a lost create: the per-attempt timeout, at most 10 s. */
export function lostCreateSettleMs(timeoutMs: number): number {
  return Math.min(timeoutMs, 10_000);
}

/**
 * For a write whose outcome is unknown (delete after a lost response): asks `check` now, after
 * `settleMs` and after 2 × `settleMs`; true as soon as it answers true.
 */
export async function settlesTo(check: () => Promise<boolean>, settleMs: number): Promise<boolean> {
  const found = await findAfterLostCreate(async () => ((await check()) ? [true] : []), settleMs);
  return found.length > 0;
}
