import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulators, type RunningEmulators } from "../../emulators/index";

// Each example is a real Pulumi program: applied through the driver it creates everything, the next
// preview is empty, and destroy leaves the emulators empty.
const repo = join(__dirname, "..", "..");
let emulators: RunningEmulators;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(async () => emulators?.close());

async function apply(example: string) {
  const config = {
    "ongage:baseUrl": emulators.urls.ongage!,
    "ongage:username": "emulator",
    "ongage:password": "emulator-password",
    "ongage:accountCode": "EMULATOR",
    "ongage:listId": "10000",
    "ants:baseUrl": emulators.urls.ants!,
    "ants:authUrl": emulators.urls.antsAuth!,
    "ants:clientId": "emulator-client",
    "ants:clientSecret": "emulator-secret",
  };
  const run = promisify(execFile)(process.execPath, ["--import", "tsx", join(repo, "test/fixtures/apply-example.mjs")], { cwd: repo, timeout: 120_000 });
  run.child.stdin!.end(JSON.stringify({ programDir: join(repo, "examples", example), project: `example-${example}`, config }));
  return JSON.parse((await run).stdout) as {
    up: { ops: string[]; errors: string[] };
    refresh: { changed: number; dropped: number };
    preview: { ops: string[]; errors: string[] };
    resources: number;
    destroy: { errors: string[] };
    left: number;
  };
}

describe.each([
  ["quickstart", 8],
  ["ants-members", 1],
  ["yaml-folder", 6],
])("examples/%s", (example, count) => {
  it(`applies ${count} resources, then previews no changes, then destroys cleanly`, async () => {
    const r = await apply(example);
    expect(r.up.errors).toEqual([]);
    expect(r.up.ops).toHaveLength(count);
    expect(r.up.ops.every((o) => o.startsWith("create "))).toBe(true);
    expect(r.refresh).toEqual({ changed: 0, dropped: 0 });
    expect(r.preview.errors).toEqual([]);
    expect(r.preview.ops.every((o) => o.startsWith("same "))).toBe(true);
    expect(r.resources).toBe(count);
    expect(r.destroy.errors).toEqual([]);
    expect(r.left).toBe(0);
    const res = await fetch(`${emulators.urls.ongage}/10000/api/segments?limit=1000`, { headers: { X_USERNAME: "emulator", X_PASSWORD: "emulator-password", X_ACCOUNT_CODE: "EMULATOR" } });
    expect(((await res.json()) as { payload: unknown[] }).payload).toEqual([]);
  });
});
