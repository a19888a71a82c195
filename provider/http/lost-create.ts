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

/**
 * The one segment a create with an unknown outcome committed, found by `search` (name and creation
 * time) over the settle window. None: the create presumably did not happen (rerun `pulumi up`);
 * several: ambiguous (check the API, then adopt). Both are errors that keep the original failure.
 */
export async function recoverLostCreate<T>(failure: unknown, name: string, apiTitle: string, search: () => Promise<T[]>, timeoutMs: number): Promise<T> {
  const settleMs = lostCreateSettleMs(timeoutMs);
  const found = await findAfterLostCreate(search, settleMs);
  const cause = (failure as Error).message;
  if (found.length === 0) {
    throw new Error(`${cause}; no segment named "${name}" appeared within ${7 * settleMs} ms, so it was presumably not created: run \`pulumi up\` again.`);
  }
  if (found.length > 1) {
    throw new Error(
      `${cause}; the segment may or may not have been created (${found.length} recent segments named "${name}" found). ` +
        `Check ${apiTitle}, then run \`pulumi up\` again with \`adopt: true\` to take over an existing one.`,
    );
  }
  return found[0]!;
}

/** Settle window step for a lost create: the per-attempt timeout, at most 10 s. */
export function lostCreateSettleMs(timeoutMs: number): number {
  return Math.min(timeoutMs, 10_000);
}

/**
 * For a write whose outcome is unknown (delete after a lost response): asks `check` over the same
 * settle window as a lost create; true as soon as it answers true.
 */
export async function settlesTo(check: () => Promise<boolean>, settleMs: number): Promise<boolean> {
  const found = await findAfterLostCreate(async () => ((await check()) ? [true] : []), settleMs);
  return found.length > 0;
}
