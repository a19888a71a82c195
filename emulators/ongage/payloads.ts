import { describeStatus, ESP_CONNECTIONS, type StoredMailing } from "./mailings";
import type { OngageList, OngageStore, SegmentUse, StoredSegment } from "./store";

/**
 * Reply bodies of the Ongage emulator (ongage.md §4, §5, §13.1; ongage-mailings.md §4): stored strings
 * in documented key order, collection rows, campaign payloads. No HTTP and no state changes.
 */
/**
 * GET-one shape: the stored strings in documented key order; `is_whitelist` is never echoed.
 * `mailings` lists the campaigns that name the segment (ASSUMED entry shape, see the README).
 */
export function segmentPayload(s: StoredSegment, uses: readonly SegmentUse[]): Record<string, unknown> {
  const { is_whitelist: _w, recipients: _r, rules, ...columns } = s;
  return {
    ...columns,
    rules: [...rules]
      .sort((a, b) => Number(a.position) - Number(b.position) || Number(a.id) - Number(b.id))
      .map((r) => ({
        id: r.id,
        segment_id: r.segment_id,
        position: r.position,
        left_parenthesis: r.left_parenthesis,
        field_id: r.field_id,
        field_name: r.field_name,
        operator: r.operator,
        operand: r.operand,
        is_external_operand: r.is_external_operand,
        right_parenthesis: r.right_parenthesis,
        condition: r.condition,
        case_sensitive: r.case_sensitive,
        type: r.type,
        group: r.group,
      })),
    mailings: uses.map(({ mailing: m, exclude }) => ({
      id: m.id,
      name: m.name,
      status: m.status,
      status_desc: describeStatus(m.status),
      schedule_date: m.schedule_date,
      exclude: exclude ? "1" : "0",
    })),
    can_delete: true,
  };
}

/** GET-one shape of a campaign (ongage-mailings.md §4); segments show their current name, type and count. */
export function mailingPayload(m: StoredMailing, store: OngageStore): Record<string, unknown> {
  return {
    id: m.id, type: m.type, list_id: m.list_id, is_test: m.is_test, schedule_date: m.schedule_date, name: m.name,
    description: m.description, status: m.status, status_desc: describeStatus(m.status), status_date: m.status_date,
    created: m.created, modified: m.modified, deleted: m.deleted,
    segments: m.segments.map((ref) => {
      const s = store.rawSegment(Number(ref.segment_id));
      const deleted = s === undefined || s.deleted === "1";
      return {
        segment_id: ref.segment_id, type: deleted ? "Deleted" : (s?.type ?? "Deleted"), name: s?.name ?? "",
        last_count: s?.last_count ?? "0", exclude: ref.exclude, deleted: deleted ? "1" : "0",
      };
    }),
    distribution: m.distribution.map((d) => {
      const esp = ESP_CONNECTIONS.find((c) => String(c.id) === d.esp_connection_id);
      return { esp_id: String(esp?.esp_id ?? 0), esp_connection_id: d.esp_connection_id, isp_id: null, domain: "default", percent: d.percent, name: esp?.name ?? "" };
    }),
    email_message: m.email_message.map((id) => ({
      type: "email_message", email_message_id: id, name: `Email message ${id}`, description: "", subject: `Email message ${id} subject`,
    })),
  };
}

export const MAILING_COLUMNS = [
  "id", "name", "description", "schedule_date", "type", "status", "status_desc", "status_date", "list_id", "created",
  "modified", "deleted", "is_test", "progress",
] as const;

/** Collection row of a campaign (ongage-mailings.md §4); `progress` "100" once completed, else "0" (ASSUMED). */
export function mailingSummary(m: StoredMailing): Record<string, string> {
  const done = m.status === "60004" || m.status === "60008";
  return {
    id: m.id, name: m.name, description: m.description, schedule_date: m.schedule_date, type: m.type, status: m.status,
    status_desc: describeStatus(m.status), status_date: m.status_date, list_id: m.list_id, created: m.created,
    modified: m.modified, deleted: m.deleted, is_test: m.is_test, progress: done ? "100" : "0",
  };
}

export const SUMMARY_COLUMNS = [
  "id", "list_id", "list_name", "name", "type", "description", "favorite", "last_sent", "last_count",
  "last_count_date", "created_by", "created", "modified", "deleted", "modifier",
] as const;

/** Collection row: a summary without rules, with `list_name` and `modifier`. */
export function segmentSummary(s: StoredSegment, list: OngageList, modifier: string): Record<string, string> {
  return {
    id: s.id, list_id: s.list_id, list_name: list.name, name: s.name, type: s.type, description: s.description,
    favorite: s.favorite, last_sent: s.last_sent, last_count: s.last_count, last_count_date: s.last_count_date,
    created_by: s.created_by, created: s.created, modified: s.modified, deleted: s.deleted, modifier,
  };
}

/** List field row with native numbers and booleans (ongage.md §13.1). */
export function listFieldPayload(list: OngageList, f: OngageList["fields"][number]): Record<string, unknown> {
  return {
    id: f.id, account_id: ACCOUNT_ID, list_id: list.id, name: f.name, title: f.title, type: f.type, format: "",
    default: null, mandatory: f.mandatory, position: f.position, created: f.created, modified: f.created,
    deleted: null, is_sms: false,
  };
}

const ACCOUNT_ID = 1;
