import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Where an emulator keeps its state between runs; `load` returns undefined when nothing is stored yet. */
export interface StatePersistence {
  load(): unknown;
  save(data: unknown): void;
}

/** A JSON file written atomically (temp file + rename) on every save. */
export function jsonFileState(path: string): StatePersistence {
  return {
    load() {
      try {
        return JSON.parse(readFileSync(path, "utf8")) as unknown;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw new Error(`emulator state file ${path} is unreadable: ${(err as Error).message}`);
      }
    },
    save(data) {
      mkdirSync(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(data, null, 2));
      renameSync(tmp, path);
    },
  };
}

/** One section of a shared state object, so several emulators can persist into one file. */
export function stateSection(parent: StatePersistence, key: string): StatePersistence {
  return {
    load() {
      const all = parent.load() as Record<string, unknown> | undefined;
      return all?.[key];
    },
    save(data) {
      const all = (parent.load() as Record<string, unknown> | undefined) ?? {};
      parent.save({ ...all, [key]: data });
    },
  };
}
