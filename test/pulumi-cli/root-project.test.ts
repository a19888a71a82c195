import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulators, type RunningEmulators } from "../../emulators/index";

// The real Pulumi CLI on the root project (examples/yaml-folder) against the emulators on the ports
// Pulumi.yaml names: up → refresh --expect-no-changes → preview --expect-no-changes → destroy.
// Runs only where `pulumi` is on PATH (it cannot be installed in this project's own CI).
const hasPulumi = spawnSync("pulumi", ["version"], { stdio: "ignore" }).status === 0;
if (!hasPulumi) process.stderr.write("test/pulumi-cli: skipped, the Pulumi CLI is not on PATH\n");

const repo = join(__dirname, "..", "..");
let emulators: RunningEmulators | undefined;
let backend: string;

describe.skipIf(!hasPulumi)("pulumi CLI on the root project", () => {
  beforeAll(async () => {
    emulators = await startEmulators({ ongagePort: 18480, antsPort: 18481 });
    backend = mkdtempSync(join(tmpdir(), "pulumi-backend-"));
  });
  afterAll(async () => {
    await emulators?.close();
    rmSync(backend, { recursive: true, force: true });
  });

  const pulumi = (...args: string[]) =>
    spawnSync("pulumi", [...args, "--non-interactive", "--stack", "cli-test"], {
      cwd: repo,
      encoding: "utf8",
      env: { ...process.env, PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "", ONGAGE_PASSWORD: "emulator-password", ANTS_CLIENT_SECRET: "emulator-secret" },
    });

  it("up, refresh and preview show no changes after the first apply, destroy empties the emulators", () => {
    expect(spawnSync("pulumi", ["stack", "init", "cli-test", "--non-interactive"], { cwd: repo, env: { ...process.env, PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "" } }).status).toBe(0);
    expect(pulumi("up", "--yes").status).toBe(0);
    expect(pulumi("refresh", "--yes", "--expect-no-changes").status).toBe(0);
    expect(pulumi("preview", "--expect-no-changes").status).toBe(0);
    // The yaml-folder example protects one segment: unprotect it as a user would before destroying.
    expect(pulumi("state", "unprotect", "--all", "--yes").status).toBe(0);
    expect(pulumi("destroy", "--yes").status).toBe(0);
  });
});
