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
 * request after the client gave up, so an empty answer is asked again after `settleMs` and after
 * 2 × `settleMs`. Resolves with the last answer (empty when nothing appeared in that window).
 */
export async function findAfterLostCreate<T>(search: () => Promise<T[]>, settleMs: number, sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))): Promise<T[]> {
  let found = await search();
  for (const wait of [settleMs, 2 * settleMs]) {
    if (found.length > 0) return found;
    await sleep(wait);
    found = await search();
  }
  return found;
}

/** Settle window step for a lost create: the per-attempt timeout, at most 10 s. */
export function lostCreateSettleMs(timeoutMs: number): number {
  return Math.min(timeoutMs, 10_000);
}
