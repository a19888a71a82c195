import { Limiter } from "./limiter";
import type { StateResource } from "./state";

/**
 * Deletes `doomed` in reverse dependency order: a resource is deleted only after every doomed resource
 * that depends on it is gone. Independent deletes run concurrently up to the limiter. When a delete
 * fails, the resources it depends on are skipped (reported through `onSkip`), as they are still in use.
 */
export async function deleteInReverseDependencyOrder(
  doomed: StateResource[],
  limiter: Limiter,
  del: (r: StateResource) => Promise<boolean>,
  onSkip: (r: StateResource, blocker: StateResource) => void,
): Promise<void> {
  // dependents[i] = indices of doomed resources that depend on doomed[i]
  const dependents = doomed.map((r, i) =>
    doomed.flatMap((o, j) => (j !== i && (o.dependencies ?? []).includes(r.urn) ? [j] : [])),
  );
  breakCycles(dependents);
  const done = new Map<number, Promise<boolean>>();
  const visit = (i: number): Promise<boolean> => {
    let p = done.get(i);
    if (!p) {
      p = (async () => {
        const results = await Promise.all(dependents[i]!.map((j) => visit(j).then((ok) => ({ ok, j }))));
        const blocker = results.find((r) => !r.ok);
        if (blocker) {
          onSkip(doomed[i]!, doomed[blocker.j]!);
          return false;
        }
        return limiter.run(() => del(doomed[i]!));
      })();
      done.set(i, p);
    }
    return p;
  };
  await Promise.all(doomed.map((_, i) => visit(i)));
}

/** Removes back edges so a corrupt (cyclic) dependency record cannot deadlock the deletes. */
function breakCycles(edges: number[][]): void {
  const state = new Map<number, "open" | "closed">();
  const dfs = (i: number): void => {
    state.set(i, "open");
    edges[i] = edges[i]!.filter((j) => {
      if (state.get(j) === "open") return false;
      if (!state.has(j)) dfs(j);
      return true;
    });
    state.set(i, "closed");
  };
  edges.forEach((_, i) => state.has(i) || dfs(i));
}
