import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";

/** Runs the CLI from source in-process under tsx (`node --import tsx`), so signals reach it directly. */
const ROOT = join(__dirname, "..", "..");
const CREDS = { x_username: "emulator", x_password: "emulator-password", x_account_code: "EMULATOR" };
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ONGAGE_") && !k.startsWith("ANTS_")));

interface Running {
  child: ChildProcess;
  urls: Record<string, string>;
  stdout: string[];
  stderr: string[];
  exit: Promise<number | null>;
}

const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});

function spawnCli(args: string[]): { child: ChildProcess; stdout: string[]; stderr: string[]; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], { cwd: ROOT, env: CLEAN_ENV, stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stdout! }).on("line", (l) => stdout.push(l));
  child.stderr!.on("data", (d: Buffer) => stderr.push(d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout, stderr, exit };
}

async function startCli(args: string[]): Promise<Running> {
  const run = spawnCli(args);
  const deadline = Date.now() + 30_000;
  while (run.stdout.length === 0) {
    if (run.child.exitCode !== null) throw new Error(`CLI exited early: ${run.stderr.join("")}`);
    if (Date.now() > deadline) throw new Error(`CLI not ready: ${run.stderr.join("")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { ...run, urls: JSON.parse(run.stdout[0] ?? "") as Record<string, string> };
}

async function stop(run: Running): Promise<number | null> {
  run.child.kill("SIGTERM");
  return run.exit;
}

describe("pulumi-segments emulator", () => {
  it("prints exactly one JSON line of loopback URLs, answers, and exits 0 on SIGTERM", async () => {
    const run = await startCli(["emulator"]);
    expect(Object.keys(run.urls).sort()).toEqual(["ants", "antsAuth", "ongage"]);
    expect(run.urls.ongage).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(run.urls.ants).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/access\/api$/);
    const r = await fetch(`${run.urls.ongage}/api/segments`, { headers: CREDS });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ metadata: { error: false, total: "0" }, payload: [] });
    expect((await fetch(`${run.urls.ongage}/api/segments`)).status).toBe(401);
    expect(await stop(run)).toBe(0);
    expect(run.stdout).toHaveLength(1);
  });

  it("--state keeps a created segment across a restart", async () => {
    const state = join(mkdtempSync(join(tmpdir(), "cli-emu-")), "state.json");
    const first = await startCli(["emulator", "--state", state]);
    const created = await fetch(`${first.urls.ongage}/api/segments`, {
      method: "POST",
      headers: { ...CREDS, "content-type": "application/json" },
      body: JSON.stringify({ name: "survives restart", type: "Active", criteria: [{ field_name: "ocx_import_id", type: "numeric", operator: "=", operand: ["1"], condition: "and" }] }),
    });
    expect(created.status).toBe(200);
    const id = ((await created.json()) as { payload: { id: string } }).payload.id;
    expect(await stop(first)).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(state, "utf8")))).toContain("ongage");

    const second = await startCli(["emulator", "--state", state]);
    const got = await fetch(`${second.urls.ongage}/api/segments/${id}`, { headers: CREDS });
    expect(got.status).toBe(200);
    expect(((await got.json()) as { payload: { name: string } }).payload.name).toBe("survives restart");
    expect(await stop(second)).toBe(0);
  });

  it("honours --ongage-port", async () => {
    const probe = await startCli(["emulator"]);
    const port = Number(new URL(probe.urls.ongage ?? "").port);
    await stop(probe);
    const run = await startCli(["emulator", "--ongage-port", String(port)]);
    expect(run.urls.ongage).toBe(`http://127.0.0.1:${port}`);
    expect(await stop(run)).toBe(0);
  });

  it("--quirk flips a switch per emulator: bare names that one emulator has, prefixed names for shared ones", async () => {
    const run = await startCli(["emulator", "--quirk", "unknown-route=envelope", "--quirk", "ongage.listing-total=absent", "--quirk", "ants.page-base=0"]);
    const unknown = await fetch(`${run.urls.ongage}/api/nothing`, { headers: CREDS });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ metadata: { error: true }, payload: { code: 404 } });
    expect(await (await fetch(`${run.urls.ongage}/api/segments`, { headers: CREDS })).json()).toEqual({ metadata: { error: false }, payload: [] });
    expect(run.stderr.join("")).toContain("ongage quirks: unknown-route=envelope listing-total=absent");
    expect(run.stderr.join("")).toContain("ants quirks: page-base=0");
    expect(await stop(run)).toBe(0);
  });

  it("an unknown, ambiguous or malformed --quirk is a usage error naming it", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["--quirk", "page-size=5"], /--quirk page-size: no emulator has this switch/],
      [["--quirk", "page-cap=5"], /both emulators have this switch; write ongage.page-cap or ants.page-cap/],
      [["--quirk", "ongage.page-cap=zero"], /ongage quirk page-cap: "zero" is not one of off, a positive integer/],
      [["--quirk", "scalars"], /--quirk takes name=value, got "scalars"/],
    ];
    for (const [flags, message] of cases) {
      const run = spawnCli(["emulator", ...flags]);
      expect(await run.exit, flags.join(" ")).toBe(2);
      expect(run.stdout).toEqual([]);
      expect(run.stderr.join("")).toMatch(message);
    }
  });

  it("bad flags → usage on stderr, nothing on stdout, exit 2", async () => {
    for (const args of [["emulator", "--bogus"], ["emulator", "--ongage-port", "http"], ["emulator", "extra"], ["nope"], []]) {
      const run = spawnCli(args);
      expect(await run.exit, args.join(" ")).toBe(2);
      expect(run.stdout).toEqual([]);
      expect(run.stderr.join("")).toMatch(/Usage: pulumi-segments/);
    }
  });
});
