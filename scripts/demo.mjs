// The main job: start both emulators (state in .pulumi-demo/), then apply the root Pulumi project
// (Pulumi.yaml's `main`, examples/yaml-folder) to them: with the Pulumi CLI when it is on PATH, otherwise through the SDK's own
// dynamic-provider host over gRPC (driver/), exactly the calls the engine would make. Then show what the
// emulators store and prove the next preview is empty. Exit code 1 on any error.
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// PULUMI_SEGMENTS_DEMO_DIR: where state, the planned edit and review.md go (default .pulumi-demo/);
// PULUMI_SEGMENTS_DEMO_PORTS: "ongage,ants" ("0,0" picks free ports; test/review/readme.test.ts does).
const demoDir = resolve(process.env.PULUMI_SEGMENTS_DEMO_DIR ?? join(root, ".pulumi-demo"));
mkdirSync(demoDir, { recursive: true });
/** demoDir as the messages name it. */
const shownDir = demoDir === join(root, ".pulumi-demo") ? ".pulumi-demo" : demoDir;

const { startEmulators } = require(join(root, "dist/emulators/index.js"));
const { Engine, ProviderHost, loadState, previewDigest, saveState, runProgramModule, narrateOutputs, narratePreview, narrateRefresh, narrateReview, narrateUp } = require(join(root, "build/driver/index.js"));

const projectFile = require("yaml").parse(readFileSync(join(root, "Pulumi.yaml"), "utf8"));
const PROJECT = projectFile.name;
const MAIN = join(root, projectFile.main ?? ".", "index.ts");
const [ongagePort, antsPort] = (process.env.PULUMI_SEGMENTS_DEMO_PORTS ?? "18480,18481").split(",").map(Number);
const PORTS = { ongage: ongagePort, ants: antsPort };
// The Ongage emulator's clock stands still at this instant, so its contacts, relative dates and counts
// (the audiences in review.md, and the README's example of it) are the same on every run and every day.
const ONGAGE_CLOCK = Date.parse("2026-12-01T09:00:00Z");
const CREDS = {
  ONGAGE_USERNAME: "emulator",
  ONGAGE_PASSWORD: "emulator-password",
  ONGAGE_ACCOUNT_CODE: "EMULATOR",
  ONGAGE_LIST_ID: "10000",
  ANTS_CLIENT_ID: "emulator-client",
  ANTS_CLIENT_SECRET: "emulator-secret",
};
for (const [k, v] of Object.entries(CREDS)) process.env[k] ??= v;

const log = (s = "") => process.stdout.write(`${s}\n`);

async function main() {
  const emulators = await startEmulators({ statePath: join(demoDir, "emulators.json"), ongagePort: PORTS.ongage, antsPort: PORTS.ants, ongageNow: () => ONGAGE_CLOCK });
  log(`emulators: ${JSON.stringify(emulators.urls)}`);
  let ok = false;
  try {
    const cli = hasPulumiCli();
    ok = cli ? applyWithCli() : await applyWithProviderHost(emulators.urls);
    await showStored(emulators.urls);
    if (ok) ok = await reviewPlannedEdit(emulators.urls, cli);
  } finally {
    await emulators.close();
  }
  if (!ok) process.exitCode = 1;
}

function hasPulumiCli() {
  return spawnSync("pulumi", ["version"], { stdio: "ignore" }).status === 0;
}

function applyWithCli() {
  log("Pulumi CLI found: pulumi up on the root project with a local file backend.");
  const env = { ...process.env, PULUMI_BACKEND_URL: `file://${join(demoDir, "backend")}`, PULUMI_CONFIG_PASSPHRASE: "" };
  mkdirSync(join(demoDir, "backend"), { recursive: true });
  const run = (...args) => spawnSync("pulumi", args, { cwd: root, env, stdio: "inherit" }).status === 0;
  return (
    (run("stack", "select", "demo", "--non-interactive") || run("stack", "init", "demo", "--non-interactive")) &&
    run("up", "--yes", "--non-interactive", "--stack", "demo") &&
    run("preview", "--expect-no-changes", "--non-interactive", "--stack", "demo")
  );
}

