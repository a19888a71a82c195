import { parseArgs, type ParseArgsConfig } from "node:util";

/** A bad command line: the dispatcher prints the message and the command's usage, and exits 2. */
export class UsageError extends Error {}

/** `node:util` parseArgs whose complaints (unknown flag, missing value) become UsageErrors. */
export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
