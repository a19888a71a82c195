import { mayHaveBeenProcessed } from "../http/unknown-outcomes";
import { claimForCreate, describeHold, holdOf, trackPost } from "./claims";
import { findLostCreate } from "./lost-create";
import { partialCreate } from "./partial-create";
import type { Verdict } from "./proof";

/** Created (or taken over) remote object: its id and the resource's outputs. */
export interface Created<O> {
  id: string;
  outs: O;
}

/**
 * How one resource creates its remote object. `P` is what `prepare` computes before the POST (request
 * body, uploaded file, resolved ids), `F` an existing object as the API lists it.
 */
export interface CreateRecipe<P, F, O extends object> {
  /** The API's name in messages ("Ongage", "ANTS"). */
  api: string;
  /** The definition's name: what adopt and the lost-outcome search look for. */
  name: string;
  /** What objects with that name are, in messages ("segments", "customer segments"). */
  kind: string;
  /** Take over an existing object with this name instead of creating one (the `adopt` input). */
  adopt: boolean;
  /** The claim scope of the account (claims.ts): ids are unique within it. */
  scope: string;
  /** Objects with exactly this name (and kind); names are not unique in either API. */
  findByName(): Promise<F[]>;
  /** The API's id of a listed object. */
  idOf(found: F): string;
  /** Brings an existing object to the definition in place (adopt, an interrupted create); keeps its id. */
  converge(found: F): Promise<O>;
  /**
   * Hook, before anything is sent: an earlier interrupted create of this very definition (e.g. one
   * whose outcome was unknown when a previous run gave up). When it returns an object, that object is
   * converged and adopted instead of posting again. Absent: no such search.
   */
  findInterrupted?(): Promise<F | undefined>;
  /** Everything before the POST that may fail without side effects on the API (or only harmless ones). */
  prepare(): Promise<P>;
  /** The create call; resolves with the new object's id. Never retried by the transport. */
  post(prepared: P): Promise<string>;
  /**
   * For the lost-outcome search: true when a listed object was created at or after `startedAtMs` (less
   * clock slack); false when the listing does not say when it was created.
   */
  createdSince(found: F, startedAtMs: number): boolean;
  /** For the lost-outcome search: whether a recent same-name object is the one this create's POST made (proof.ts). */
  prove(found: F): Promise<Verdict<unknown>>;
  /** Per-attempt timeout of the API's transport: the lost-outcome search settles over a window derived from it. */
  timeoutMs(): number;
  /** Outputs of the object just created (a GET, a Listing look-up); a failure here is a partial create. */
  readBack(id: string, prepared: P): Promise<O>;
  /** Outputs recorded when `readBack` failed: the definition and the id, nothing read from the server. */
  unread(id: string, prepared: P): O;
}

/**
 * Create with recovery, the one implementation every resource uses. Every id it takes over or creates is
 * claimed in the process registry (claims.ts), so one segment goes to one resource:
 * 1. `adopt`: exactly one object with the name → converge it, unless this process knows another
 *    resource holds it or another create took it; several → error (ids listed); none → go on.
 * 2. `findInterrupted` hook → converge what it finds (it claims it).
 * 3. prepare, then POST once. If the POST fails and the failure may have been processed (decided by
 *    the error class, in one place), the object is looked for over a settle window instead of posting
 *    again, and taken only with proof (lost-create.ts); otherwise an error names what was found.
 * 4. read back; a failure there is a PartialCreateError carrying the id, so the engine records it.
 * `inputs` are the raw inputs the host passed (their `__provider` goes into a partial create's state).
 */
export async function createWithRecovery<P, F, O extends object>(inputs: object, recipe: CreateRecipe<P, F, O>): Promise<Created<O>> {
  const takeOver = async (found: F): Promise<Created<O>> => ({ id: recipe.idOf(found), outs: await recipe.converge(found) });
  if (recipe.adopt) {
    const matches = await recipe.findByName();
    if (matches.length > 1) {
      throw new Error(`cannot adopt "${recipe.name}": ${matches.length} ${recipe.kind} share that name (ids ${matches.map(recipe.idOf).join(", ")})`);
    }
    if (matches.length === 1) {
      const id = recipe.idOf(matches[0]!);
      const hold = holdOf(recipe.scope, id);
      if (hold !== undefined || !claimForCreate(recipe.scope, id, { kind: "taken-over", segment: recipe.name, how: "adopt" })) {
        throw new Error(`cannot adopt "${recipe.name}": segment ${id} is ${hold ? describeHold(hold) : "claimed by another create of this run"}; one segment is held by one resource.`);
      }
      return takeOver(matches[0]!);
    }
  }
  const interrupted = await recipe.findInterrupted?.();
  if (interrupted !== undefined) return takeOver(interrupted);

  const prepared = await recipe.prepare();
  const startedAtMs = Date.now();
  let id: string;
  try {
    id = await trackPost(recipe.scope, () => recipe.post(prepared));
  } catch (err) {
    if (!mayHaveBeenProcessed(err)) throw err;
    id = recipe.idOf(await findLostCreate(err, recipe, startedAtMs));
  }
  if (!claimForCreate(recipe.scope, id, { kind: "created", segment: recipe.name }) && holdOf(recipe.scope, id)?.kind !== "created") {
    // The id stays with the resource that holds it; recording it here too would give one segment two owners.
    throw new Error(`segment ${id} ("${recipe.name}") was created by this request, but is already ${describeHold(holdOf(recipe.scope, id)!)}; it stays there. Run \`pulumi up\` again.`);
  }
  try {
    return { id, outs: await recipe.readBack(id, prepared) };
  } catch (err) {
    throw partialCreate(id, inputs, recipe.unread(id, prepared), err);
  }
}

/** Clock slack allowed between this machine and the API when comparing creation times. */
export const CREATED_CLOCK_SLACK_MS = 120_000;
