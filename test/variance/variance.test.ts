import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANTS_QUIRKS, type AntsEmulator, startAntsEmulator } from "../../emulators/ants/server";
import { ONGAGE_QUIRKS, type OngageEmulator, startOngageEmulator } from "../../emulators/ongage/server";
import type { ProviderHost } from "../../driver";
import { serializedProvider, startEngine } from "../lifecycle/harness";
import { CREDS, LIST, ongageConfig, ongageInvariants, ongageLifecycle, OTHER_LIST, startOngageRun } from "./ongage-lifecycle";
import { antsConfig, antsInvariants, antsLifecycle, CLIENT, FOREIGN_CLIENT, startAntsRun } from "./ants-lifecycle";
import { runRecorded, summary } from "./outcome";

// The API-variance suite (docs/api/variance.md): a full lifecycle through the SDK's provider host under
// each variance switch of the emulators. Each run either works or stops with a named error; it never
// duplicates, loses or empties state, touches a foreign segment, or unschedules a campaign.

/** Every non-default value of every switch; paging switches also cap pages at 1 row so paging happens. */
function cases(catalog: Record<string, { values: readonly string[] }>, paging: Record<string, string>): Array<{ label: string; quirks: Record<string, string> }> {
  const out = [{ label: "documented", quirks: {} as Record<string, string> }];
  for (const [name, def] of Object.entries(catalog)) {
    for (const value of def.values.slice(1)) {
      const v = value === "<n>" ? "1" : value;
      const extra = paging[name] ? { [paging[name]!]: "1" } : {};
      out.push({ label: `${name}=${v}${Object.keys(extra).length ? ` (with ${Object.keys(extra)[0]}=1)` : ""}`, quirks: { [name]: v, ...extra } });
    }
  }
  return out;
}

let ongage: OngageEmulator;
let ongageProvider: string;
let ants: AntsEmulator;
let antsProvider: string;
let dir: string;

// One emulator per API for the whole suite (2 cores): switches change at run time. Each case gets its
// own provider host, as each `pulumi up` is its own process: the provider keeps per-process caches
// (the root check, Listing read once per process) that must not carry answers across switches.
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "variance-"));
  [ongage, ants] = await Promise.all([
    startOngageEmulator({ credentials: CREDS, defaultListId: LIST, lists: [{ id: LIST }, { id: OTHER_LIST }], population: { size: 0 } }),
    startAntsEmulator({ clients: [CLIENT, FOREIGN_CLIENT], computeDelayMs: 0 }),
  ]);
  [ongageProvider, antsProvider] = await Promise.all([serializedProvider("ongageSegment"), serializedProvider("antsSegment")]);
});
afterAll(async () => {
  console.log(summary());
  await Promise.all([ongage?.close(), ants?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ongageCases = cases(ONGAGE_QUIRKS, { "offset-base": "page-cap", "listing-total": "page-cap" });
const antsCases = cases(ANTS_QUIRKS, { "page-base": "page-cap", "listing-total": "page-cap" });
/** Round k runs the k-th Ongage case and the k-th ANTS case at the same time, on one fresh provider host. */
const rounds = Array.from({ length: Math.max(ongageCases.length, antsCases.length) }, (_, k) => ({
  name: [ongageCases[k] && `ongage ${ongageCases[k].label}`, antsCases[k] && `ants ${antsCases[k].label}`].filter(Boolean).join(" · "),
  ongageCase: ongageCases[k],
  antsCase: antsCases[k],
}));

async function ongageCase(host: ProviderHost, adoptHost: ProviderHost, { label, quirks }: { label: string; quirks: Record<string, string> }): Promise<void> {
  ongage.reset();
  const run = startOngageRun(ongage);
  ongage.setQuirks(quirks);
  try {
    const outcome = await runRecorded("ongage", label, () => ongageLifecycle({ emu: ongage, host, adoptHost, provider: ongageProvider, label: label.replace(/\W+/g, "-") }, run), () => ongageInvariants(ongage, run));
    if (label === "documented") expect(outcome, `the documented behaviour must work: ${JSON.stringify(outcome)}`).toEqual({ kind: "works" });
  } finally {
    ongage.setQuirks({});
  }
}

async function antsCase(host: ProviderHost, adoptHost: ProviderHost, { label, quirks }: { label: string; quirks: Record<string, string> }): Promise<void> {
  ants.reset();
  const run = await startAntsRun(ants);
  ants.setQuirks(quirks);
  try {
    const outcome = await runRecorded("ants", label, () => antsLifecycle({ emu: ants, host, adoptHost, provider: antsProvider, dir, label: label.replace(/\W+/g, "-") }, run), () => antsInvariants(ants, run));
    if (label === "documented") expect(outcome, `the documented behaviour must work: ${JSON.stringify(outcome)}`).toEqual({ kind: "works" });
  } finally {
    ants.setQuirks({});
  }
}

describe("lifecycle under each variance switch (works, or stops with a named error; never a silent wrong answer)", () => {
  it.each(rounds)("$name", async ({ ongageCase: o, antsCase: a }) => {
    const config = { ...ongageConfig(ongage), ...antsConfig(ants) };
    // The adoption of the exported files is another project's `pulumi up`: another provider process,
    // which has not seen the first stack's segments (provider/pulumi/claims.ts).
    const [{ host }, { host: adoptHost }] = await Promise.all([startEngine(config), startEngine(config)]);
    try {
      const results = await Promise.allSettled([o && ongageCase(host, adoptHost, o), a && antsCase(host, adoptHost, a)]);
      const failed = results.flatMap((r, i) => (r.status === "rejected" ? [`${i === 0 ? "ongage" : "ants"}: ${(r.reason as Error).message}`] : []));
      if (failed.length > 0) throw new Error(failed.join("\n\n"));
    } finally {
      await adoptHost.close();
      await host.close();
    }
  });
});
