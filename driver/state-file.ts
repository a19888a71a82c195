import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { emptyState, type StackState } from "./state";

/** Loads a state file; a missing file is an empty stack. */
export function loadState(path: string): StackState {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return emptyState();
    throw e;
  }
  const parsed = JSON.parse(text) as StackState;
  if (!parsed || !Array.isArray(parsed.resources)) throw new Error(`${path} is not a driver state file`);
  return parsed;
}

/** Writes the state atomically: readers see the old file or the new one, never a torn write. */
export function saveState(path: string, state: StackState): void {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + "\n");
  renameSync(tmp, path);
}
