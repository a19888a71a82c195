import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { segmentProvider as antsSegmentProvider } from "../ants";
import { parseDefinitionFolder } from "../definitions/parse";
import { replaceReferences } from "../definitions/references";
import { memberFilePath, validateStructure, type CheckedDefinition } from "../definitions/validate";
import { segmentProvider as ongageSegmentProvider } from "../ongage";
import { recipientsProvider } from "../ongage";
import { sameCanonical } from "../pulumi/canonical";
import { dataRows, sha256Hex } from "./ants-logic";
import { ReviewInputError, type Change, type ChangeSet, type ReviewKind, type Unchanged } from "./change-set";
import type { Json } from "./values";

/**
 * `review --base <ref> <dir>`: the definition files under `<dir>` at a git revision against the
 * working tree, with no Pulumi and no state. Each definition goes through its resource's own `check`
 * (so both sides are in the canonical form a preview would show) and `diff` (so replacements are the
 * ones `pulumi up` would make). Definitions pair by name. A renamed definition pairs with its old
 * self only through `options.aliases` (an update: same segment), as Pulumi matches it; a rename
 * without the alias is what `up` does with it: a create of a new segment and a delete of the old
 * one, with a note that says how to keep the segment.
 */

interface SideDefinition {
  name: string;
  kind: ReviewKind;
  /** Checked (canonical) inputs, or the spec as written when it does not pass its checks. */
  inputs: Json;
  checked: boolean;
  /** Names of the definitions it refers to. */
  refs: string[];
}

function git(cwd: string, args: string[]): Buffer {
  return execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 512 * 1024 * 1024 });
}

const posix = (p: string) => p.split(sep).join("/");

/** Stand-in ids for `{ ref: name }`: digits (so checks pass), the same on both sides (so references compare equal). */
class RefIds {
  readonly byId = new Map<string, string>();
  private readonly byName = new Map<string, string>();
  idFor(name: string): string {
    let id = this.byName.get(name);
    if (!id) {
      id = String(990_000_000_000 + this.byName.size + 1);
      this.byName.set(name, id);
      this.byId.set(id, name);
    }
    return id;
  }
}

const PROVIDERS = {
  "ongage.Segment": ongageSegmentProvider,
  "ongage.ExternalRecipients": recipientsProvider,
  "ants.Segment": antsSegmentProvider,
} as const;

/** One side's schema-valid definitions (the work tree, or a revision extracted to a folder). */
function readStructure(defsDir: string, label: string, notes: string[]): CheckedDefinition[] {
  if (!existsSync(defsDir) || !statSync(defsDir).isDirectory()) return [];
  const parsed = parseDefinitionFolder(defsDir);
  const structure = validateStructure(parsed.definitions);
  const problems = parsed.diagnostics.length + structure.diagnostics.length;
  if (problems > 0) notes.push(`${label}: ${problems} problem${problems === 1 ? "" : "s"} in the definition files (run \`pulumi-segments validate\`); definitions that cannot be read are left out`);
  return structure.definitions;
}

/** Checks every definition of a side; `repoRoot` is where that side's files are. */
async function checkSide(defs: CheckedDefinition[], repoRoot: string, label: string, refIdFor: (name: string) => string, notes: string[], rows: Map<string, number>, fetchMissing?: (repoPath: string) => void): Promise<Map<string, SideDefinition>> {
  const out = new Map<string, SideDefinition>();
  for (const c of defs) {
    const def = await checkDefinition(c, repoRoot, refIdFor, rows, fetchMissing);
    if (!def.checked) notes.push(`${label}: definition "${def.name}" does not pass its checks; shown as written`);
    out.set(def.name, def);
  }
  return out;
}

async function checkDefinition(c: CheckedDefinition, repoRoot: string, refIdFor: (name: string) => string, rows: Map<string, number>, fetchMissing?: (repoPath: string) => void): Promise<SideDefinition> {
  const d = c.definition;
  const spec = replaceReferences(d.spec, refIdFor) as Json;
  let memberRepoPath: string | undefined;
  if (d.kind === "ants.Segment") {
    const abs = memberFilePath(c.source.file, d.spec.file.path);
    memberRepoPath = posix(relative(repoRoot, abs));
    if (!existsSync(abs) && fetchMissing && !memberRepoPath.startsWith("..")) fetchMissing(memberRepoPath);
    spec.file = { ...d.spec.file, path: abs };
    if (existsSync(abs)) {
      const content = readFileSync(abs);
      try {
        rows.set(`${memberRepoPath}\u0000${sha256Hex(content)}`, dataRows(content, d.spec.file.delimiter));
      } catch {
        // Unparseable file: its check says why; rows stay unknown.
      }
    }
  }
  const refs = c.references.map((r) => r.name);
  let result: { inputs?: Record<string, unknown>; failures?: unknown[] };
  try {
    result = await PROVIDERS[d.kind].check({}, spec);
  } catch {
    result = { failures: [{}] };
  }
  const checked = (result.failures ?? []).length === 0 && result.inputs !== undefined;
  const inputs = (checked ? result.inputs! : spec) as Json;
  if (d.kind === "ants.Segment" && memberRepoPath !== undefined) {
    // The same file is the same path on both sides: relative to the repository root.
    const file = inputs.file as Json | undefined;
    if (file && typeof file === "object") inputs.file = { ...file, path: memberRepoPath };
  }
  return { name: d.name, kind: d.kind, inputs, checked, refs };
}

