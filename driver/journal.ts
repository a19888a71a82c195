import type { Props } from "./provider-host";
import { emptyState, type PendingOperation, type StackState, type StateResource } from "./state";

/** A create in flight: `end` removes its pending operation and records the entry (when there is one) in one change. */
export interface PendingCreate {
  end(entry?: StateResource): void;
}

/**
 * The only writer of a stack's state. Every change is one method here, and every method ends by
 * handing the whole state to `save` before it returns, as Pulumi's snapshot manager persists the
 * checkpoint after each mutation (pkg/backend/snapshot.go in pulumi/pulumi: `mutate` then `persist`).
 * So no code path can change state and forget to save it; reading `state` never saves.
 */
export class StateJournal {
  private current: StackState;

  constructor(
    state: StackState | undefined,
    private readonly save?: (state: StackState) => void,
  ) {
    this.current = state ?? emptyState();
  }

  get state(): StackState {
    return this.current;
  }

  /** Replaces the whole state (a caller loading another checkpoint). Not saved: nothing changed it. */
  reset(state: StackState): void {
    this.current = state;
  }

  private mutate(change: (state: StackState) => void): void {
    change(this.current);
    this.save?.(this.current);
  }

  /** Records a create in flight. Pending creates of earlier runs are kept, as Pulumi keeps them. */
  beginCreate(urn: string, type: string, name: string, inputs: Props): PendingCreate {
    const op: PendingOperation = { type: "creating", urn, resource: { type, name, inputs } };
    this.mutate((s) => (s.pendingOperations ??= []).push(op));
    let ended = false;
    return {
      end: (entry) => {
        if (ended) throw new Error(`create of ${urn} already ended`);
        ended = true;
        this.mutate((s) => {
          const rest = (s.pendingOperations ?? []).filter((o) => o !== op);
          if (rest.length > 0) s.pendingOperations = rest;
          else delete s.pendingOperations;
          if (entry) s.resources.push(entry);
        });
      },
    };
  }

  /** Changes fields of an entry in state (an update, a same step's new inputs, a refresh). */
  update(entry: StateResource, fields: Partial<StateResource>): void {
    this.mutate(() => assign(entry, fields));
  }

  /**
   * An entry taken over through an alias: it gets the new URN (and `fields`), records the URN it had
   * as its alias, and every dependency on the old URN now names the new one, as the engine's snapshot
   * rewrites references to an aliased resource.
   */
  takeOver(entry: StateResource, urn: string, fields: Partial<StateResource>): void {
    const oldUrn = entry.urn;
    this.mutate((s) => {
      assign(entry, { ...fields, urn, aliases: [oldUrn] });
      for (const r of s.resources) {
        if (r.dependencies?.includes(oldUrn)) r.dependencies = r.dependencies.map((d) => (d === oldUrn ? urn : d));
      }
    });
  }

  /** Marks (or unmarks) the old copy of a create-before-delete replacement as still to be deleted. */
  markForDeletion(entry: StateResource, doomed: boolean): void {
    this.mutate(() => {
      if (doomed) entry.delete = true;
      else delete entry.delete;
    });
  }

  /** Drops an entry: deleted, retained (`retainOnDelete`), or reported gone by a refresh. */
  remove(entry: StateResource): void {
    this.mutate((s) => {
      s.resources = s.resources.filter((r) => r !== entry);
    });
  }

  /** Puts the entries in `order` (which must hold exactly the entries in state). */
  reorder(order: StateResource[]): void {
    const same = order.length === this.current.resources.length && order.every((r) => this.current.resources.includes(r));
    if (!same) throw new Error("reorder: the new order must hold exactly the entries in state");
    this.mutate((s) => {
      s.resources = order;
    });
  }
}

/** Sets `fields` on `entry`; a field given as undefined is removed (state is JSON: absent, not undefined). */
function assign(entry: StateResource, fields: Partial<StateResource>): void {
  Object.assign(entry, fields);
  for (const key of Object.keys(fields) as Array<keyof StateResource>) if (fields[key] === undefined) delete (entry as Partial<StateResource>)[key];
}
