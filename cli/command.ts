/** A subcommand: `run` resolves to the process exit code (or never resolves while serving). */
export interface Command {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}
