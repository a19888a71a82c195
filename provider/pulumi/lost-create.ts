import { redact } from "../http/redact";
import { findAfterLostCreate, lostCreateSettleMs, type Sleep } from "../http/unknown-outcomes";

const realSleep: Sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A create whose outcome stays unknown after the settle window; `cause` is the original failure. */
export class UnknownOutcomeError extends Error {
  constructor(message: string, readonly candidates: number, options: { cause: unknown }) {
    super(message, options);
    this.name = "UnknownOutcomeError";
  }
}

/**
 * Call only when `mayHaveBeenProcessed(failure)`. Searches with `search` (which must return only
 * segments named `name` created since just before the POST) over the settle window of
 * `lostCreateSettleMs(timeoutMs)` and resolves with the single segment the create committed, to
 * be adopted. Rejects with an UnknownOutcomeError carrying `failure` as cause when none appeared
 * (the create presumably did not happen: rerun `pulumi up`) or several did (ambiguous: check the
 * API, then adopt); rejects with the search's own error when the last look-up failed.
 */
export async function recoverLostCreate<T>(
  failure: unknown,
  name: string,
  apiTitle: string,
  search: () => Promise<T[]>,
  timeoutMs: number,
  sleep: Sleep = realSleep,
): Promise<T> {
  const settleMs = lostCreateSettleMs(timeoutMs);
  const found = await findAfterLostCreate(search, settleMs, sleep);
  const cause = redact(failure instanceof Error ? failure.message : String(failure));
  if (found.length === 0) {
    throw new UnknownOutcomeError(
      `${cause}; no segment named "${name}" appeared within ${7 * settleMs} ms, so it was presumably not created: run \`pulumi up\` again.`,
      0,
      { cause: failure },
    );
  }
  if (found.length > 1) {
    throw new UnknownOutcomeError(
      `${cause}; the segment may or may not have been created (${found.length} recent segments named "${name}" found). ` +
        `Check ${apiTitle}, then run \`pulumi up\` again with \`adopt: true\` to take over an existing one.`,
      found.length,
      { cause: failure },
    );
  }
  return found[0]!;
}

