import { compact, sameCanonical } from "../pulumi/canonical";

import type { MemberFile } from "../member-files/member-file";
import { missingColumnMessage, portablePath } from "../member-files/member-file";
import { type CanonicalSchedule, type CanonicalSegment, type ResolvedRule, type SegmentOutputs, type SegmentStatus, type UploadInfo } from "./canonical";
import { AUDIENCE_ITEM_TYPE, PUBLIC_ROLES, USER_ROLES, type MatchOperator, type ParsedSegmentInputs } from "./inputs";
import { type WireBoAttribute, type WireListingEntry } from "./wire";

type Json = Record<string, unknown>;


const uniqueSorted = <T extends string>(xs: readonly T[] | undefined): T[] => [...new Set(xs ?? [])].sort();
const sortIds = (xs: ReadonlyArray<string | number> | undefined): string[] =>
  [...new Set((xs ?? []).map(String))].sort((a, b) => (a.length - b.length) || a.localeCompare(b));

const ROLE_DEFAULTS = {
  owner: { allowEdit: true, allowView: true, allowComment: true },
  editor: { allowEdit: true, allowView: true, allowComment: true },
  commenter: { allowEdit: false, allowView: true, allowComment: true },
  viewer: { allowEdit: false, allowView: true, allowComment: false },
} as const;

function canonicalSchedule(s: ParsedSegmentInputs["schedule"]): CanonicalSchedule {
  if (!s || s.type === "static") return { type: "static" };
  const on = s.repeat.on === undefined
    ? undefined
    : [...new Set(s.repeat.on)].sort((a, b) => (typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b))));
  return compact({
    type: "dynamic" as const,
    repeat: compact({ every: s.repeat.every, unit: s.repeat.unit, on }),
    start: s.start,
    end: s.end ?? { never: true as const },
  });
}

/** Canonical form of validated inputs and the member file read at check time. */
export function canonicalFromInputs(inputs: ParsedSegmentInputs, file: Pick<MemberFile, "sha256" | "delimiter" | "headers">): CanonicalSegment {
  const share = inputs.shareAccess ?? {};
  const isPublic = share.isPublic ?? false;
  return compact({
    name: inputs.name.trim(),
    audience: inputs.audience,
    file: { path: portablePath(inputs.file.path), delimiter: file.delimiter, sha256: file.sha256, headers: file.headers },
    matchRules: inputs.matchRules.map((r) => compact({ column: r.column.trim(), attribute: r.attribute.trim(), operator: r.operator })),
    logic: inputs.logic ?? "or",
    schedule: canonicalSchedule(inputs.schedule),
    shareAccess: compact({
      description: share.description ?? "",
      isPublic,
      publicRole: isPublic ? (share.publicRole ?? "viewer") : undefined,
      users: (share.users ?? [])
        .map((u) => ({
          userId: String(u.userId),
          role: u.role,
          allowEdit: u.allowEdit ?? ROLE_DEFAULTS[u.role].allowEdit,
          allowView: u.allowView ?? ROLE_DEFAULTS[u.role].allowView,
          allowComment: u.allowComment ?? ROLE_DEFAULTS[u.role].allowComment,
        }))
        .sort((a, b) => (a.userId.length - b.userId.length) || a.userId.localeCompare(b.userId)),
    }),
    alerts: {
      accountIds: sortIds(inputs.alerts?.accountIds),
      onSuccess: uniqueSorted(inputs.alerts?.onSuccess),
      onFailure: uniqueSorted(inputs.alerts?.onFailure),
    },
    adopt: inputs.adopt ? true : undefined,
  });
}

/** The managed part of outputs (or canonical inputs), in the shape of canonical inputs. */
export function managedPart(o: CanonicalSegment): CanonicalSegment {
  return compact({
    name: o.name,
    audience: o.audience,
    file: o.file,
    matchRules: o.matchRules,
    logic: o.logic,
    schedule: o.schedule,
    shareAccess: o.shareAccess,
    alerts: o.alerts,
    adopt: o.adopt,
  });
}

/** Managed top-level properties, in diff order; `adopt` only steers create and is never diffed. */
export const MANAGED_KEYS = ["name", "audience", "file", "matchRules", "logic", "schedule", "shareAccess", "alerts"] as const;
export type ManagedKey = (typeof MANAGED_KEYS)[number];

/** Managed properties whose canonical values differ. */
export function changedKeys(prev: Partial<CanonicalSegment>, next: Partial<CanonicalSegment>): ManagedKey[] {
  return MANAGED_KEYS.filter((k) => !sameCanonical(prev[k], next[k]));
}

