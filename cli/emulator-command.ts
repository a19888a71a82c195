import type { Command } from "./command";
import { parseFlags, UsageError } from "./usage-error";

const USAGE = `Usage: pulumi-segments emulator [--state FILE] [--ongage-port N] [--ants-port N]

Starts the Ongage and ANTS emulators on 127.0.0.1 and prints one JSON line with their URLs
to stdout when ready. Runs until SIGINT/SIGTERM.

Options:
  --state FILE       keep emulator state in FILE (JSON, one section per API) across restarts
  --ongage-port N    port for the Ongage emulator (default: a free port)
  --ants-port N      port for the ANTS emulator (default: a free port)
  -h, --help         show this help`;


function port(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`${flag} must be a port number 0-65535, got "${value}"`);
  return Number(value);
}

function parse(argv: string[]): { statePath?: string; ongagePort?: number; antsPort?: number } {
  const { values } = parseFlags({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      state: { type: "string" },
      "ongage-port": { type: "string" },
      "ants-port": { type: "string" },
    },
  });
  if (values.state === "") throw new UsageError("--state needs a file path");
  return {
    statePath: values.state,
    ongagePort: port("--ongage-port", values["ongage-port"]),
    antsPort: port("--ants-port", values["ants-port"]),
  };
}

/**
 * `pulumi-segments emulator`: stdout carries exactly one line, `{"ongage":...,"ants":...,"antsAuth":...}`,
 * once both servers listen; diagnostics go to stderr. Resolves 0 after SIGINT/SIGTERM and a clean close.
 */
export const emulatorCommand: Command = {
  summary: "run the local Ongage and ANTS emulators",
  usage: USAGE,
  async run(argv) {
    const args = parse(argv);
    // Loaded on use so other subcommands and --help do not start or load the emulators.
    const { startEmulators } = await import("../emulators/index");
    const running = await startEmulators({ statePath: args.statePath, ongagePort: args.ongagePort, antsPort: args.antsPort });
    process.stdout.write(`${JSON.stringify(running.urls)}\n`);
    if (args.statePath) process.stderr.write(`emulator state: ${args.statePath}\n`);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once("SIGINT", () => resolve("SIGINT"));
      process.once("SIGTERM", () => resolve("SIGTERM"));
    });
    process.stderr.write(`received ${signal}, closing emulators\n`);
    await running.close();
    return 0;
  },
};
