/** A subcommand: `run` resolves to the process exit code (or never resolves while serving). */
export interface Command {
  summary: string;
  /** Printed on stdout (exit 0) by the dispatcher for `-h`/`--help` before any `--`; `run` never sees it. */
  usage: string;
  run(argv: string[]): Promise<number>;
}
