import { forgetClaims } from "../../provider/pulumi/claims";
import { runCli } from "./run-cli";
import { exportSummary } from "../../cli/export-command";
import type { ExportResult } from "../../provider/definitions/export-ongage";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startAntsEmulator, type AntsEmulator } from "../../emulators/ants/server";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { ONGAGE_FAULT_REPLIES } from "../../emulators/ongage/routes";
import { segmentProvider as antsProvider } from "../../provider/ants/provider";
import type { CanonicalSegment as AntsCanonical } from "../../provider/ants/canonical";
import { segmentProvider } from "../../provider/ongage/provider";
import { replaceReferences } from "../../provider/definitions/references";
import { memberFilePath, validateFolder } from "../../provider/definitions/validate";
import type { CanonicalSegment, SegmentOutputs } from "../../provider/ongage/canonical";
import { createSeedSegment, token } from "../emulators/ants/client";

/** Runs the command in-process; returns exit code and captured output. */
const run = (...argv: string[]) => runCli("export", ...argv);

const ENV_KEYS = ["ONGAGE_BASE_URL", "ONGAGE_USERNAME", "ONGAGE_PASSWORD", "ONGAGE_ACCOUNT_CODE", "ONGAGE_LIST_ID", "ONGAGE_REQUESTS_PER_MINUTE", "ONGAGE_MAX_RETRIES", "ONGAGE_RETRY_BASE_MS", "ANTS_BASE_URL", "ANTS_AUTH_URL", "ANTS_CLIENT_ID", "ANTS_CLIENT_SECRET", "ANTS_ACCESS_TOKEN"];
const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
afterAll(() => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe("export --api ongage, then adopt", () => {
  const CREDENTIALS = { username: "export-user", password: "export-password", accountCode: "EXPORT" };
  let em: OngageEmulator;
  const ids: Record<string, string> = {};

  async function post(body: Record<string, unknown>): Promise<string> {
    const res = await fetch(`${em.url}/api/segments`, {
      method: "POST",
      headers: { "content-type": "application/json", X_USERNAME: CREDENTIALS.username, X_PASSWORD: CREDENTIALS.password, X_ACCOUNT_CODE: CREDENTIALS.accountCode },
      body: JSON.stringify({ type: "Active", ...body }),
    });
    const json = (await res.json()) as { payload: { id: string | number } };
    if (res.status !== 200) throw new Error(`seed ${String(body.name)}: ${JSON.stringify(json)}`);
    return String(json.payload.id);
  }

  beforeAll(async () => {
    em = await startOngageEmulator({ credentials: CREDENTIALS, defaultListId: 10000 });
    Object.assign(process.env, {
      ONGAGE_BASE_URL: em.url,
      ONGAGE_USERNAME: CREDENTIALS.username,
      ONGAGE_PASSWORD: CREDENTIALS.password,
      ONGAGE_ACCOUNT_CODE: CREDENTIALS.accountCode,
      ONGAGE_REQUESTS_PER_MINUTE: "1000000",
    });
    delete process.env.ONGAGE_LIST_ID;
    const fieldsRes = await fetch(`${em.url}/api/list_fields?limit=1000`, { headers: { X_USERNAME: CREDENTIALS.username, X_PASSWORD: CREDENTIALS.password, X_ACCOUNT_CODE: CREDENTIALS.accountCode } });
    const fields = new Map(((await fieldsRes.json()) as { payload: Array<{ id: number; name: string }> }).payload.map((f) => [f.name, f.id]));
    const field = (name: string) => fields.get(name)!;

    // Seeded in Ongage's own wire format (strings, JSON operands, parentheses), not through the provider.
    ids.vip = await post({
      name: "VIP openers",
      description: "Example.com readers who opened lately or bought",
      favorite: true,
      criteria: [
        { type: "email", field_id: field("email"), operator: "LIKE", operand: ["@example.com"], condition: "and", position: 0, case_sensitive: "1" },
        { type: "behavioral", field_name: "opened", operator: "=", operand: { time_range: { operator: "between", in_last: 30, in_last_unit: "day", to: 0, to_unit: "day" }, countries: ["US", "GB"] }, condition: "and", position: 1, left_parenthesis: 1, group: "Engaged" },
        { type: "numeric", field_id: field("product_id"), operator: "><", operand: ["100", "200"], condition: "or", position: 2, right_parenthesis: 1, group: "Engaged" },
      ],
    });
    ids.birthdays = await post({
      name: "Born before 1998",
      criteria: [
        { type: "date_absolute", field_id: field("birthdate"), operator: "<", operand: [884390400], condition: "and", position: 0 },
        { type: "date_relative", field_name: "ocx_created_date", operator: "<=", operand: ["365"], condition: "and", position: 1 },
        { type: "string", field_id: field("first_name"), operator: "notempty", condition: "and", position: 2, case_sensitive: "0" },
      ],
    });
    ids.combined = await post({
      name: "VIP or birthdays",
      criteria: [{ type: "segment", operator: "=", operand: [Number(ids.vip), Number(ids.birthdays)], condition: "and", position: 0 }],
    });
    // `and` then `or` at one level without parentheses: no match groups compile to it.
    ids.mixed = await post({
      name: "Gmail readers with a first name, or anyone with a last name",
      criteria: [
        { type: "email", field_id: field("email"), operator: "LIKE", operand: ["gmail"], condition: "and", position: 0 },
        { type: "string", field_id: field("first_name"), operator: "notempty", condition: "and", position: 1 },
        { type: "string", field_id: field("last_name"), operator: "notempty", condition: "or", position: 2 },
      ],
    });
    ids.crm = await post({ name: "CRM export", is_external: true, external_insert_missing: true });
    ids.gone = await post({ name: "Deleted one", criteria: [] });
    const del = await fetch(`${em.url}/api/segments/${ids.gone}`, { method: "DELETE", headers: { X_USERNAME: CREDENTIALS.username, X_PASSWORD: CREDENTIALS.password, X_ACCOUNT_CODE: CREDENTIALS.accountCode } });
    expect(del.status).toBe(200);
    // Enough segments for the listing to need a second page (the client reads 200 per page).
    for (let i = 0; i < 200; i++) ids[`filler${i}`] = await post({ name: `Filler ${String(i).padStart(3, "0")}` });
  });
  afterAll(() => em.close());
  beforeEach(() => em.http.clearLog());

  it("writes one adoptable file per live segment, reproducing it exactly, and adopting them changes nothing", async () => {
    const out = mkdtempSync(join(tmpdir(), "export-ongage-"));
    const res = await run("--api", "ongage", "--out", out, "--schema", "../schema/segments.schema.json");
    expect(res.stderr).toBe(`note: segment ${ids.mixed} ("Gmail readers with a first name, or anyone with a last name") keeps Ongage's flat \`rules\` in gmail-readers-with-a-first-name-or-anyone-with-a-last-name.yaml: no \`match\` groups compile to exactly its rules (rules[2] joins with "or" where the rules before it at the same level join with "and", without parentheses between them).\n`);
    expect(res.code).toBe(0);
    expect(res.stdout.trimEnd().split("\n").at(-1)).toBe(`read 205 ongage segments; wrote 205 files to ${out}; 1 keeps Ongage's flat \`rules\` (its note says why)`);
    const listing = em.http.requests.filter((r) => r.method === "GET" && /\/api\/segments$/.test(r.path));
    expect(listing.length).toBe(3); // 200 + 5 rows, then the empty page that confirms the short one was the last
    expect(readdirSync(out)).toHaveLength(205);
    expect(readdirSync(out)).not.toContain("deleted-one.yaml");

    expect(readFileSync(join(out, "vip-openers.yaml"), "utf8")).toBe(`# yaml-language-server: $schema=../schema/segments.schema.json
# Exported from Ongage list 10000, segment ${ids.vip} ("VIP openers").
# adopt: true takes this segment over on the first \`pulumi up\` instead of creating a new one.
kind: ongage.Segment
name: vip-openers
spec:
  name: VIP openers
  listId: 10000
  adopt: true
  description: Example.com readers who opened lately or bought
  favorite: true
  match:
    all:
      - { type: email, field: email, operator: LIKE, values: [ "@example.com" ], caseSensitive: true }
      - any:
          - type: behavioral
            event: opened
            operator: "="
            operand:
              timeRange: { operator: between, inLast: 30, inLastUnit: day, to: 0, toUnit: day }
              countries: [ GB, US ]
          - { type: numeric, field: product_id, operator: "><", values: [ 100, 200 ] }
        label: Engaged
`);
    expect(readFileSync(join(out, "vip-or-birthdays.yaml"), "utf8")).toContain("segmentIds: [ { ref: vip-openers }, { ref: born-before-1998 } ]");
    expect(readFileSync(join(out, "born-before-1998.yaml"), "utf8")).toContain('values: [ "1998-01-10" ]');
    // Only `and`: one `all` group.
    expect(readFileSync(join(out, "born-before-1998.yaml"), "utf8")).toMatch(/\n  match:\n    all:\n      - \{ type: date_absolute,/);
    // Kept flat, and the file says why; the rules are Ongage's, joining properties included.
    const mixed = readFileSync(join(out, "gmail-readers-with-a-first-name-or-anyone-with-a-last-name.yaml"), "utf8");
    expect(mixed).toContain('# `rules` stays in Ongage\'s flat form: no `match` groups compile to exactly these rules (rules[2] joins with "or" where');
    expect(mixed).not.toContain("match:");
    expect(mixed).toContain("    - { type: string, field: last_name, operator: notempty, condition: or }\n");

    // The exported folder is valid as it stands.
    const report = await validateFolder(out);
    expect(report.diagnostics).toEqual([]);

    // Adopt every definition through the provider itself, in dependency order.
    em.http.clearLog();
    const idsByName = new Map<string, string>();
    for (const c of report.definitions) {
      const spec = replaceReferences(c.definition.spec, (name) => idsByName.get(name)!) as Record<string, unknown>;
      const checked = await segmentProvider.check({}, spec);
      expect(checked.failures ?? []).toEqual([]);
      const inputs = checked.inputs as unknown as CanonicalSegment;
      const { id, outs } = await segmentProvider.create(inputs);
      idsByName.set(c.definition.name, id);
      // The next preview is another provider process: it has no claim from this create (provider/pulumi/claims.ts).
      forgetClaims();
      expect(await segmentProvider.diff(id, outs as SegmentOutputs, inputs)).toEqual({ changes: false, replaces: [] });
      const read = await segmentProvider.read(id, outs as SegmentOutputs);
      expect(read.props).toEqual(outs);
    }
    expect(idsByName.get("vip-openers")).toBe(ids.vip);
    expect(idsByName.get("vip-or-birthdays")).toBe(ids.combined);
    expect(idsByName.get("crm-export")).toBe(ids.crm);
    expect(idsByName.get("gmail-readers-with-a-first-name-or-anyone-with-a-last-name")).toBe(ids.mixed);
    expect(idsByName.size).toBe(205);
    expect(em.http.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it("refuses to overwrite existing files without --force", async () => {
    const out = mkdtempSync(join(tmpdir(), "export-ongage-"));
    writeFileSync(join(out, "crm-export.yaml"), "# mine\n");
    const res = await run("--api", "ongage", "--out", out);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`pulumi-segments export: 1 file already exists; nothing written (use --force to overwrite):\n  ${join(out, "crm-export.yaml")}\n`);
    expect(readdirSync(out)).toEqual(["crm-export.yaml"]);
    expect((await run("--api", "ongage", "--out", out, "--force")).code).toBe(0);
    expect(readFileSync(join(out, "crm-export.yaml"), "utf8")).toContain("external: { insertMissing: true }");
  });

  /** Runs export with `ONGAGE_MAX_RETRIES=0` (a failed request fails at once) and the emulator's quirks or fault policy set for the run only. */
  async function runFailing(setup: () => void, ...argv: string[]) {
    process.env.ONGAGE_MAX_RETRIES = "0";
    setup();
    try {
      return await run(...argv);
    } finally {
      em.setQuirks({});
      em.http.setFaultPolicy(undefined);
      delete process.env.ONGAGE_MAX_RETRIES;
    }
  }

  it("all or none: a listing that cannot be shown complete part-way (offset-base=1, page-cap=100) writes no file and says why", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "export-ongage-")), "segments");
    const res = await runFailing(() => em.setQuirks({ "offset-base": "1", "page-cap": "100" }), "--api", "ongage", "--out", out);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe("");
    expect(existsSync(out)).toBe(false);
    const lines = res.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^pulumi-segments export: ongage listing of segments of the default list could not be shown complete: page 2 repeated row \d+, already received .*\(100 rows received\); nothing was concluded from the partial listing$/);
    expect(lines[1]).toBe(`pulumi-segments export: nothing was written to ${out} (100 segments had been read when the export stopped): export writes every file or none. Run it again once the cause above is fixed.`);
  });

  it("all or none: a segment that cannot be read after others were read leaves an existing folder as it was, even with --force", async () => {
    const out = mkdtempSync(join(tmpdir(), "export-ongage-"));
    writeFileSync(join(out, "crm-export.yaml"), "# mine\n");
    const failing = `/api/segments/${ids.filler150}`;
    const res = await runFailing(() => em.http.setFaultPolicy((req) => (req.method === "GET" && req.path.endsWith(failing) ? { reply: ONGAGE_FAULT_REPLIES.serverError(500) } : undefined)), "--api", "ongage", "--out", out, "--force");
    expect(res.code).toBe(1);
    expect(res.stdout).toBe("");
    expect(readdirSync(out)).toEqual(["crm-export.yaml"]);
    expect(readFileSync(join(out, "crm-export.yaml"), "utf8")).toBe("# mine\n");
    // Segments are read in id order: the ones seeded before filler 150, and 150 fillers.
    const readBefore = Object.keys(ids).filter((k) => k !== "gone" && Number(ids[k]) < Number(ids.filler150)).length;
    expect(res.stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(new RegExp(`^pulumi-segments export: ongage GET .*${failing} → 500`)),
      `pulumi-segments export: nothing was written to ${out} (${readBefore} segments had been read when the export stopped): export writes every file or none. Run it again once the cause above is fixed.`,
    ]);
    expect(readBefore).toBe(155);
  });

  it("all or none: a file that cannot be written puts none in place; a folder in the way is refused before writing", async () => {
    const out = mkdtempSync(join(tmpdir(), "export-ongage-"));
    // Where the file is staged before it is moved into place, something already sits: the write fails.
    const staging = join(out, `.vip-openers.yaml.${process.pid}.tmp`);
    mkdirSync(staging);
    const res = await run("--api", "ongage", "--out", out);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe("");
    expect(res.stderr).toMatch(new RegExp(`^pulumi-segments export: writing ${out}/vip-openers\\.yaml failed \\(EEXIST[^\\n]*\\); nothing was written to ${out}: export writes every file or none\n$`));
    expect(readdirSync(out)).toEqual([`.vip-openers.yaml.${process.pid}.tmp`]);

    rmSync(staging, { recursive: true });
    mkdirSync(join(out, "crm-export.yaml"));
    const blocked = await run("--api", "ongage", "--out", out, "--force");
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toBe(`pulumi-segments export: 1 path is in the way and not a file; nothing written (move it away, --force overwrites files only):\n  ${join(out, "crm-export.yaml")}\n`);
    expect(readdirSync(out)).toEqual(["crm-export.yaml"]);
  });

  it("names the missing credential and exits 1; usage errors exit 2", async () => {
    const password = process.env.ONGAGE_PASSWORD;
    delete process.env.ONGAGE_PASSWORD;
    try {
      const res = await run("--api", "ongage", "--out", mkdtempSync(join(tmpdir(), "export-ongage-")));
      expect(res.code).toBe(1);
      expect(res.stderr).toBe("pulumi-segments export: Missing Ongage password: set environment variable ONGAGE_PASSWORD.\n");
      expect(res.stderr).not.toContain("pulumi config");
    } finally {
      process.env.ONGAGE_PASSWORD = password;
    }
    expect((await run()).stderr).toContain("--api is required: ongage or ants");
    expect((await run("--api", "mailchimp")).code).toBe(2);
    expect((await run("--api", "ants", "--list-id", "3")).stderr).toContain("--list-id applies only to --api ongage");
  });
});

