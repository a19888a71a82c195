import { z } from "zod";
import { MAILING_STATUSES, WireListField, WireMailing, campaignStatus, ongageEnvelope } from "../ongage/index";
import { PLEASE_REPORT, fine, ongageRow, refuses, report, unknown, type Finding } from "./ongage-rows";
import type { Observation } from "./observation";
import { describeAnswer, isRecord, typeWord, type OngageProbe } from "./ongage-probe";

const FieldsPage = ongageEnvelope(z.array(WireListField));
const MailingsPage = ongageEnvelope(z.array(WireMailing));
const FIELD_TYPES = new Set(["email", "string", "date", "numeric"]);
/** Field names shown in a row before "and N more". */
const FIELDS_SHOWN = 15;
/** Campaigns read for their status: pages of CAMPAIGN_PAGE, at most CAMPAIGN_PAGES of them. */
const CAMPAIGN_PAGE = 200;
const CAMPAIGN_PAGES = 5;

/** The list's fields: names and types (never values), and the type of the listing's total. */
export async function listFieldsFinding(probe: OngageProbe): Promise<Finding> {
  const a = await probe.get("/api/list_fields", { limit: 1000 });
  if (a.kind !== undefined) return unknown(describeAnswer(a), "the list's fields could not be read, so rules that name fields cannot be resolved either; run doctor again");
  const parsed = FieldsPage.safeParse(a.body);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    return refuses(`${describeAnswer(a)}: ${i?.path.join(".") || "body"}: ${i?.message ?? "invalid"}`, "rules that name a list field fail: the provider cannot resolve field names to ids");
  }
  const fields = parsed.data.payload;
  const total = isRecord(a.body) && isRecord(a.body.metadata) ? a.body.metadata.total : undefined;
  const shown = fields.slice(0, FIELDS_SHOWN).map((f) => `${f.name} (${f.type ?? "no type"})`).join(", ");
  const more = fields.length > FIELDS_SHOWN ? ` and ${fields.length - FIELDS_SHOWN} more` : "";
  const seen = `${fields.length} field(s) in ${probe.list}: ${shown}${more}; total ${typeWord(total)}`;
  const odd = fields.filter((f) => !FIELD_TYPES.has(f.type ?? ""));
  if (odd.length > 0) {
    return report(`${seen}; types outside email, string, date, numeric: ${odd.map((f) => `${f.name} (${f.type ?? "no type"})`).join(", ")}`, `rules on these fields are sent with the type the definition gives; ${PLEASE_REPORT}`);
  }
  if (typeof total !== "number") return report(seen, `the provider does not rely on this total; ${PLEASE_REPORT} (ongage.md §2 documents a number)`);
  if (fields.length === 0) return unknown(`${probe.list} answered no fields`, "rules that name a list field cannot be resolved; check the list");
  return fine(seen, "rules that name these fields resolve to their ids");
}

/**
 * The status codes of the list's campaigns (at most CAMPAIGN_PAGES × CAMPAIGN_PAGE, newest pages
 * first as the API orders them), read with the provider's own status rule (`campaignStatus`).
 */
export async function campaignStatusFinding(probe: OngageProbe): Promise<Finding> {
  const tally = new Map<string, number>();
  const textual = new Set<string>();
  const undocumented = new Set<string>();
  let read = 0;
  let total: unknown;
  for (let p = 0; p < CAMPAIGN_PAGES; p++) {
    const a = await probe.get("/api/mailings", { offset: read, limit: CAMPAIGN_PAGE });
    if (a.kind !== undefined) return unknown(describeAnswer(a), "the campaigns could not be read; the provider's delete guard reads each campaign of a segment and would stop the same way");
    const parsed = MailingsPage.safeParse(a.body);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      return refuses(`${describeAnswer(a)}: ${i?.path.join(".") || "body"}: ${i?.message ?? "invalid"}`, "the provider cannot read campaigns, so it refuses deletes of segments that campaigns use");
    }
    if (p === 0) total = isRecord(a.body) && isRecord(a.body.metadata) ? a.body.metadata.total : undefined;
    for (const m of parsed.data.payload) {
      const status = campaignStatus(m.status ?? undefined, m.status_desc ?? undefined);
      const raw = (m.status ?? "").trim();
      const label = status?.code !== undefined && status.code in MAILING_STATUSES ? `${status.code} ${MAILING_STATUSES[status.code]}` : raw === "" ? "no status" : `unknown status ${/^\d+$/.test(raw) ? raw : JSON.stringify(raw)}`;
      tally.set(label, (tally.get(label) ?? 0) + 1);
      if (status === undefined || !(status.code !== undefined && status.code in MAILING_STATUSES)) undocumented.add(label);
      else if (raw !== status.code) textual.add(`${JSON.stringify(raw)} for ${status.code}`);
    }
    read += parsed.data.payload.length;
    if (parsed.data.payload.length < CAMPAIGN_PAGE) break;
  }
  const counts = [...tally].sort().map(([label, n]) => `${label} ×${n}`).join(", ");
  const sample = read === CAMPAIGN_PAGE * CAMPAIGN_PAGES ? ` (the first ${read}${typeof total === "string" || typeof total === "number" ? ` of ${total}` : ""})` : "";
  if (read === 0) return fine(`${probe.list} has no campaigns`, "no campaign status can keep a segment in use");
  const seen = `${read} campaign(s)${sample}: ${counts}`;
  if (undocumented.size > 0) {
    return refuses(`${seen}; outside the documented codes: ${[...undocumented].join(", ")}`, "the provider counts a campaign with an undocumented status as using its segments: it will refuse deletes (and replacements) of segments those campaigns use");
  }
  if (textual.size > 0) return report(`${seen}; \`status\` as text: ${[...textual].join(", ")}`, `the provider maps a documented status text to its code, so this works; ${PLEASE_REPORT}`);
  return fine(seen, "the provider's in-use rule knows every status in use");
}

/** The rate-limit headers seen on every answer so far. */
export function rateLimitRow(probe: OngageProbe): Observation {
  if (probe.rateLimitHeaders.size === 0) {
    return ongageRow("rateLimitHeaders", fine(`none of the ${probe.answers} answers carried a rate-limit header`, "the provider keeps to the documented quota on its own (ONGAGE_REQUESTS_PER_MINUTE, ONGAGE_MAX_CONCURRENCY)"));
  }
  const seen = [...probe.rateLimitHeaders].map(([k, v]) => `${k}: ${v}`).join("; ");
  return ongageRow("rateLimitHeaders", report(`headers seen: ${seen}`, `the provider does not read them (only Retry-After on a 429) and keeps to the documented quota; ${PLEASE_REPORT} so it can use them`));
}
