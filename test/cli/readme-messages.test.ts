import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAntsEmulator, type AntsEmulator } from "../../emulators/ants/server";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { resetProcessState } from "../../provider/http/process-state";
import { BAD, CREDENTIALS, ENV_KEYS, folder, liveEnv, seedSegment } from "../definitions/live-fixtures";
import { segmentProvider } from "../../provider/ongage/provider";
import { runCli } from "./run-cli";

// The README's examples of messages are the real ones: each is produced here and compared verbatim.

const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

/** The lines of the ```text block that follows `marker` in the README. */
function textBlockAfter(marker: string): string[] {
  const at = readme.indexOf(marker);
  expect(at, `README has "${marker}"`).toBeGreaterThanOrEqual(0);
  const start = readme.indexOf("```text\n", at) + "```text\n".length;
  return readme.slice(start, readme.indexOf("```", start)).trimEnd().split("\n");
}

describe("README messages", () => {
  it("the validate example is the output of validate on test/fixtures/definitions/readme/segments", async () => {
    const [command, ...expected] = textBlockAfter("### `validate <dir>");
    expect(command).toBe("$ npx pulumi-segments validate segments");
    const { code, stdout } = await runCli("validate", "test/fixtures/definitions/readme/segments");
    expect(code).toBe(1);
    expect(stdout.replaceAll("test/fixtures/definitions/readme/", "").trimEnd().split("\n")).toEqual(expected);
  });

  it("the check examples are check's failures for the planted mistakes", async () => {
    const inputs = [
      { name: "x", match: { all: [{ type: "email", field: "email", operator: "LIKE", values: ["@x"] }, { any: [{ type: "numeric", field: "age", operator: "LIKES", values: [1] }] }] } },
      { name: "x", rules: [{ type: "string", field: "city", opertor: "empty" }] },
      { name: "x", match: { all: [{ type: "emial", field: "email", operator: "=" }] } },
      { name: "x", match: { all: [{ type: "email", field: "email", operator: "=" }, { type: "email", field: "email", operator: "=" }, { alll: [] }] } },
    ];
    const actual: string[] = [];
    for (const i of inputs) for (const f of (await segmentProvider.check({}, i)).failures ?? []) actual.push(`${f.property}: ${f.reason}`);
    expect(textBlockAfter("Every violation is reported by `check`")).toEqual(actual);
  });

  it("the CLI's credential message is the real one", async () => {
    const saved = process.env.ONGAGE_PASSWORD;
    process.env.ONGAGE_USERNAME ??= "someone";
    process.env.ONGAGE_ACCOUNT_CODE ??= "acme";
    delete process.env.ONGAGE_PASSWORD;
    try {
      const { stderr } = await runCli("export", "--api", "ongage", "--out", "/nonexistent-never-written");
      const quoted = readme.match(/`(Missing Ongage password: set environment variable [^`]*)`/)?.[1];
      expect(quoted).toBeDefined();
      expect(stderr).toBe(`pulumi-segments export: ${quoted}\n`);
    } finally {
      if (saved !== undefined) process.env.ONGAGE_PASSWORD = saved;
    }
  });
});

describe("README messages of validate --live", () => {
  const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  let ongage: OngageEmulator;
  let ants: AntsEmulator;
  beforeAll(async () => {
    resetProcessState();
    ongage = await startOngageEmulator({ credentials: CREDENTIALS, defaultListId: 10000 });
    ants = await startAntsEmulator();
    liveEnv(ongage, ants);
  });
  afterAll(async () => {
    await ongage.close();
    await ants.close();
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("the validate --live example is its output on the planted mistakes (test/definitions/live-fixtures.ts)", async () => {
    const seeded = await seedSegment(ongage.url);
    const dir = folder({ "bad.yaml": BAD }, seeded);
    const [command, ...expected] = textBlockAfter("#### `validate --live`");
    expect(command).toBe("$ npx pulumi-segments validate segments --live");
    const { code, stdout } = await runCli("validate", dir, "--live");
    expect(code).toBe(1);
    expect(stdout.replaceAll(`${dir}/`, "segments/").trimEnd().split("\n")).toEqual(expected);
  });
});
