import { processState } from "../http/process-state";
import { warn } from "./warnings";

/**
 * The provider process's claims on remote segment ids: one registry shared by every create path that
 * takes over an existing segment (adopt, an interrupted run's segment, a lost create's answer) and by
 * every call that shows the process an id a resource of the stack holds (diff, read, update, delete).
 * One id is held by one resource: a create never takes over an id this process has seen held or has
 * already given to another create, and a delete of an id a create of this process took over sends no
 * delete (the engine deletes a renamed resource after creating its successor, in the same process).
 *
 * `scope` names the API account ids are unique in (e.g. "ongage|<base URL>|<account>").
 */

/** How the process came to know the id. */
export type Hold =
  /** A resource of the stack holds it: the engine passed it to diff, read, update or delete. */
  | { kind: "held"; segment: string }
  /** A create of this process posted it (its answer, or a lost answer found again). */
  | { kind: "created"; segment: string }
  /** A create of this process took over a segment that existed before it (adopt, an interrupted run's). */
  | { kind: "taken-over"; segment: string; how: "adopt" | "interrupted" };

const holdsState = processState("pulumi/claims: holds", () => new Map<string, Hold>());
/** POSTs in flight per scope: a lost answer is looked for only once the others have answered. */
const inFlightState = processState("pulumi/claims: creates in flight", () => new Map<string, Set<Promise<unknown>>>());

const key = (scope: string, id: string) => `${scope}|${id}`;

/** The hold on `id`, if this process knows one. */
export function holdOf(scope: string, id: string): Hold | undefined {
  return holdsState().get(key(scope, id));
}

/** Claims `id` for a create; false (nothing changed) when the process already knows a hold on it. */
export function claimForCreate(scope: string, id: string, hold: Exclude<Hold, { kind: "held" }>): boolean {
  const k = key(scope, id);
  if (holdsState().has(k)) return false;
  holdsState().set(k, hold);
  return true;
}

/** Gives back a claim made by `claimForCreate` whose create did not go through with it. */
export function releaseClaim(scope: string, id: string): void {
  holdsState().delete(key(scope, id));
}

/** What a hold means in messages. */
export function describeHold(hold: Hold): string {
  if (hold.kind === "held") return `held by another resource of this stack ("${hold.segment}")`;
  if (hold.kind === "created") return `created in this run by the resource for "${hold.segment}"`;
  const how = hold.how === "adopt" ? "adopted (`adopt: true`)" : "taken over as an interrupted run's segment";
  return `${how} in this run by the resource for "${hold.segment}"`;
}

/**
 * Records that a resource of the stack holds `id` (called by diff, read and update with the id the
 * engine passed). Throws when a create of this process already took that id over: two resources would
 * hold one segment, and a later delete of either would remove the other's segment.
 */
export function noteHeld(scope: string, id: string, segment: string): void {
  const k = key(scope, id);
  const hold = holdsState().get(k);
  if (hold === undefined) {
    holdsState().set(k, { kind: "held", segment });
    return;
  }
  if (hold.kind === "taken-over") {
    throw new Error(
      `segment ${id} ("${segment}") is in this resource's state and was also ${describeHold(hold)}: two resources now hold one segment. ` +
        "Remove one of them from the program and from the state (`pulumi state delete <urn>`), or give the definitions distinct names; " +
        "deleting either resource as things stand would delete the segment the other one holds.",
    );
  }
}

/**
 * For delete: true when a create of this process took `id` over (a renamed resource's successor, or a
 * definition with the same name and content): the segment then belongs to that resource, so no delete
 * is sent, the old resource leaves the state, and a warning names both. Otherwise records the id as
 * held (a create later in the process never takes over a segment being deleted) and answers false.
 */
export function releasedToCreate(scope: string, id: string, segment: string, apiTitle: string): boolean {
  const hold = holdsState().get(key(scope, id));
  if (hold?.kind === "taken-over") {
    warn(
      `${apiTitle} segment ${id} ("${segment}") was not deleted: it was ${describeHold(hold)}, which now holds it in the state ` +
        "(a renamed resource without an alias, or two definitions with the same name and content). Only the old resource left the state.",
    );
    return true;
  }
  noteHeld(scope, id, segment);
  return false;
}

/** Runs `post` counted as in flight in `scope` (see `othersSettled`). */
export async function trackPost<T>(scope: string, post: () => Promise<T>): Promise<T> {
  const set = inFlightState().get(scope) ?? new Set<Promise<unknown>>();
  inFlightState().set(scope, set);
  const p = post();
  set.add(p);
  try {
    return await p;
  } finally {
    set.delete(p);
  }
}

/** Resolves once every POST in flight in `scope` now has answered or failed (each is bounded by its timeout). */
export async function othersSettled(scope: string): Promise<void> {
  await Promise.allSettled([...(inFlightState().get(scope) ?? [])]);
}

/** Forgets every claim; for tests that play several processes in one. */
export function forgetClaims(): void {
  holdsState().clear();
  inFlightState().clear();
}

