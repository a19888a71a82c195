/**
 * Ongage campaigns (mailings) as the emulator models them (ongage-mailings.md): the status table,
 * the stored shape (scalars as the API's strings), the account's ESP connections, and which
 * status changes each route allows. No HTTP and no store access here.
 */

/** Status code → status_desc (ongage-mailings.md §5, documented). */
export const MAILING_STATUSES = {
  "60001": "New",
  "60002": "Scheduled",
  "60003": "In progress",
  "60004": "Completed",
  "60005": "Error",
  "60006": "Cancelled",
  "60007": "Deleted",
  "60008": "Completed with errors",
  "60009": "On hold",
  "60010": "Stopped",
} as const;

export type MailingStatusCode = keyof typeof MAILING_STATUSES;
export type MailingStatusDesc = (typeof MAILING_STATUSES)[MailingStatusCode];

export const STATUS = {
  new: "60001",
  scheduled: "60002",
  inProgress: "60003",
  completed: "60004",
  error: "60005",
  cancelled: "60006",
  deleted: "60007",
  completedWithErrors: "60008",
  onHold: "60009",
  stopped: "60010",
} as const satisfies Record<string, MailingStatusCode>;

/** ASSUMED (ongage-mailings.md §5): the states a segment delete can still affect, i.e. "in use". */
export const IN_USE_STATUSES: readonly MailingStatusCode[] = [STATUS.new, STATUS.scheduled, STATUS.inProgress, STATUS.onHold];

/** ASSUMED: only campaigns that have not started can be edited, scheduled or cancelled. */
export const EDITABLE_STATUSES: readonly MailingStatusCode[] = [STATUS.new, STATUS.scheduled];
/** ASSUMED: cancel applies to campaigns that have not finished sending and are not sending right now. */
export const CANCELLABLE_STATUSES: readonly MailingStatusCode[] = [STATUS.new, STATUS.scheduled, STATUS.onHold];

/** A status given as its code ("60002") or its description ("Scheduled"), case-insensitively. */
export function statusCode(status: string): MailingStatusCode {
  if (status in MAILING_STATUSES) return status as MailingStatusCode;
  const entry = Object.entries(MAILING_STATUSES).find(([, desc]) => desc.toLowerCase() === status.toLowerCase());
  if (!entry) throw new Error(`unknown campaign status ${JSON.stringify(status)} (codes 60001-60010 or ${Object.values(MAILING_STATUSES).join(", ")})`);
  return entry[0] as MailingStatusCode;
}

export interface EspConnection {
  id: number;
  esp_id: number;
  name: string;
}

/**
 * ASSUMED: the account's ESP connections. The ids are the ones the documented examples use
 * (create body 12345, single campaign 11058 "Dyn", behavioral rules 60128-60387), so every example
 * validates; campaigns' distribution and contacts' events use them.
 */
export const ESP_CONNECTIONS: readonly EspConnection[] = [
  { id: 11058, esp_id: 10, name: "Dyn" },
  { id: 12345, esp_id: 12, name: "SMTP Relay" },
  { id: 60128, esp_id: 31, name: "Amazon SES" },
  { id: 60129, esp_id: 22, name: "SparkPost" },
  { id: 60133, esp_id: 24, name: "SendGrid" },
  { id: 60367, esp_id: 27, name: "Mailgun" },
  { id: 60387, esp_id: 33, name: "Postmark" },
];

export interface MailingSegmentRef {
  segment_id: string;
  /** "1": the campaign goes to everyone except this segment's contacts. */
  exclude: "0" | "1";
}

export interface MailingDistribution {
  esp_connection_id: string;
  percent: string;
}

/** A campaign as stored: every scalar in the API's string form. */
export interface StoredMailing {
  id: string;
  type: "campaign";
  list_id: string;
  is_test: "0" | "1";
  /** Unix time as a string; "0" when not scheduled. */
  schedule_date: string;
  name: string;
  description: string;
  status: MailingStatusCode;
  status_date: string;
  created: string;
  modified: string;
  deleted: "0" | "1";
  segments: MailingSegmentRef[];
  distribution: MailingDistribution[];
  email_message: string[];
}

/** Why a status change was refused: the route answers 400 with this text. */
export class MailingStateError extends Error {}

export function describeStatus(code: MailingStatusCode): MailingStatusDesc {
  return MAILING_STATUSES[code];
}

/** True when a campaign in this status still depends on its segments (New, Scheduled, In progress, On hold). */
export function isInUse(m: Pick<StoredMailing, "status" | "deleted">): boolean {
  return m.deleted === "0" && IN_USE_STATUSES.includes(m.status);
}

function refuse(m: StoredMailing, action: string, allowed: readonly MailingStatusCode[]): never {
  const names = allowed.map((c) => MAILING_STATUSES[c]).join(" or ");
  throw new MailingStateError(`campaign ${m.id} is ${MAILING_STATUSES[m.status]} (${m.status}); only ${names} campaigns can be ${action}`);
}

/** The status `PUT …/unschedule` leads to: Scheduled → New (ASSUMED: back to a draft). */
export function afterUnschedule(m: StoredMailing): MailingStatusCode {
  if (m.status !== STATUS.scheduled) refuse(m, "unscheduled", [STATUS.scheduled]);
  return STATUS.new;
}

/** The status `PUT …/cancel` leads to: New / Scheduled / On hold → Cancelled. */
export function afterCancel(m: StoredMailing): MailingStatusCode {
  if (!CANCELLABLE_STATUSES.includes(m.status)) refuse(m, "cancelled", CANCELLABLE_STATUSES);
  return STATUS.cancelled;
}

/** The status `PUT …/abort` leads to: In progress ↔ On hold (documented as a toggle). */
export function afterAbort(m: StoredMailing): MailingStatusCode {
  if (m.status === STATUS.inProgress) return STATUS.onHold;
  if (m.status === STATUS.onHold) return STATUS.inProgress;
  refuse(m, "put on hold or resumed", [STATUS.inProgress, STATUS.onHold]);
}

/** A change of content or schedule through `PUT /api/mailings/<id>` needs an editable campaign. */
export function assertEditable(m: StoredMailing): void {
  if (!EDITABLE_STATUSES.includes(m.status)) refuse(m, "changed", EDITABLE_STATUSES);
}