/** What the providers' `diff` says about one definition's two versions. */
async function compare(before: SideDefinition, after: SideDefinition): Promise<{ changed: boolean; replaces: string[] }> {
  if (before.kind !== after.kind) return { changed: true, replaces: ["kind"] };
  if (!before.checked || !after.checked) return { changed: !sameCanonical(before.inputs, after.inputs), replaces: [] };
  const provider = PROVIDERS[after.kind] as { diff(id: string, olds: never, news: never): Promise<{ changes?: boolean; replaces?: string[] }> };
  const d = await provider.diff("", before.inputs as never, after.inputs as never);
  return { changed: d.changes !== false, replaces: d.replaces ?? [] };
}

/** Extracts the files of `commit` under `repoPath` into `into`. */
function extract(repoRoot: string, commit: string, repoPath: string, into: string): void {
  const listing = git(repoRoot, ["ls-tree", "-r", "-z", "--full-tree", commit, "--", repoPath === "" ? "." : repoPath]).toString("utf8");
  for (const entry of listing.split("\0")) {
    const m = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(entry);
    if (!m || m[2] !== "blob") continue;
    const target = join(into, m[4]!);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, git(repoRoot, ["cat-file", "blob", m[3]!]));
  }
}

/** The change set between the definitions under `dir` at `ref` and in the working tree. */
export async function changeSetFromGit(ref: string, dir: string, cwd: string = process.cwd()): Promise<ChangeSet> {
  const absDir = resolve(cwd, dir);
  if (!existsSync(absDir) || !statSync(absDir).isDirectory()) throw new ReviewInputError(`${dir} is not a folder`);
  let repoRoot: string;
  try {
    repoRoot = realpathSync(git(absDir, ["rev-parse", "--show-toplevel"]).toString("utf8").trim());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new ReviewInputError("review --base needs git, which is not on PATH");
    throw new ReviewInputError(`${dir} is not inside a git repository (review --base compares the files with a git revision)`);
  }
  let commit: string;
  try {
    commit = git(repoRoot, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]).toString("utf8").trim();
  } catch {
    throw new ReviewInputError(`unknown git ref "${ref}": no commit by that name in ${repoRoot} (in CI, fetch it first, e.g. \`git fetch origin main\` and use origin/main)`);
  }
  const repoPath = posix(relative(repoRoot, realpathSync(absDir)));
  const tmp = mkdtempSync(join(tmpdir(), "pulumi-segments-review-"));
  const notes: string[] = [];
  const rows = new Map<string, number>();
  const refIds = new RefIds();
  let olds: Map<string, SideDefinition>;
  let news: Map<string, SideDefinition>;
  let renamed: Map<string, string>;
  try {
    extract(repoRoot, commit, repoPath, tmp);
    const fetchMissing = (p: string) => {
      try {
        const content = git(repoRoot, ["cat-file", "blob", `${commit}:${p}`]);
        mkdirSync(dirname(join(tmp, p)), { recursive: true });
        writeFileSync(join(tmp, p), content);
      } catch {
        // Not in that revision either: the definition's check reports the missing file.
      }
    };
    const oldDefs = readStructure(join(tmp, repoPath), `at ${ref}`, notes);
    const newDefs = readStructure(absDir, "working tree", notes);
    renamed = aliasedDefinitions(oldDefs, newDefs);
    for (const [from, to] of unaliasedRenames(oldDefs, newDefs)) {
      notes.push(`\`${from}\` is renamed \`${to}\` without an alias: to Pulumi that is a new resource and the removal of the old one. \`pulumi up\` creates a new segment with a new id and deletes the old one (an Ongage segment's scheduled campaigns are unscheduled, unless the delete guard refuses), except when it keeps the segment's name and rules and the old segment was created within the interrupted-create window (\`interruptedCreateWindowHours\`, README *Interrupted runs*): then the new resource takes the old segment over and the delete sends nothing. To keep the segment either way, add \`options: { aliases: [${from}] }\` to \`${to}\``);
    }
    // A reference to an aliased definition's old name is a reference to the same segment.
    olds = await checkSide(oldDefs, tmp, `at ${ref}`, (name) => refIds.idFor(renamed.get(name) ?? name), notes, rows, fetchMissing);
    news = await checkSide(newDefs, repoRoot, "working tree", (name) => refIds.idFor(name), notes, rows);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const changes: Change[] = [];
  const unchanged: Unchanged[] = [];
  const pairs: Array<[SideDefinition | undefined, SideDefinition | undefined, string | undefined]> = [];
  const renamedTo = new Set(renamed.values());
  for (const n of news.values()) {
    const from = [...renamed].find(([, to]) => to === n.name)?.[0];
    if (olds.has(n.name) && !renamedTo.has(n.name)) pairs.push([olds.get(n.name), n, undefined]);
    else if (from !== undefined) pairs.push([olds.get(from), n, from]);
    else pairs.push([undefined, n, undefined]);
  }
  for (const o of olds.values()) if (!news.has(o.name) && !renamed.has(o.name)) pairs.push([o, undefined, undefined]);

  for (const [before, after, renamedFrom] of pairs) {
    const name = (after ?? before)!.name;
    const kind = (after ?? before)!.kind;
    const dependsOn = after?.refs ?? [];
    if (before && after) {
      const { changed, replaces } = await compare(before, after);
      if (!changed && !renamedFrom) {
        unchanged.push({ name, kind, side: { inputs: after.inputs } });
        continue;
      }
      changes.push({ name, kind, op: replaces.length > 0 ? "replace" : "update", before: { inputs: before.inputs }, after: { inputs: after.inputs }, dependsOn, ...(renamedFrom ? { renamedFrom } : {}), ...(replaces.length ? { replaceReasons: replaces } : {}) });
    } else if (after) changes.push({ name, kind, op: "create", after: { inputs: after.inputs }, dependsOn });
    else changes.push({ name, kind, op: "delete", before: { inputs: before!.inputs }, dependsOn: [] });
  }
  return {
    source: "git",
    changes,
    unchanged,
    notes,
    refIds: refIds.byId,
    memberRows: (path, sha256) => (sha256 === undefined ? undefined : rows.get(`${path}\u0000${sha256}`)),
  };
}