const num = (v: unknown): number | undefined => {
  if (v === null || v === undefined || v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** The informational status fields of a Listing entry. */
export function statusFromWire(e: WireListingEntry): SegmentStatus {
  return compact({
    createdAt: str(e.ctime),
    updatedAt: str(e.utime),
    status: num(e.status),
    processStatus: num(e.process_status),
    segmentSize: num(e.segment_size),
    lastProcessedDate: str(e.last_processed_date),
  });
}

/**
 * Outputs from a Listing entry. Listing shows only name, item type and update method of the
 * definition, so those three replace what `like` (the previous outputs) holds; everything else
 * (file, rules, schedule details, sharing, alerts) is carried over unverified.
 */
export function canonicalFromWire(e: WireListingEntry, like: SegmentOutputs): SegmentOutputs {
  const itemTypeId = num(e.item_type_id) ?? like.itemTypeId;
  const audience = itemTypeId === AUDIENCE_ITEM_TYPE.visitor ? "visitor" : itemTypeId === AUDIENCE_ITEM_TYPE.customer ? "customer" : like.audience;
  const method = str(e.update_method);
  const schedule: CanonicalSchedule = method === undefined || method === like.schedule.type
    ? like.schedule
    // The schedule kind changed out of band; its details are not in Listing. The diff sees the kind and replaces.
    : ({ type: method } as CanonicalSchedule);
  return {
    ...like,
    segmentId: String(e.segment_id),
    name: typeof e.segment_display === "string" ? e.segment_display : like.name,
    audience,
    itemTypeId,
    schedule,
    serverStatus: statusFromWire(e),
  };
}

/** Datatype of a BO attribute, upper-cased, when the response carries one. */
export function attributeDatatype(a: WireBoAttribute): string | undefined {
  const t = a.data_type ?? a.dataType ?? a.datatype;
  return typeof t === "string" && t !== "" ? t.toUpperCase() : undefined;
}

/** Mapping operators allowed per datatype (docs/api/ants.md §6.2); other datatypes cannot be matched. */
export function operatorsFor(datatype: string): MatchOperator[] {
  if (datatype === "STRING") return ["exactly"];
  if (datatype === "NUMBER" || datatype === "DATETIME" || datatype === "BOOLEAN") return ["equals", "not_equals"];
  return [];
}

/**
 * Header indexes from the upload and operators from the BO attributes. Throws an Error naming the
 * rule, file and column/attribute when a column is missing, an attribute is unknown or an operator
 * does not fit the attribute's datatype.
 */
export function resolveRules(c: CanonicalSegment, upload: UploadInfo, attributes: readonly WireBoAttribute[]): ResolvedRule[] {
  const byCode = new Map(attributes.map((a) => [a.item_property_name, a]));
  return c.matchRules.map((r, i) => {
    const at = `matchRules[${i}]`;
    const headerIndex = upload.headers.indexOf(r.column);
    if (headerIndex < 0) throw new Error(`${at}.column: ${missingColumnMessage(c.file.path, r.column, upload.headers)} according to the ANTS upload`);
    const attr = byCode.get(r.attribute);
    if (!attr) {
      const known = [...byCode.keys()].sort().join(", ");
      throw new Error(`${at}.attribute: the ${c.audience} business object has no attribute "${r.attribute}" (attributes: ${known})`);
    }
    const datatype = attributeDatatype(attr);
    if (datatype === undefined) {
      if (r.operator) return { column: r.column, headerIndex, attribute: r.attribute, operator: r.operator };
      throw new Error(`${at}.operator: ANTS did not report the datatype of attribute "${r.attribute}"; set the operator explicitly`);
    }
    const allowed = operatorsFor(datatype);
    if (allowed.length === 0) throw new Error(`${at}.attribute: "${r.attribute}" has datatype ${datatype}, which ANTS cannot match against a file`);
    const operator = r.operator ?? allowed[0]!;
    if (!allowed.includes(operator)) {
      throw new Error(`${at}.operator: "${operator}" does not fit attribute "${r.attribute}" of datatype ${datatype}; use ${allowed.map((o) => `"${o}"`).join(" or ")}`);
    }
    return { column: r.column, headerIndex, attribute: r.attribute, operator };
  });
}

function scheduleToWire(s: CanonicalSchedule): Json {
  if (s.type === "static") return { type: "static", repeatType: "none" };
  const end = "never" in s.end
    ? { type: "none" }
    : "onDay" in s.end
      ? { type: "on_day", onDay: s.end.onDay }
      : { type: "after_num_running", numRunning: s.end.afterRuns };
  return compact({
    type: "dynamic",
    repeatType: s.repeat.unit,
    repeatValue: s.repeat.every,
    repeatOnValue: s.repeat.on,
    repeatStartTime: s.start,
    endTime: end,
  });
}

const bit = (b: boolean): 0 | 1 => (b ? 1 : 0);

/** The Create body (docs/api/ants.md §6): camelCase top level, snake_case `conditions`, `method: "create"`. */
export function toRequestBody(c: CanonicalSegment, upload: UploadInfo, rules: readonly ResolvedRule[]): Json {
  return {
    segmentDisplay: c.name,
    itemTypeId: AUDIENCE_ITEM_TYPE[c.audience],
    conditions: {
      file_path: upload.filePath,
      file_name: upload.fileName,
      original_file_name: upload.originalFileName,
      extension: upload.extension,
      delimiter: upload.delimiter,
      method: "create",
      criteria_logic: c.logic,
      mapping_fields: rules.map((r) => ({ item_attribute_code: r.attribute, operator: r.operator, header_code: r.column, header_index: r.headerIndex })),
    },
    computeSchedule: scheduleToWire(c.schedule),
    shareAccess: {
      description: c.shareAccess.description,
      is_public: bit(c.shareAccess.isPublic),
      public_role: c.shareAccess.publicRole ? PUBLIC_ROLES[c.shareAccess.publicRole] : null,
      list_access: c.shareAccess.users.map((u) => ({
        user_id: u.userId,
        allow_edit: bit(u.allowEdit),
        allow_view: bit(u.allowView),
        allow_comment: bit(u.allowComment),
        role: USER_ROLES[u.role],
      })),
    },
    alertSetting: {
      alertAccountIds: c.alerts.accountIds.map(Number),
      alertScopes: { success: c.alerts.onSuccess, failure: c.alerts.onFailure },
    },
  };
}