async function applyWithProviderHost(urls) {
  log(`The Pulumi CLI is not on PATH: applying the same program (${projectFile.main}) through the SDK's`);
  log(`provider host (@pulumi/pulumi/cmd/dynamic-provider) over gRPC, as the engine would. State: ${shownDir}/state.json`);
  const statePath = join(demoDir, "state.json");
  const config = demoConfig(urls);
  // The host runs in the project directory (where Pulumi.yaml is), like `pulumi up` would.
  const host = await ProviderHost.start({ cwd: root, project: PROJECT });
  try {
    await host.configure(config);
    const engine = new Engine({ host, project: PROJECT, stack: "demo", state: loadState(statePath) });
    const program = MAIN;
    return await applyAndCheck(engine, program, statePath);
  } finally {
    await host.close();
  }
}

function demoConfig(urls) {
  return {
    "ongage:baseUrl": urls.ongage,
    "ongage:username": process.env.ONGAGE_USERNAME,
    "ongage:password": process.env.ONGAGE_PASSWORD,
    "ongage:accountCode": process.env.ONGAGE_ACCOUNT_CODE,
    "ongage:listId": process.env.ONGAGE_LIST_ID,
    "ants:baseUrl": urls.ants,
    "ants:authUrl": urls.antsAuth,
    "ants:clientId": process.env.ANTS_CLIENT_ID,
    "ants:clientSecret": process.env.ANTS_CLIENT_SECRET,
  };
}

async function applyAndCheck(engine, program, statePath) {
  const started = Date.now();
  const up = await runProgramModule(engine, program, { mode: "up" });
  saveState(statePath, engine.state);
  const typeOf = (urn) => urn.split("::").at(-2);
  log(`\n${narrateUp(up.steps, up.errors, Date.now() - started, typeOf)}`);
  printSteps(up.steps);
  if (up.programError) log(`program error: ${up.programError.message}`);
  for (const e of up.errors) log(`error: ${e.urn.split("::").pop()} (${e.phase}): ${e.message}`);
  if (up.errors.length > 0 || up.programError) return false;

  // The state before the refresh, to tell which properties the refresh changed.
  const beforeRefresh = structuredClone(engine.state);
  const refresh = await engine.refresh();
  saveState(statePath, engine.state);
  const created = new Set(up.steps.filter((s) => s.op === "create" || s.op === "replace").map((s) => s.urn));
  log("");
  for (const line of narrateRefresh(beforeRefresh, refresh, created)) log(line);

  const preview = await runProgramModule(engine, program, { mode: "preview" });
  log(`\n${narratePreview(preview.steps, preview.errors)}`);
  const pending = preview.steps.filter((s) => s.op !== "same");
  for (const s of pending) log(`  ${s.op.padEnd(8)} ${s.urn.split("::").slice(-2).join("::")} ${s.replaces.length ? `(replaces ${s.replaces.join(", ")})` : ""}`);
  for (const e of preview.errors) log(`error: ${e.urn.split("::").pop()} (${e.phase}): ${e.message}`);
  const outputs = narrateOutputs(up.outputs);
  if (outputs !== undefined) log(`\n${outputs}`);
  return pending.length === 0 && preview.errors.length === 0 && refresh.errors.length === 0;
}

function printSteps(steps) {
  for (const s of steps) log(`  ${s.op.padEnd(8)} ${s.urn.split("::").slice(-2).join("::")}${s.error ? `  ERROR ${s.error}` : ""}`);
}

