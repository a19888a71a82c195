import type { Command } from "./command";
import { parseFlags, UsageError } from "./usage-error";

const USAGE = `Usage: pulumi-segments emulator [--state FILE] [--ongage-port N] [--ants-port N] [--quirk NAME=VALUE]...

Starts the Ongage and ANTS emulators on 127.0.0.1 and prints one JSON line with their URLs
to stdout when ready. Runs until SIGINT/SIGTERM.

Options:
  --state FILE       keep emulator state in FILE (JSON, one section per API) across restarts
  --ongage-port N    port for the Ongage emulator (default: a free port)
  --ants-port N      port for the ANTS emulator (default: a free port)
  --quirk NAME=VALUE flip one assumed API behaviour (repeatable); NAME may be prefixed with
                     ongage. or ants. and must be when both emulators have it (page-cap,
                     listing-total). Switches and values: docs/api/variance.md
  -h, --help         show this help`;


function port(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`${flag} must be a port number 0-65535, got "${value}"`);
  return Number(value);
}

interface Args {
  statePath?: string;
  ongagePort?: number;
  antsPort?: number;
  quirks: string[];
}

function parse(argv: string[]): Args {
  const { values } = parseFlags({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      state: { type: "string" },
      "ongage-port": { type: "string" },
      "ants-port": { type: "string" },
      quirk: { type: "string", multiple: true },
    },
  });
  if (values.state === "") throw new UsageError("--state needs a file path");
  return {
    statePath: values.state,
    ongagePort: port("--ongage-port", values["ongage-port"]),
    antsPort: port("--ants-port", values["ants-port"]),
    quirks: values.quirk ?? [],
  };
}

/**
 * `--quirk` values split per emulator: `ongage.NAME` / `ants.NAME`, or a bare NAME that exactly one
 * emulator knows. Values are checked when each emulator starts (an unknown value is a UsageError).
 */
async function quirksPerEmulator(texts: string[]): Promise<{ ongage: Record<string, string>; ants: Record<string, string> }> {
  const { parseQuirkAssignments } = await import("../emulators/harness/quirks");
  const { ONGAGE_QUIRKS } = await import("../emulators/ongage/quirks");
  const { ANTS_QUIRKS } = await import("../emulators/ants/quirks");
  const out = { ongage: {} as Record<string, string>, ants: {} as Record<string, string> };
  for (const { name, value } of parseQuirkAssignments(texts)) {
    const prefixed = /^(ongage|ants)\.(.+)$/.exec(name);
    if (prefixed) {
      out[prefixed[1] as "ongage" | "ants"][prefixed[2]!] = value;
      continue;
    }
    const owners = [name in ONGAGE_QUIRKS ? "ongage" : undefined, name in ANTS_QUIRKS ? "ants" : undefined].filter((o) => o !== undefined);
    if (owners.length === 0) {
      throw new UsageError(`--quirk ${name}: no emulator has this switch; ongage: ${Object.keys(ONGAGE_QUIRKS).join(", ")}; ants: ${Object.keys(ANTS_QUIRKS).join(", ")}`);
    }
    if (owners.length > 1) throw new UsageError(`--quirk ${name}: both emulators have this switch; write ongage.${name} or ants.${name}`);
    out[owners[0] as "ongage" | "ants"][name] = value;
  }
  return out;
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
    const { QuirkError } = await import("../emulators/harness/quirks");
    const { startEmulators } = await import("../emulators/index");
    let running;
    let quirks: Awaited<ReturnType<typeof quirksPerEmulator>>;
    try {
      quirks = await quirksPerEmulator(args.quirks);
      running = await startEmulators({ statePath: args.statePath, ongagePort: args.ongagePort, antsPort: args.antsPort, ongageQuirks: quirks.ongage, antsQuirks: quirks.ants });
    } catch (err) {
      if (err instanceof QuirkError) throw new UsageError(err.message);
      throw err;
    }
    process.stdout.write(`${JSON.stringify(running.urls)}\n`);
    if (args.statePath) process.stderr.write(`emulator state: ${args.statePath}\n`);
    for (const [api, q] of Object.entries(quirks)) {
      const given = Object.entries(q);
      if (given.length > 0) process.stderr.write(`${api} quirks: ${given.map(([n, v]) => `${n}=${v}`).join(" ")}\n`);
    }
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once("SIGINT", () => resolve("SIGINT"));
      process.once("SIGTERM", () => resolve("SIGTERM"));
    });
    process.stderr.write(`received ${signal}, closing emulators\n`);
    await running.close();
    return 0;
  },
};