/**
 * Old name → new name of definitions renamed with `options.aliases` (what Pulumi matches): the new
 * definition names the old one as an alias, the old name is gone from the working tree, and both are
 * the same kind (a `{ name }` alias keeps the resource type). The first matching alias wins, as in the engine.
 */
function aliasedDefinitions(olds: readonly CheckedDefinition[], news: readonly CheckedDefinition[]): Map<string, string> {
  const newNames = new Set(news.map((c) => c.definition.name));
  const oldByName = new Map(olds.map((c) => [c.definition.name, c]));
  const out = new Map<string, string>();
  for (const n of news) {
    for (const alias of n.definition.options?.aliases ?? []) {
      const old = oldByName.get(alias);
      if (!old || newNames.has(alias) || out.has(alias) || old.definition.kind !== n.definition.kind) continue;
      out.set(alias, n.definition.name);
      break;
    }
  }
  return out;
}

/**
 * Old name → new name of definitions that look renamed but have no alias for it: unpaired on both
 * sides, same kind, and the same segment name (or the same file and position in it), unique on both
 * sides. `up` creates and deletes them; the review says so and how to keep the segment.
 */
function unaliasedRenames(olds: readonly CheckedDefinition[], news: readonly CheckedDefinition[]): Map<string, string> {
  const oldNames = new Set(olds.map((c) => c.definition.name));
  const newNames = new Set(news.map((c) => c.definition.name));
  const aliased = new Set(news.flatMap((c) => c.definition.options?.aliases ?? []));
  const unpairedOld = olds.filter((c) => !newNames.has(c.definition.name) && !aliased.has(c.definition.name));
  const unpairedNew = news.filter((c) => !oldNames.has(c.definition.name));
  const bySegmentName = (c: CheckedDefinition) => (c.definition.kind === "ongage.ExternalRecipients" ? undefined : `${c.definition.kind}\u0000${c.definition.spec.name.trim()}`);
  const byPlace = (c: CheckedDefinition, root: string) => `${c.definition.kind}\u0000${posix(relative(root, c.source.file))}\u0000${c.source.index}`;
  const oldRoot = commonRoot(olds);
  const newRoot = commonRoot(news);
  const out = new Map<string, string>();
  const taken = new Set<string>();
  const match = (keyOld: (c: CheckedDefinition) => string | undefined, keyNew: (c: CheckedDefinition) => string | undefined) => {
    for (const n of unpairedNew) {
      const k = keyNew(n);
      if (k === undefined || taken.has(n.definition.name)) continue;
      const from = unpairedOld.filter((o) => keyOld(o) === k && !out.has(o.definition.name));
      if (from.length === 1 && unpairedNew.filter((x) => keyNew(x) === k).length === 1) {
        out.set(from[0]!.definition.name, n.definition.name);
        taken.add(n.definition.name);
      }
    }
  };
  match(bySegmentName, bySegmentName);
  match((c) => byPlace(c, oldRoot), (c) => byPlace(c, newRoot));
  return out;
}

/** The folder every definition of a side is under (its definitions folder). */
function commonRoot(defs: readonly CheckedDefinition[]): string {
  const dirs = defs.map((c) => dirname(c.source.file));
  if (dirs.length === 0) return "";
  let root = dirs[0]!;
  while (!dirs.every((d) => d === root || d.startsWith(root + sep)) && dirname(root) !== root) root = dirname(root);
  return root;
}
