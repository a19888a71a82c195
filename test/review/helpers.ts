import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

export const REPO = join(__dirname, "..", "..");

/** A Pulumi project in a temporary folder: `index.ts` loads `segments/`; pulumi-segments resolves to this repo's build. */
export function definitionsProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "review-project-"));
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
  writeFileSync(join(dir, "index.ts"), 'import { join } from "node:path";\nimport { loadSegments } from "pulumi-segments";\n\nloadSegments(join(__dirname, "segments"));\n');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

export interface PlanResult {
  up: { errors: string[]; ops: string[] };
  preview: { errors: string[]; ops: string[] };
  ids: Record<string, string>;
}

/** `up` of the project through the driver, then the edits, then the digest of their preview (test/review/fixtures/plan-edit.mjs). */
export async function planEdit(opts: { projectDir: string; config: Record<string, string>; edits: Array<{ path: string; content: string | null }>; digestPath: string; showSames?: boolean }): Promise<PlanResult> {
  const run = promisify(execFile)(process.execPath, ["--import", "tsx", join(__dirname, "fixtures", "plan-edit.mjs")], { cwd: REPO, timeout: 120_000 });
  run.child.stdin!.end(JSON.stringify({ project: "review-test", showSames: true, ...opts }));
  return JSON.parse((await run).stdout) as PlanResult;
}
