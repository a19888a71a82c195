import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { validateFolder } from "../../provider/definitions/validate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulators, type RunningEmulators } from "../../emulators/index";

// Each example is a real Pulumi program: applied through the driver it creates every resource it declares
// (checked in the emulators' stores, not only in the engine's report), the next preview is empty, and
// destroy removes every one of them.
const repo = join(__dirname, "..", "..");
let emulators: RunningEmulators;
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(async () => emulators?.close());

const CONFIG = () => ({
  "ongage:baseUrl": emulators.urls.ongage!,
  "ongage:username": "emulator",
  "ongage:password": "emulator-password",
  "ongage:accountCode": "EMULATOR",
  "ongage:listId": "10000",
  "ants:baseUrl": emulators.urls.ants!,
  "ants:authUrl": emulators.urls.antsAuth!,
  "ants:clientId": "emulator-client",
  "ants:clientSecret": "emulator-secret",
});

interface Applied {
  type: string;
  name: string;
  id: string;
  outputs: { name?: string; segmentId?: string };
}

/** One phase of applying examples/<example> through the driver in a child process (see apply-example.mjs). */
async function phase<T>(example: string, which: "up" | "destroy", statePath: string): Promise<T> {
  const run = promisify(execFile)(process.execPath, ["--import", "tsx", join(repo, "test/fixtures/apply-example.mjs")], { cwd: repo, timeout: 120_000 });
  run.child.stdin!.end(JSON.stringify({ phase: which, programDir: join(repo, "examples", example), project: `example-${example}`, config: CONFIG(), statePath }));
  return JSON.parse((await run).stdout) as T;
}

/** What the emulators hold: Ongage segments (live, by id → name) and ANTS segments (id → name). */
function remote() {
  const ongage = new Map(emulators.ongage.store.allSegments().filter((s) => s.deleted === "0").map((s) => [String(s.id), s.name]));
  const ants = new Map(emulators.ants!.store.allSegments().map((s) => [String(s.segmentId), s.segmentDisplay]));
  return { ongage, ants };
}

/** The resources examples/yaml-folder's definitions declare, as "<type> <name>". */
async function declaredByDefinitions(): Promise<string[]> {
  const report = await validateFolder(join(repo, "examples", "yaml-folder", "segments"), repo);
  expect(report.diagnostics).toEqual([]);
  return report.definitions.map((d) => `pulumi-nodejs:dynamic/${d.definition.kind.replace(".", ":")} ${d.definition.name}`).sort();
}

describe.each([
  ["quickstart", 8],
  ["ants-members", 1],
  ["yaml-folder", 6],
])("examples/%s", (example, count) => {
  it(`applies its ${count} resources (each one present in the emulators), then previews no changes, then destroys them all`, async () => {
    const dir = mkdtempSync(join(tmpdir(), `example-${example}-`));
    const statePath = join(dir, "state.json");
    const before = remote();
    const r = await phase<{ up: { ops: string[]; errors: string[] }; refresh: { moved: string[]; dropped: number }; preview: { ops: string[]; errors: string[] }; resources: Applied[] }>(example, "up", statePath);
    expect(r.up.errors).toEqual([]);
    expect(r.up.ops).toHaveLength(count);
    expect(r.up.ops.every((o) => o.startsWith("create "))).toBe(true);
    expect(r.resources).toHaveLength(count);
    if (example === "yaml-folder") expect(r.resources.map((x) => `${x.type} ${x.name}`).sort()).toEqual(await declaredByDefinitions());

    // Every segment the program declared exists remotely under the id and name its state records.
    const after = remote();
    for (const res of r.resources) {
      if (res.type.endsWith("ongage:Segment")) expect(after.ongage.get(res.id), res.name).toBe(res.outputs.name);
      if (res.type.endsWith("ants:Segment")) expect(after.ants.get(res.id), res.name).toBe(res.outputs.name);
      if (res.type.endsWith("ongage:ExternalRecipients")) expect(after.ongage.has(String(res.outputs.segmentId)), res.name).toBe(true);
    }
    const segments = r.resources.filter((x) => !x.type.endsWith("ExternalRecipients")).length;
    expect(after.ongage.size + after.ants.size - before.ongage.size - before.ants.size).toBe(segments);

    // Refresh changes nothing the program manages; only ANTS's informational serverStatus may move while the CDP computes.
    expect(r.refresh.dropped).toBe(0);
    expect(r.refresh.moved.filter((m) => !m.endsWith(".serverStatus"))).toEqual([]);
    expect(r.preview.errors).toEqual([]);
    expect(r.preview.ops.every((o) => o.startsWith("same "))).toBe(true);

    const d = await phase<{ destroy: { errors: string[] }; left: number }>(example, "destroy", statePath);
    expect(d.destroy.errors).toEqual([]);
    expect(d.left).toBe(0);
    const end = remote();
    for (const res of r.resources) {
      expect(end.ongage.has(res.id), res.name).toBe(false);
      expect(end.ants.has(res.id), res.name).toBe(false);
    }
    rmSync(dir, { recursive: true, force: true });
  });
});
