import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OngageEmulator } from "../../emulators/ongage/server";
import { doctorReportSchema } from "../../provider/doctor/observation";
import { CONTACT, CREDS, LIST, restoreEnv, startSeeded, useEmulator } from "../doctor/ongage-emulator";
import { runCli } from "./run-cli";

// `pulumi-segments doctor` in-process: arguments, exit codes, both formats, against Ongage emulators.
// `--api ants` is only tested for its usage errors here: antsDoctor (provider/doctor/ants.ts) lands on
// branch doctor-ants, whose tests cover it; the command calls it the same way as ongageDoctor.

const run = (...argv: string[]) => runCli("doctor", ...argv);
afterAll(restoreEnv);

describe("doctor: usage errors exit 2 before any request", () => {
  it.each([
    [[], "--api is required"],
    [["--api", "mailchimp"], '--api must be ongage or ants, got "mailchimp"'],
    [["--api", "ongage", "--format", "yaml"], '--format must be text or json, got "yaml"'],
    [["--api", "ants", "--list", "5"], "--list applies only to --api ongage"],
    [["--api", "ongage", "--list", "x"], '--list must be a positive integer, got "x"'],
    [["--api", "ongage", "--bogus"], "--bogus"],
  ])("%j", async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe("");
  });

  it("--write without --list or ONGAGE_LIST_ID is a usage error", async () => {
    const saved = process.env.ONGAGE_LIST_ID;
    delete process.env.ONGAGE_LIST_ID;
    try {
      const r = await run("--api", "ongage", "--write");
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("pass --list N or set ONGAGE_LIST_ID");
    } finally {
      if (saved !== undefined) process.env.ONGAGE_LIST_ID = saved;
    }
  });

  it("--help prints the usage with the exit codes", async () => {
    const r = await run("--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Exit codes: 0 every row fine, 1 a row is not fine");
  });
});

describe("doctor --api ongage against emulators", () => {
  let em: OngageEmulator;
  beforeAll(async () => {
    em = await startSeeded();
    useEmulator(em);
  });
  afterAll(async () => em.close());

  it("documented emulator, read-only: exit 0, a table that fits 100 columns, no secret", async () => {
    const r = await run("--api", "ongage");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("· ongage · read-only ·");
    expect(r.stdout).toContain("Every row is fine");
    expect(r.stdout.split("\n").filter((l) => l.length > 100)).toEqual([]);
    for (const s of [CREDS.password, CREDS.username, CREDS.accountCode, CONTACT.email]) expect(r.stdout).not.toContain(s);
  });

  it("--write --list N --format json: exit 0 and a DoctorReport in write mode", async () => {
    const r = await run("--api", "ongage", "--write", "--list", String(LIST), "--format", "json");
    expect(r.code).toBe(0);
    const report = doctorReportSchema.parse(JSON.parse(r.stdout));
    expect(report.mode).toBe("write");
    expect(report.observations.map((o) => o.id)).toContain("ongage.write.delete");
    expect(report.observations.every((o) => o.verdict === "fine")).toBe(true);
  });

  it("a row that is not fine: exit 1, and the table says to attach --format json", async () => {
    const bad = await startSeeded({ "mailing-status": "unknown" });
    useEmulator(bad);
    try {
      const r = await run("--api", "ongage");
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/refuses\s+ongage\.campaigns\.status/);
      expect(r.stdout).toContain("--format json");
    } finally {
      useEmulator(em);
      await bad.close();
    }
  });

  it("credentials refused: exit 1 with the access row naming the variables", async () => {
    process.env.ONGAGE_ACCOUNT_CODE = "WRONGCODE";
    try {
      const r = await run("--api", "ongage", "--format", "json");
      expect(r.code).toBe(1);
      const report = doctorReportSchema.parse(JSON.parse(r.stdout));
      expect(report.observations[0]).toMatchObject({ id: "ongage.access", verdict: "refuses" });
    } finally {
      useEmulator(em);
    }
  });

  it("missing credentials: exit 1 naming the variable, nothing on stdout", async () => {
    delete process.env.ONGAGE_PASSWORD;
    try {
      const r = await run("--api", "ongage");
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("ONGAGE_PASSWORD");
    } finally {
      useEmulator(em);
    }
  });
});
