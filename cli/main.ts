#!/usr/bin/env node
import { settingsFromEnvironmentOnly } from "../provider/pulumi/settings";
import type { Command } from "./command";
import { doctorCommand } from "./doctor-command";
import { emulatorCommand } from "./emulator-command";
import { exportCommand } from "./export-command";
import { packageVersion } from "./package-version";
import { reviewCommand } from "./review-command";
import { UsageError } from "./usage-error";
import { validateCommand } from "./validate-command";


/** Subcommands by name; add new ones here. */
export const COMMANDS: Record<string, Command> = {
  emulator: emulatorCommand,
  validate: validateCommand,
  export: exportCommand,
  review: reviewCommand,
  doctor: doctorCommand,
};

export { packageVersion };

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ["Usage: pulumi-segments <command> [options]", "", "Commands:", ...lines, "", "Run `pulumi-segments <command> --help` for a command's options; `pulumi-segments --version` prints the version."].join("\n");
}

/** Exit codes: 0 success, 1 failure, 2 usage error. */
export async function main(argv: string[]): Promise<number> {
  // The CLI reads credentials and settings from environment variables only: messages say so.
  settingsFromEnvironmentOnly();
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(`${usage()}\n`);
    return 2;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (name === "--version" || name === "-v" || name === "version") {
    process.stdout.write(`pulumi-segments ${packageVersion()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`pulumi-segments: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  const end = rest.indexOf("--");
  if ((end === -1 ? rest : rest.slice(0, end)).some((a) => a === "--help" || a === "-h")) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`pulumi-segments ${name}: ${err.message}\n\n${command.usage}\n`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`pulumi-segments: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
