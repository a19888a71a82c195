import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AntsEmulator, startAntsEmulator } from "../../emulators/ants/server";
import type { OngageEmulator } from "../../emulators/ongage/server";
import { resetProcessState } from "../../provider/http/process-state";
import { doctorReportSchema } from "../../provider/doctor/observation";
import { CONTACT, CREDS, LIST, restoreEnv, startSeeded, useEmulator } from "../doctor/ongage-emulator";
import { postJson, seedCreateBody, token, uploadFile } from "../emulators/ants/client";
import { runCli } from "./run-cli";

// `pulumi-segments doctor` in-process: arguments, exit codes, both formats, against Ongage and ANTS
// emulators (the rows themselves are tested in test/doctor/ongage.test.ts and test/doctor/ants.test.ts).

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

describe("doctor --api ants against an emulator", () => {
  const CLIENT = { clientId: "cli-doctor-client", clientSecret: "Cli-Doctor-Planted-S3cret" };
  const KEYS = ["ANTS_CLIENT_ID", "ANTS_CLIENT_SECRET", "ANTS_BASE_URL", "ANTS_AUTH_URL", "ANTS_MAX_RETRIES", "ANTS_RETRY_BASE_MS"] as const;
  const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
  let ants: AntsEmulator;
  beforeAll(async () => {
    ants = await startAntsEmulator({ clients: [CLIENT], computeDelayMs: 0 });
    Object.assign(process.env, {
      ANTS_CLIENT_ID: CLIENT.clientId,
      ANTS_CLIENT_SECRET: CLIENT.clientSecret,
      ANTS_BASE_URL: ants.url,
      ANTS_AUTH_URL: ants.authUrl,
      ANTS_MAX_RETRIES: "1",
      ANTS_RETRY_BASE_MS: "10",
    });
    // Paging and totals can only be judged on an account with two or more segments: seed two.
    const tok = await token(ants);
    for (const name of ["CLI doctor buyers", "CLI doctor lapsed"]) {
      const up = await uploadFile(ants, tok, "contacts.csv", "id\tcreated_date\tfrom_user\tto_user\tchannel\tmessage\n1\t2024-01-02\tu1\tu2\tsms\thello\n");
      const body = seedCreateBody(up.body.data.entries[0]);
      body.segmentDisplay = name;
      const created = await postJson(ants, "/segment/create", body, tok);
      expect(created.body?.code).toBe(200);
    }
  });
  afterAll(async () => {
    for (const k of KEYS) if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
    await ants.close();
  });

  it("--write --format json: exit 0, every row fine, the scratch segment gone, no secret printed", async () => {
    resetProcessState();
    const r = await run("--api", "ants", "--write", "--format", "json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = doctorReportSchema.parse(JSON.parse(r.stdout));
    expect(report.mode).toBe("write");
    expect(report.observations.every((o) => o.api === "ants" && o.verdict === "fine")).toBe(true);
    expect(report.observations.map((o) => o.id)).toContain("ants.write.delete");
    expect(r.stdout).not.toContain(CLIENT.clientSecret);
    const listed = await run("--api", "ants", "--format", "json");
    expect(JSON.stringify(JSON.parse(listed.stdout))).not.toContain("pulumi-segments doctor 20");
  });

  it("a switch the documents do not expect: exit 1 and the row that names it", async () => {
    resetProcessState();
    ants.setQuirks({ "segment-id": "string" });
    try {
      const r = await run("--api", "ants", "--write");
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/(refuses|report)\s+ants\.listing\.segment-id/);
      expect(r.stdout).not.toContain(CLIENT.clientSecret);
    } finally {
      ants.setQuirks({});
    }
  });
});
