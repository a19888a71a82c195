import { NotFoundError } from "../http/errors";
import { lostCreateSettleMs, mayHaveBeenProcessed, settlesTo } from "../http/unknown-outcomes";
import { establishGone, isGoneAnswer, type GoneProof } from "./gone";

/** How one resource deletes its remote object. */
export interface DeleteRecipe {
  /**
   * Hook, before anything is sent: throws to refuse the delete (e.g. campaigns still scheduled on the
   * segment), with a message saying what to do. Absent: every delete proceeds.
   */
  guard?(): Promise<void>;
  /** The delete call; a not-found answer rejects (NotFoundError) and is judged here with `proof`. */
  remove(): Promise<void>;
  /** True when the object no longer exists (or is soft-deleted). NotFoundError counts as gone, with `proof`. */
  isGone(): Promise<boolean>;
  /** The root check every "gone" conclusion needs (gone.ts). */
  proof: GoneProof;
  /** Per-attempt timeout of the API's transport: verification settles over a window derived from it. */
  timeoutMs(): number;
}

/**
 * Delete with verification: guard, then delete. A not-found answer to the delete counts as "already
 * deleted" only when the root check holds (else GoneUnprovenError, the object stays in state). When
 * the delete failed but may have been processed (decided by the error class, in one place), `isGone`
 * is asked over the settle window, and a "gone" answer again needs the root check; the original
 * failure is thrown unless the object is shown gone.
 */
export async function deleteWithVerification(recipe: DeleteRecipe): Promise<void> {
  await recipe.guard?.();
  try {
    await recipe.remove();
  } catch (err) {
    if (await isGoneAnswer(err, recipe.proof)) return;
    if (!mayHaveBeenProcessed(err)) throw err;
    const isGone = async () => {
      try {
        if (!(await recipe.isGone())) return false;
      } catch (readErr) {
        if (!(readErr instanceof NotFoundError)) throw err;
      }
      await establishGone(recipe.proof);
      return true;
    };
    if (!(await settlesTo(isGone, lostCreateSettleMs(recipe.timeoutMs())))) throw err;
  }
}
