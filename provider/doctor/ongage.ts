import { ConfigurationError } from "../http/errors";
import { OngageClient, ongageClientOptions, ongageDefaultListId } from "../ongage/index";
import { campaignStatusFinding, listFieldsFinding, rateLimitRow } from "./ongage-account";
import { observeErrors } from "./ongage-errors";
import { observeAccess, observeListing } from "./ongage-listing";
import { OngageProbe, messageOf } from "./ongage-probe";
import { ONGAGE_ROWS, ONGAGE_WRITE_ROWS, guarded, notObserved, type OngageRowKey } from "./ongage-rows";
import { observeSegments } from "./ongage-segment";
import { createScratch, deleteScratch, exerciseScratch, type Scratch } from "./ongage-write";
import type { Observation } from "./observation";

/** What `pulumi-segments doctor --api ongage` observes; credentials and settings come from `env`. */
export interface OngageDoctorInput {
  /**
   * The environment the settings come from: the provider's settings readers (provider/ongage/settings.ts)
   * read the process environment, so this must be `process.env` (the CLI passes it).
   */
  env: NodeJS.ProcessEnv;
  /** Create, read back, update, count and delete a scratch segment in `listId`. */
  write: boolean;
  /** The list to observe; default ONGAGE_LIST_ID, else the account's default list (read-only only). */
  listId?: number;
}

/**
 * Observes what docs/api/ongage.md and docs/api/ongage-mailings.md assume, one row per assumption
 * (ONGAGE_ROWS order). Read-only (GETs only) unless `write`: then a scratch segment is created first
 * (so the reads see it), changed, counted, and deleted in a `finally`, whatever failed before.
 * Rows that could not be observed are "unknown" and say why; nothing here throws for what the
 * account answers, only for settings that are missing or invalid (ConfigurationError).
 */
export async function ongageDoctor(input: OngageDoctorInput): Promise<Observation[]> {
  if (input.env !== process.env) throw new ConfigurationError("ongageDoctor reads its settings from the process environment: pass process.env as env");
  const listId = input.listId ?? ongageDefaultListId();
  if (input.write && listId === undefined) throw new ConfigurationError("doctor --write creates a scratch segment in a list: pass --list N or set ONGAGE_LIST_ID");
  const client = new OngageClient(ongageClientOptions());
  const probe = new OngageProbe(client, listId);

  const access = await observeAccess(probe);
  if (!access.ok) {
    const rest = (Object.keys(ONGAGE_ROWS) as OngageRowKey[]).filter((k) => k !== "access" && (input.write || !ONGAGE_WRITE_ROWS.includes(k)));
    return [access.row, ...notObserved(rest, "the list's segment listing could not be read (see ongage.access)")];
  }
  const rows: Observation[] = [access.row];
  let scratch: Scratch | undefined;
  let failure: { err: unknown } | undefined;
  try {
    if (input.write && listId !== undefined) {
      const created = await createScratch(client, listId);
      scratch = created.scratch;
      rows.push(created.row);
    }
    const listing = await observeListing(probe);
    rows.push(...listing.rows);
    rows.push(await guarded("listFields", () => listFieldsFinding(probe)));
    const listed = listing.facts.ids ?? listing.facts.firstPage.map((s) => String(s.id));
    const sampleIds = scratch?.id === undefined ? listed : [scratch.id, ...listed.filter((id) => id !== scratch?.id)];
    rows.push(...(await observeSegments(probe, sampleIds)));
    rows.push(...(await observeErrors(probe)));
    rows.push(await guarded("campaignStatus", () => campaignStatusFinding(probe)));
    if (scratch?.id !== undefined) rows.push(...(await exerciseScratch(client, { ...scratch, id: scratch.id })));
    else if (input.write) rows.push(...notObserved(["readBack", "update", "count", "delete"], "no scratch segment was created (see ongage.write.create)"));
  } catch (err) {
    failure = { err };
  }
  // The scratch segment is deleted whatever failed above; deleteScratch never throws, its row says how it went.
  if (scratch?.id !== undefined) {
    const deleted = await deleteScratch(client, { ...scratch, id: scratch.id });
    rows.push(deleted);
    if (failure) throw new Error(`doctor stopped: ${messageOf(failure.err)}; ${deleted.observed}`, { cause: failure.err });
  }
  if (failure) throw failure.err;
  rows.push(rateLimitRow(probe));
  const order = Object.keys(ONGAGE_ROWS).map((k) => ONGAGE_ROWS[k as OngageRowKey].id as string);
  return rows.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
}
