import { redact } from "../http/redact";
import { claimForCreate, describeHold, holdOf, othersSettled } from "./claims";
import { listPassed, type Passed, type Verdict } from "./proof";
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

/** What the lost-answer search needs of a create recipe (see create.ts). */
export interface LostCreateRecipe<F> {
  api: string;
  name: string;
  scope: string;
  findByName(): Promise<F[]>;
  idOf(found: F): string;
  createdSince(found: F, startedAtMs: number): boolean;
  prove(found: F): Promise<Verdict<unknown>>;
  timeoutMs(): number;
}

/**
 * After a POST whose outcome is unknown (`failure`): the segment that POST created, claimed for this
 * create. A listed segment is taken only when it has exactly the name, was created at or after
 * `startedAtMs` (less clock slack, `createdSince`), has no hold in this process (claims.ts: another
 * resource's segment, another create's answer) and `prove` shows it is this definition's. Every search
 * first waits for the process's other POSTs in the same account to answer, so a sibling's segment is
 * claimed by its own create before this search can see it. Rejects with an UnknownOutcomeError naming
 * the segments looked at and not taken, with why, when none is proven.
 */
export async function findLostCreate<F>(failure: unknown, recipe: LostCreateRecipe<F>, startedAtMs: number): Promise<F> {
  let passed: Passed[] = [];
  const search = async (): Promise<F[]> => {
    await othersSettled(recipe.scope);
    const seen: Passed[] = [];
    const ours: F[] = [];
    for (const found of await recipe.findByName()) {
      if (!recipe.createdSince(found, startedAtMs)) continue;
      const id = recipe.idOf(found);
      const hold = holdOf(recipe.scope, id);
      if (hold !== undefined) {
        seen.push({ id, reason: describeHold(hold) });
        continue;
      }
      const verdict = await recipe.prove(found);
      if ("ours" in verdict) ours.push(found);
      else seen.push({ id, reason: "notOurs" in verdict ? verdict.notOurs : verdict.unproven });
    }
    passed = seen;
    return ours;
  };
  let found: F;
  try {
    found = await recoverLostCreate(failure, recipe.name, recipe.api, search, recipe.timeoutMs());
  } catch (err) {
    if (!(err instanceof UnknownOutcomeError) || err.candidates !== 0 || passed.length === 0) throw err;
    const cause = redact(failure instanceof Error ? failure.message : String(failure));
    throw new UnknownOutcomeError(
      `${cause}; the create may or may not have reached ${recipe.api}, and no segment named "${recipe.name}" created since the request ` +
        `is proven to be its: ${listPassed(passed)}. Check ${recipe.api}, then run \`pulumi up\` again ` +
        "(with `adopt: true` to take over a segment you checked is this definition's).",
      0,
      { cause: failure },
    );
  }
  const id = recipe.idOf(found);
  const hold = holdOf(recipe.scope, id);
  if (!claimForCreate(recipe.scope, id, { kind: "created", segment: recipe.name })) {
    throw new UnknownOutcomeError(
      `${redact(String(failure instanceof Error ? failure.message : failure))}; the only segment that could be this create's (${id}) was meanwhile ` +
        `${hold ? describeHold(hold) : "claimed by another create of this run"}. Check ${recipe.api}, then run \`pulumi up\` again.`,
      1,
      { cause: failure },
    );
  }
  return found;
}
