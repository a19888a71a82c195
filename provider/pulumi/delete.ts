import { NotFoundError } from "../http/errors";
import { lostCreateSettleMs, mayHaveBeenProcessed, settlesTo } from "../http/unknown-outcomes";

/** How one resource deletes its remote object. */
export interface DeleteRecipe {
  /**
   * Hook, before anything is sent: throws to refuse the delete (e.g. campaigns still scheduled on the
   * segment), with a message saying what to do. Absent: every delete proceeds.
   */
  guard?(): Promise<void>;
  /** The delete call. */
  remove(): Promise<void>;
  /** True when the object no longer exists (or is soft-deleted). NotFoundError counts as gone. */
  isGone(): Promise<boolean>;
  /** Per-attempt timeout of the API's transport: verification settles over a window derived from it. */
  timeoutMs(): number;
}

/**
 * Delete with verification: guard, then delete (the clients' delete calls already count "already gone"
 * as success). When the delete failed but may have been processed (decided by the error class, in one place), `isGone`
 * is asked over the settle window; the original failure is thrown unless the object is gone.
 */
export async function deleteWithVerification(recipe: DeleteRecipe): Promise<void> {
  await recipe.guard?.();
  try {
    await recipe.remove();
  } catch (err) {
    if (!mayHaveBeenProcessed(err)) throw err;
    const isGone = () => recipe.isGone().catch((readErr: unknown) => (readErr instanceof NotFoundError ? true : Promise.reject(err)));
    if (!(await settlesTo(isGone, lostCreateSettleMs(recipe.timeoutMs())))) throw err;
  }
}