async function showStored(urls) {
  const headers = { X_USERNAME: process.env.ONGAGE_USERNAME, X_PASSWORD: process.env.ONGAGE_PASSWORD, X_ACCOUNT_CODE: process.env.ONGAGE_ACCOUNT_CODE };
  const res = await fetch(`${urls.ongage}/${process.env.ONGAGE_LIST_ID}/api/segments?limit=1000`, { headers });
  const body = await res.json();
  log(`\nOngage emulator, list ${process.env.ONGAGE_LIST_ID}: ${body.metadata?.total ?? 0} segments`);
  for (const s of body.payload ?? []) log(`  ${String(s.id).padEnd(8)} ${s.name}`);

  const tokenRes = await fetch(`${urls.antsAuth}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: process.env.ANTS_CLIENT_ID, client_secret: process.env.ANTS_CLIENT_SECRET, scope: "segment" }),
  });
  const { accessToken } = await tokenRes.json();
  const listing = await fetch(`${urls.ants}/segment/listing`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ page: 1, limit: 100, columns: ["segment_id", "segment_display", "item_type_id", "update_method", "process_status"] }),
  });
  const ants = await listing.json();
  log(`ANTS emulator: ${ants.data?.meta?.total ?? 0} segments`);
  for (const s of ants.data?.entries ?? []) log(`  ${String(s.segment_id).padEnd(8)} ${s.segment_display} (${s.item_type_id === -1003 ? "customer" : "visitor"}, ${s.update_method})`);
}

// ---- The ending: the review of a planned edit, as a pull request would show it ----------------

/**
 * A copy of the root project's definitions with the edits of a typical pull request: a time window
 * shortened, a rule added, an ANTS schedule changed, a recipient added and an external segment's
 * setting changed (a replacement, whose segment a scheduled campaign uses). Nothing in the repository
 * is modified.
 */
function planEdit() {
  const planned = join(demoDir, "planned");
  rmSync(planned, { recursive: true, force: true });
  cpSync(join(root, projectFile.main), planned, { recursive: true });
  const edit = (file, from, to) => {
    const path = join(planned, "segments", file);
    const text = readFileSync(path, "utf8");
    if (!text.includes(from)) throw new Error(`demo edit: ${file} has no ${JSON.stringify(from)}`);
    writeFileSync(path, text.replace(from, to));
  };
  edit("ongage-engagement.yaml", "countries: [US, GB]", "countries: [US]");
  edit("ongage-engagement.yaml", "          - { type: string, field: address, operator: notempty }", "          - { type: string, field: address, operator: notempty }\n      - { type: date_absolute, field: birthdate, operator: \"<\", values: [\"2000-01-01\"] }");
  edit("ongage-crm-export.yaml", "external: { insertMissing: false }", "external: { insertMissing: true }");
  edit("ongage-crm-export.yaml", "      - { email: jane.doe2@example.com, first_name: Jane, last_name: Doe-2 }", "      - { email: jane.doe2@example.com, first_name: Jane, last_name: Doe-2 }\n      - { email: john.roe@example.com, first_name: John, last_name: Roe }");
  edit("ants-launch.yaml", "repeat: { every: 1, unit: days }", "repeat: { every: 12, unit: hours }");
  // The member file stays the one the stack uses (same path, same bytes).
  edit("ants-launch.yaml", "file: { path: launch-customers.csv }", `file: { path: ${JSON.stringify(relativePosix(join(planned, "segments"), join(root, projectFile.main, "segments", "launch-customers.csv")))} }`);
  return planned;
}

function relativePosix(from, to) {
  return require("node:path").relative(from, to).split("\\").join("/");
}

/** A campaign scheduled on the CRM segment (POST /api/mailings), so the review has a campaign to warn about. */
async function scheduleCampaign(urls) {
  const headers = { X_USERNAME: process.env.ONGAGE_USERNAME, X_PASSWORD: process.env.ONGAGE_PASSWORD, X_ACCOUNT_CODE: process.env.ONGAGE_ACCOUNT_CODE, "content-type": "application/json" };
  const base = `${urls.ongage}/${process.env.ONGAGE_LIST_ID}/api`;
  const segments = (await (await fetch(`${base}/segments?limit=1000`, { headers })).json()).payload ?? [];
  const crm = segments.find((s) => s.name === "CRM export");
  if (!crm) return;
  const existing = (await (await fetch(`${base}/mailings?limit=1000`, { headers })).json()).payload ?? [];
  if (existing.some((m) => m.name === "Weekly CRM newsletter" && m.status === "60002")) return;
  await fetch(`${base}/mailings`, {
    method: "POST",
    headers,
    body: JSON.stringify({ name: "Weekly CRM newsletter", email_message: [27], segments: [Number(crm.id)], distribution: [{ esp_connection_id: 60133, percent: 100 }], schedule_date: Math.floor(ONGAGE_CLOCK / 1000) + 7 * 86_400 }),
  });
}

async function reviewPlannedEdit(urls, cli) {
  log("\n---- Review of a planned edit (what a pull request would show) ----");
  const planned = planEdit();
  await scheduleCampaign(urls);
  const digestPath = join(demoDir, "preview.json");
  if (cli) {
    const env = { ...process.env, PULUMI_BACKEND_URL: `file://${join(demoDir, "backend")}`, PULUMI_CONFIG_PASSPHRASE: "" };
    writeFileSync(join(planned, "Pulumi.yaml"), readFileSync(join(root, "Pulumi.yaml"), "utf8").replace(/^main: .*$/m, "main: ."));
    const r = spawnSync("pulumi", ["preview", "--json", "--non-interactive", "--stack", "demo"], { cwd: planned, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    writeFileSync(digestPath, r.stdout);
    log(`pulumi preview --json of ${shownDir}/planned → ${shownDir}/preview.json`);
  } else {
    const host = await ProviderHost.start({ cwd: root, project: PROJECT });
    try {
      await host.configure(demoConfig(urls));
      const engine = new Engine({ host, project: PROJECT, stack: "demo", state: loadState(join(demoDir, "state.json")) });
      const preview = await runProgramModule(engine, join(planned, "index.ts"), { mode: "preview" });
      writeFileSync(digestPath, `${JSON.stringify(previewDigest(engine.state, preview, { config: demoConfig(urls), secretConfig: ["ongage:password", "ants:clientSecret"] }), null, 4)}\n`);
      log(`preview of ${shownDir}/planned through the provider host → ${shownDir}/preview.json (the document \`pulumi preview --json\` prints)`);
    } finally {
      await host.close();
    }
  }
  const env = { ...process.env, ONGAGE_BASE_URL: urls.ongage, ANTS_BASE_URL: urls.ants, ANTS_AUTH_URL: urls.antsAuth };
  const cliMain = join(root, "dist/cli/main.js");
  const project = cli ? planned : root;
  // The emulators run in this process: the review runs asynchronously so they can answer it.
  const review = (...args) => promisify(execFile)(process.execPath, [cliMain, "review", digestPath, "--live", "--project", project, ...args], { env, encoding: "utf8" })
    .then((r) => ({ ok: true, ...r }), (err) => ({ ok: false, stdout: err.stdout ?? "", stderr: err.stderr ?? String(err) }));
  const [md, text, json] = await Promise.all([review(), review("--format", "text"), review("--format", "json")]);
  writeFileSync(join(demoDir, "review.md"), md.stdout);
  log(`$ npx pulumi-segments review ${shownDir}/preview.json --live --format text   (Markdown for the PR comment: ${shownDir}/review.md)\n`);
  process.stdout.write(text.stdout);
  const ok = text.ok && md.ok && json.ok;
  if (!ok) process.stdout.write(text.stderr || md.stderr || json.stderr);
  else log(`\n${narrateReview(JSON.parse(json.stdout))}`);
  return ok;
}

main().catch((err) => {
  console.error(err?.stack ?? String(err));
  process.exit(1);
});
