import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";

// Recipients of external segments are contacts' data: whichever form the program uses (a file in the
// repository, or inline rows the resource marks secret), no address and no field value may appear in
// a state file, the provider host's output, an error message or a preview digest. The program is a
// real Pulumi program run through the driver and the SDK's provider host against the emulator.
const fixture = join(__dirname, "..", "fixtures", "recipients");
const rows = JSON.parse(readFileSync(join(fixture, "recipients.json"), "utf8")) as Record<string, Array<Record<string, string>>>;
/** Every address and field value of every version, including the bad rows. */
const SECRETS = [...new Set([...Object.values(rows).flatMap((version) => version.flatMap((r) => Object.values(r))), "solo.recipient@members.example"])];

interface PhaseResult {
  op: string;
  version?: string;
  ops: Record<string, string>;
  errors: string[];
  failures: Array<{ property: string; reason: string }>;
  digest?: { steps: Array<{ op: string; urn: string; newState?: { inputs?: Record<string, unknown> } }>; diagnostics: Array<{ message: string }> };
}
interface RunOutput {
  phases: PhaseResult[];
  stateFiles: string[];
  hostOutput: string;
}

async function run(emu: OngageEmulator, form: "file" | "inline", statePath: string, phases: Array<{ op: string; version?: string }>): Promise<RunOutput> {
  const config = {
    "ongage:baseUrl": emu.url,
    "ongage:username": "priv-user",
    "ongage:password": "priv-S3cret",
    "ongage:accountCode": "PRIVACC",
    "ongage:listId": "10000",
  };
  const child = promisify(execFile)(process.execPath, ["--import", "tsx", join(fixture, "run.mjs")], { cwd: fixture, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  child.child.stdin!.end(JSON.stringify({ project: "recipients", config, statePath, form, phases }));
  return JSON.parse((await child).stdout) as RunOutput;
}

/** Where any recipient's address or field value occurs in `text` (expected: nowhere). */
function leaks(text: string): string[] {
  return SECRETS.filter((s) => text.includes(s));
}

/** The recipients the emulator holds for the segment named `name`. */
function storedRecipients(emu: OngageEmulator, name: string): Array<Record<string, string>> {
  const snapshot = JSON.parse(JSON.stringify(emu.store.snapshot())) as { segments: Array<{ name: string; deleted: string; recipients: Array<Record<string, string>> }> };
  const segments = snapshot.segments;
  const live = segments.filter((s) => s.name === name && s.deleted === "0");
  expect(live).toHaveLength(1);
  return live[0]!.recipients;
}

// Each `it` is one whole case: a fresh emulator, a fresh state file, two processes (as two `pulumi`
// commands would be) and every check of the case, so any of them runs alone and in any order.
describe.each(["file", "inline"] as const)("ongage.ExternalRecipients, %s form: recipients never in state, output, errors or previews", (form) => {
  it("up, preview, a changed version, refresh, a bad row and destroy: the rows reach Ongage and appear nowhere else", async () => {
    const emu = await startOngageEmulator({ credentials: { username: "priv-user", password: "priv-S3cret", accountCode: "PRIVACC" }, population: { size: 0 } });
    const dir = mkdtempSync(join(tmpdir(), `recipients-${form}-`));
    try {
      const statePath = join(dir, "state.json");

      // Step 1-4 (first process): up pushes the recipients; a preview of the same program is empty; a changed version previews and applies one update.
      const first = await run(emu, form, statePath, [
        { op: "up", version: "1" },
        { op: "preview", version: "1" },
        { op: "preview", version: "2" },
        { op: "up", version: "2" },
      ]);
      const [up1, same, preview2, up2] = first.phases;
      expect(up1!.errors).toEqual([]);
      expect(up1!.ops).toEqual({ crm: "create", members: "create", legacy: "create", "legacy-members": "create" });
      expect(same!.ops).toEqual({ crm: "same", members: "same", legacy: "same", "legacy-members": "same" });
      expect(preview2!.ops.members).toBe("update");
      expect(up2!.errors).toEqual([]);
      expect(up2!.ops.members).toBe("update");
      // The rows reached Ongage (populate_external upserts by email: version 1's third row stays).
      const stored = storedRecipients(emu, "CRM recipients").map((r) => r.email).sort();
      expect(stored).toEqual([...new Set([...rows["1"]!, ...rows["2"]!].map((r) => r.email))].sort());
      expect(storedRecipients(emu, "Legacy CRM").map((r) => r.email)).toEqual(["solo.recipient@members.example"]);

      // State keeps only the count and hashes (and, for a file, its path and sha256).
      const state = JSON.parse(first.stateFiles.at(-1)!) as { resources: Array<{ name: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }> };
      const members = state.resources.find((r) => r.name === "members")!;
      expect(members.outputs).toMatchObject({ recipientCount: 3, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      if (form === "file") {
        expect(members.inputs.file).toEqual({ path: "members-v2.tsv", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
        expect(members.inputs.recipients).toBeUndefined();
      } else {
        // The rows are in state only as Pulumi's encrypted secret.
        expect(members.inputs.recipients).toEqual({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: expect.any(String) });
      }
      // The segment is taken from the resource: its id and list.
      const crm = state.resources.find((r) => r.name === "crm")!;
      expect(members.inputs).toMatchObject({ segmentId: crm.outputs.segmentId, listId: 10000 });

      // Previews show inline rows as [secret] and a file by path and hash only.
      const step = preview2!.digest!.steps.find((s) => s.urn.endsWith("::members"))!;
      expect(step.op).toBe("update");
      if (form === "inline") expect(step.newState!.inputs!.recipients).toBe("[secret]");
      else expect(step.newState!.inputs!.file).toEqual({ path: "members-v2.tsv", sha256: expect.any(String) });

      // Step 5-8 (second process, over the saved state file): a bad row fails check at the row and column, without its value; destroy leaves nothing.
      const second = await run(emu, form, statePath, [
        { op: "refresh" },
        { op: "preview", version: "bad" },
        { op: "up", version: "bad" },
        { op: "destroy" },
      ]);
      const [refresh, preview, up, destroy] = second.phases;
      expect(refresh!.errors).toEqual([]);
      const failure = preview!.failures.find((f) => f.property.startsWith(form === "file" ? "file" : "recipients"))!;
      if (form === "file") {
        expect(failure.property).toBe("file.path");
        expect(failure.reason).toMatch(/members-bad\.csv.*line 3.*column "email"/);
      } else {
        expect(failure.property).toBe("recipients[1].email");
      }
      expect(up!.errors.join("\n")).toContain(failure.property);
      expect(destroy!.errors).toEqual([]);
      expect(emu.store.allSegments().filter((s) => s.deleted === "0")).toEqual([]);

      // No address or field value appears in any state file, the host's output, any error or any preview digest.
      const texts = {
        stateFiles: [...first.stateFiles, ...second.stateFiles].join("\n"),
        hostOutput: first.hostOutput + second.hostOutput,
        errors: [...first.phases, ...second.phases].flatMap((p) => [...p.errors, ...p.failures.map((f) => `${f.property}: ${f.reason}`)]).join("\n"),
        digests: JSON.stringify([...first.phases, ...second.phases].map((p) => p.digest ?? null)),
      };
      expect(texts.errors).not.toBe("");
      for (const [where, text] of Object.entries(texts)) expect({ where, leaks: leaks(text) }).toEqual({ where, leaks: [] });
    } finally {
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
