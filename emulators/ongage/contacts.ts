/**
 * The contacts of a list as the emulator models them: list-field values by field name, the `ocx_*`
 * system fields, a subscription status and behavioral events tied to campaigns and ESP connections.
 */

/** The four buckets of a contact count (ongage.md §13.2). */
export const CONTACT_STATUSES = ["active", "bounced", "complaint", "unsubscribed"] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

export const EVENT_TYPES = ["sent", "opened", "clicked"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One behavioral event. Opens and clicks carry the browser and platform; sends carry neither (ASSUMED). */
export interface ContactEvent {
  type: EventType;
  mailing_id: number;
  esp_connection_id: number;
  /** Epoch seconds. */
  at: number;
  /** ISO-3166 alpha-2 country the event came from. */
  country: string;
  browser?: string;
  platform?: string;
}

/** A value as stored: text, a number, epoch seconds for dates, or null for "empty". */
export type FieldValue = string | number | null;

export interface Contact {
  /** ocx_contact_id. */
  id: string;
  status: ContactStatus;
  /** List fields and `ocx_*` system fields by name; a missing key is an empty value. */
  fields: Record<string, FieldValue>;
  events: ContactEvent[];
}

/**
 * A hand-written contact for tests and seeding: `email` plus any field values (by field name,
 * `ocx_*` included), status (default active) and events.
 */
export interface ContactSeed {
  email: string;
  status?: ContactStatus;
  id?: string;
  fields?: Record<string, FieldValue>;
  events?: ContactEvent[];
}

export interface ContactCounts {
  active: number;
  bounced: number;
  complaint: number;
  unsubscribed: number;
}

export function emptyCounts(): ContactCounts {
  return { active: 0, bounced: 0, complaint: 0, unsubscribed: 0 };
}