describe("export --api ants", () => {
  let em: AntsEmulator;
  let seededId: number;
  beforeAll(async () => {
    em = await startAntsEmulator({ computeDelayMs: 10 });
    Object.assign(process.env, { ANTS_BASE_URL: em.url, ANTS_AUTH_URL: em.authUrl, ANTS_CLIENT_ID: "emulator-client", ANTS_CLIENT_SECRET: "emulator-secret" });
    delete process.env.ANTS_ACCESS_TOKEN;
    const tok = await token(em);
    seededId = await createSeedSegment(em, tok, "Loyal customers");
  });
  afterAll(() => em.close());

  it("writes what Listing shows, adopt: true, and validate lists exactly what must be filled in", async () => {
    const out = mkdtempSync(join(tmpdir(), "export-ants-"));
    const res = await run("--api", "ants", "--out", out, "--schema", "../schema/segments.schema.json");
    expect(res.code).toBe(0);
    expect(res.stderr).toBe("note: 1 ANTS definition needs file and matchRules filled in: ANTS does not export them. `pulumi-segments validate` lists what is missing.\n");
    expect(res.stdout).toBe(`wrote ${join(out, "loyal-customers.yaml")}\nread 1 ants segment; wrote 1 file to ${out}\n`);
    const text = readFileSync(join(out, "loyal-customers.yaml"), "utf8");
    expect(text).toMatch(/^# yaml-language-server: \$schema=\.\.\/schema\/segments\.schema\.json\n# Exported from ANTS CDP, segment \d+ \("Loyal customers"\)\./);
    expect(text).toContain("# TO DO before `pulumi up`: ANTS cannot export the member file or its rules.");
    expect(text.slice(text.indexOf("kind:"))).toBe(`kind: ants.Segment
name: loyal-customers
spec:
  name: Loyal customers
  audience: customer
  adopt: true
  schedule: { type: static }
`);
    const report = await validateFolder(out);
    expect(report.diagnostics.map((d) => `${d.line}:${d.column} ${d.path}: ${d.message}`)).toEqual([
      '10:1 spec.file: required property "file" is missing',
      '10:1 spec.matchRules: required property "matchRules" is missing',
    ]);

    // The owner fills in the file and its rules, as the to-do says; then the definition adopts the segment.
    writeFileSync(join(out, "loyal.csv"), "id,phone\n1,84900000001\n");
    writeFileSync(join(out, "loyal-customers.yaml"), `${text}  file: { path: loyal.csv }\n  matchRules: [{ column: id, attribute: id }, { column: phone, attribute: phone }]\n`);
    const filled = await validateFolder(out);
    expect(filled.diagnostics).toEqual([]);
    const def = filled.definitions[0]!;
    if (def.definition.kind !== "ants.Segment") throw new Error("expected an ants.Segment");
    const spec = { ...def.definition.spec, file: { path: memberFilePath(def.source.file, def.definition.spec.file.path) } };
    const checked = await antsProvider.check({}, spec);
    expect(checked.failures ?? []).toEqual([]);
    em.http.clearLog();
    const adopted = await antsProvider.create(checked.inputs as unknown as AntsCanonical);
    expect(adopted.id).toBe(String(seededId));
    expect(em.http.requests.map((r) => r.path).filter((p) => p.endsWith("/segment/create"))).toEqual([]);
    expect(em.http.requests.map((r) => r.path).some((p) => p.endsWith("/segment/update"))).toBe(true);
    expect(em.store.allSegments()).toHaveLength(1);
  });
});

describe("export summary", () => {
  const result = (files: number, read: number, flat: number, skipped: string[] = []): ExportResult => ({
    files: Array.from({ length: files }, (_, i) => ({ fileName: `s${i}.yaml`, definition: { kind: "ongage.Segment", name: `s${i}`, spec: {} }, comments: [] })),
    notes: [],
    read,
    skipped,
    flat,
  });

  it("counts what was read and written, and the files that keep flat rules, in singular and plural", () => {
    expect(exportSummary("ongage", result(1, 1, 0), "/x/segments")).toBe("read 1 ongage segment; wrote 1 file to /x/segments; none keeps Ongage's flat `rules`");
    expect(exportSummary("ongage", result(2, 3, 1, ["1 deleted"]), "/x/segments")).toBe("read 3 ongage segments (1 deleted, not exported); wrote 2 files to /x/segments; 1 keeps Ongage's flat `rules` (its note says why)");
    expect(exportSummary("ongage", result(2, 2, 2), "/x/segments")).toBe("read 2 ongage segments; wrote 2 files to /x/segments; 2 keep Ongage's flat `rules` (their notes say why)");
    expect(exportSummary("ants", result(0, 1, 0, ["1 neither customer nor visitor"]), "/x/segments")).toBe("read 1 ants segment (1 neither customer nor visitor, not exported); wrote 0 files to /x/segments");
  });
});

describe("export: the yaml-language-server line points at the package an editor finds", () => {
  const CREDENTIALS = { username: "schema-user", password: "schema-password", accountCode: "SCHEMA" };
  const repoRoot = resolve(__dirname, "..", "..");
  let em: OngageEmulator;
  beforeAll(async () => {
    em = await startOngageEmulator({ credentials: CREDENTIALS, defaultListId: 10000 });
    Object.assign(process.env, { ONGAGE_BASE_URL: em.url, ONGAGE_USERNAME: CREDENTIALS.username, ONGAGE_PASSWORD: CREDENTIALS.password, ONGAGE_ACCOUNT_CODE: CREDENTIALS.accountCode, ONGAGE_REQUESTS_PER_MINUTE: "1000000" });
    delete process.env.ONGAGE_LIST_ID;
    const res = await fetch(`${em.url}/api/segments`, {
      method: "POST",
      headers: { "content-type": "application/json", X_USERNAME: CREDENTIALS.username, X_PASSWORD: CREDENTIALS.password, X_ACCOUNT_CODE: CREDENTIALS.accountCode },
      body: JSON.stringify({ name: "Everyone", type: "Active", criteria: [] }),
    });
    expect(res.status).toBe(200);
  });
  afterAll(() => em.close());

  /** A folder tree with the package installed at `installAt` (relative), as npm lays it out: package.json and schema/. */
  function project(layout: Record<string, string>, installAt: string | undefined): string {
    const root = realpathSync(mkdtempSync(join(tmpdir(), "export-schema-")));
    for (const [file, text] of Object.entries(layout)) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    if (installAt !== undefined) {
      const pkg = join(root, installAt, "node_modules", "pulumi-segments");
      mkdirSync(join(pkg, "schema"), { recursive: true });
      cpSync(join(repoRoot, "package.json"), join(pkg, "package.json"));
      cpSync(join(repoRoot, "schema", "segments.schema.json"), join(pkg, "schema", "segments.schema.json"));
    }
    return root;
  }
  /** Runs export from `cwd`; returns the schema line's path and whether it names a real file, seen from the written file. */
  async function exportFrom(cwd: string, out: string) {
    const saved = process.cwd();
    process.chdir(cwd);
    try {
      const res = await run("--api", "ongage", "--out", out);
      expect(res.code).toBe(0);
      const file = join(resolve(cwd, out), "everyone.yaml");
      const path = /^# yaml-language-server: \$schema=(.+)$/m.exec(readFileSync(file, "utf8"))![1]!;
      return { path, exists: existsSync(resolve(dirname(file), path)), stderr: res.stderr };
    } finally {
      process.chdir(saved);
    }
  }

  it("npm workspace: the package hoisted to the workspace root, export run inside a workspace package", async () => {
    const ws = project({ "package.json": JSON.stringify({ name: "ws", private: true, workspaces: ["packages/*"] }), "packages/infra/package.json": JSON.stringify({ name: "infra", dependencies: { "pulumi-segments": "*" } }) }, ".");
    const r = await exportFrom(join(ws, "packages", "infra"), "segments");
    expect(r).toEqual({ path: "../../../node_modules/pulumi-segments/schema/segments.schema.json", exists: true, stderr: "" });
  });

  it("subfolder: run from a folder below the project, and from the project root into a nested folder", async () => {
    const proj = project({ "package.json": JSON.stringify({ name: "proj", dependencies: { "pulumi-segments": "*" } }), "infra/Pulumi.yaml": "name: infra\n" }, ".");
    expect(await exportFrom(join(proj, "infra"), "segments")).toEqual({ path: "../../node_modules/pulumi-segments/schema/segments.schema.json", exists: true, stderr: "" });
    expect(await exportFrom(proj, "infra/segments/ongage")).toEqual({ path: "../../../node_modules/pulumi-segments/schema/segments.schema.json", exists: true, stderr: "" });
  });

  it("the nearest installation wins (a workspace package with its own copy), and a symlinked install keeps its link path", async () => {
    const ws = project({ "package.json": JSON.stringify({ name: "ws", private: true, workspaces: ["packages/*"] }), "packages/infra/package.json": "{}" }, "packages/infra");
    expect((await exportFrom(ws, "packages/infra/segments")).path).toBe("../node_modules/pulumi-segments/schema/segments.schema.json");
    const linked = project({ "package.json": "{}" }, "store");
    mkdirSync(join(linked, "app", "node_modules"), { recursive: true });
    symlinkSync(join(linked, "store", "node_modules", "pulumi-segments"), join(linked, "app", "node_modules", "pulumi-segments"));
    expect(await exportFrom(join(linked, "app"), "segments")).toEqual({ path: "../node_modules/pulumi-segments/schema/segments.schema.json", exists: true, stderr: "" });
  });

  it("not installed anywhere above the output folder: says so on stderr and points where npm install would put it", async () => {
    const bare = project({ "package.json": "{}" }, undefined);
    const r = await exportFrom(bare, "segments");
    expect(r.path).toBe("../node_modules/pulumi-segments/schema/segments.schema.json");
    expect(r.exists).toBe(false);
    expect(r.stderr).toBe(`note: pulumi-segments is not installed in segments or any folder above it; the yaml-language-server lines point at ../node_modules/pulumi-segments/schema/segments.schema.json (install the package there, or pass --schema)\n`);
  });
});
