import { behavioralOperand, type BehavioralOperand, firstIssue, type RuleInput, type RuleType } from "./request-schemas";

/**
 * Semantic checks of segment criteria (ongage.md §6.2-§6.4) and their conversion to the stored rule
 * shape, which is exactly what GET returns (all scalars as strings, operand JSON-encoded except for
 * behavioral rules). Throws `InvalidData` naming the offending field, e.g. `criteria[1].operator`.
 */

/** A 412 "Invalid data" problem with the field it concerns. */
export class InvalidData extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

export type FieldType = "email" | "string" | "date" | "numeric";

export interface ListFieldRef {
  id: number;
  name: string;
  type: FieldType;
}

/** Behavioral operand as GET returns it: ids and numbers as strings, empty sub-objects as `[]`. */
export interface WireBehavioralOperand {
  mailing_ids: string[];
  esp_connection_ids: string[];
  time_range: Record<string, string | number> | [];
  repeat: { operator: string; counter: string } | [];
  browsers: string[];
  countries: string[];
  platforms: string[];
}

/** A rule as stored and returned by GET (without `id`/`segment_id`, which the store adds). */
export interface WireRuleBody {
  position: string;
  left_parenthesis: string;
  field_id: string;
  field_name: string;
  operator: string;
  operand: string | WireBehavioralOperand;
  is_external_operand: "0";
  right_parenthesis: string;
  condition: string;
  case_sensitive: "0" | "1";
  type: RuleType;
  group: string;
}

export interface CriteriaContext {
  listId: number;
  fieldById(id: number): ListFieldRef | undefined;
  /** True if a live segment with this id exists in the same list. */
  segmentInList(id: number): boolean;
  /** Id of the segment being updated (self-reference check); undefined on create. */
  selfId?: number;
  isWhitelist: boolean;
  /** Prefix of field names in errors: "criteria". */
  path: string;
}

/** Contact-level system fields usable in segment rules (SYS page), with their value type. */
export const SYSTEM_FIELDS: Readonly<Record<string, FieldType>> = {
  ocx_contact_id: "string",
  ocx_created_date: "date",
  ocx_unsubscribe_date: "date",
  ocx_resubscribe_date: "date",
  ocx_import_id: "numeric",
  ocx_list_id: "numeric",
};

export const BEHAVIORAL_FIELDS = ["opened", "clicked", "sent"] as const;

/** Most addresses a white-list segment may hold (SEG: "up to 100 contacts"). */
export const WHITELIST_MAX_ADDRESSES = 100;

/** Rule types a field of each type accepts; the OR-group example types the email field as "string". */
const RULE_TYPES_FOR_FIELD: Record<FieldType, readonly RuleType[]> = {
  email: ["email", "string"],
  string: ["string"],
  numeric: ["numeric"],
  date: ["date_absolute", "date_relative"],
};

const TEXT_OPERATORS = ["LIKE", "NOT LIKE", "_LIKE", "LIKE_", "=", "!=", "empty", "notempty"];
const ORDERED_OPERATORS = ["=", "!=", "><", ">", "<", ">=", "<=", "empty", "notempty"];
const OPERATORS_FOR_TYPE: Record<RuleType, readonly string[]> = {
  email: TEXT_OPERATORS,
  string: TEXT_OPERATORS,
  numeric: ORDERED_OPERATORS,
  date_absolute: ORDERED_OPERATORS,
  date_relative: ORDERED_OPERATORS,
  behavioral: ["=", "!="],
  segment: ["=", "!="],
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isEmailAddress(value: string): boolean {
  return EMAIL.test(value);
}

/** Validates every rule, then parentheses across rules; returns the rules in stored form. */
export function checkCriteria(rules: readonly RuleInput[], ctx: CriteriaContext): WireRuleBody[] {
  const out = rules.map((rule, i) => checkRule(rule, `${ctx.path}[${i}]`, i, ctx));
  checkParentheses(rules, ctx.path);
  if (ctx.isWhitelist) {
    const addresses = rules.reduce((n, r) => n + (Array.isArray(r.operand) ? r.operand.length : 0), 0);
    if (addresses > WHITELIST_MAX_ADDRESSES) {
      throw new InvalidData(ctx.path, `a white-list segment holds at most ${WHITELIST_MAX_ADDRESSES} addresses (got ${addresses})`);
    }
  }
  return out;
}

function checkRule(rule: RuleInput, at: string, index: number, ctx: CriteriaContext): WireRuleBody {
  if (ctx.isWhitelist) {
    if (rule.type !== "email") throw new InvalidData(`${at}.type`, "white-list segments allow only email rules");
    if (rule.operator !== "=") throw new InvalidData(`${at}.operator`, "white-list segments allow only the = operator");
  }
  const field = resolveField(rule, at, ctx);
  if (!OPERATORS_FOR_TYPE[rule.type].includes(rule.operator)) {
    throw new InvalidData(`${at}.operator`, `${rule.operator} is not valid for ${rule.type} rules (allowed: ${OPERATORS_FOR_TYPE[rule.type].join(", ")})`);
  }
  const operand = checkOperand(rule, `${at}.operand`, ctx);
  return {
    position: String(rule.position ?? index),
    left_parenthesis: String(rule.left_parenthesis ?? 0),
    field_id: String(field.id),
    field_name: field.name,
    operator: rule.operator,
    operand,
    is_external_operand: "0",
    right_parenthesis: String(rule.right_parenthesis ?? 0),
    condition: rule.condition,
    case_sensitive: rule.case_sensitive ? "1" : "0",
    type: rule.type,
    group: rule.group ?? "",
  };
}

/** Exactly one of field_id / field_name / conversion_point_id, matching the rule type. */
function resolveField(rule: RuleInput, at: string, ctx: CriteriaContext): { id: number; name: string } {
  const given = (["field_id", "field_name", "conversion_point_id"] as const).filter((k) => rule[k] !== undefined && rule[k] !== null);
  if (rule.type === "segment") {
    if (given[0]) throw new InvalidData(`${at}.${given[0]}`, "segment rules name no field; the operand lists segment ids");
    return { id: 0, name: "" };
  }
  if (given.length > 1) throw new InvalidData(`${at}.${given[1]}`, "give only one of field_id, field_name, conversion_point_id");
  if (rule.type === "behavioral") {
    if (rule.field_id != null) throw new InvalidData(`${at}.field_id`, "behavioral rules take field_name or conversion_point_id, not field_id");
    if (rule.conversion_point_id != null) return { id: 0, name: "" };
    if (rule.field_name == null) throw new InvalidData(`${at}.field_name`, "is required for behavioral rules (or conversion_point_id)");
    if (!(BEHAVIORAL_FIELDS as readonly string[]).includes(rule.field_name)) {
      throw new InvalidData(`${at}.field_name`, `must be one of ${BEHAVIORAL_FIELDS.join(", ")} for behavioral rules`);
    }
    return { id: 0, name: rule.field_name };
  }
  if (rule.conversion_point_id != null) throw new InvalidData(`${at}.conversion_point_id`, "is only valid for behavioral rules");
  let fieldType: FieldType;
  let resolved: { id: number; name: string };
  if (rule.field_id != null) {
    const field = ctx.fieldById(rule.field_id);
    if (!field) throw new InvalidData(`${at}.field_id`, `${rule.field_id} is not a field of list ${ctx.listId}`);
    fieldType = field.type;
    resolved = { id: field.id, name: field.name };
  } else if (rule.field_name != null) {
    const type = SYSTEM_FIELDS[rule.field_name];
    if (!type) {
      throw new InvalidData(`${at}.field_name`, `must be an ocx_* system field (${Object.keys(SYSTEM_FIELDS).join(", ")}); address list fields by field_id`);
    }
    fieldType = type;
    resolved = { id: 0, name: rule.field_name };
  } else {
    throw new InvalidData(`${at}.field_id`, "one of field_id, field_name, conversion_point_id is required");
  }
  const allowed = RULE_TYPES_FOR_FIELD[fieldType];
  if (!allowed.includes(rule.type)) {
    throw new InvalidData(`${at}.type`, `${rule.type} does not match field ${resolved.name} of type ${fieldType} (allowed: ${allowed.join(", ")})`);
  }
  return resolved;
}

function checkOperand(rule: RuleInput, at: string, ctx: CriteriaContext): string | WireBehavioralOperand {
  const operand = rule.operand;
  if (rule.operator === "empty" || rule.operator === "notempty") {
    if (operand !== undefined && operand !== null) throw new InvalidData(at, `must be omitted for operator ${rule.operator}`);
    return "[]";
  }
  if (operand === undefined || operand === null) throw new InvalidData(at, "is required");
  if (rule.type === "behavioral") {
    if (typeof operand !== "object" || Array.isArray(operand)) throw new InvalidData(at, "must be an object for behavioral rules");
    const parsed = behavioralOperand.safeParse(operand);
    if (!parsed.success) {
      const [field, problem] = firstIssue(parsed.error, []);
      throw new InvalidData(`${at}.${field}`, problem);
    }
    return behavioralToWire(parsed.data);
  }
  if (!Array.isArray(operand) || operand.length === 0) throw new InvalidData(at, "must be a non-empty array of values");
  if (rule.operator === "><" && operand.length !== 2) throw new InvalidData(at, `operator >< takes exactly two values [low, high] (got ${operand.length})`);
  const values = operand.map((v: unknown, j) => operandValue(rule.type, v, `${at}[${j}]`, ctx));
  return JSON.stringify(values);
}

/** One operand value in stored form: text and numbers quoted, absolute dates as bare epoch numbers. */
function operandValue(type: RuleType, v: unknown, at: string, ctx: CriteriaContext): string | number {
  const text = typeof v === "string" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : undefined;
  if (text === undefined) throw new InvalidData(at, "must be a string or a number");
  switch (type) {
    case "email":
    case "string":
      if (text.trim() === "") throw new InvalidData(at, "must not be empty");
      if (ctx.isWhitelist && !isEmailAddress(text)) throw new InvalidData(at, "must be an email address in a white-list segment");
      return text;
    case "numeric":
      if (!/^-?\d+(\.\d+)?$/.test(text)) throw new InvalidData(at, "must be a number");
      return text;
    case "date_relative":
      if (!/^\d+$/.test(text)) throw new InvalidData(at, "must be a whole number of days");
      return text;
    case "date_absolute":
      return epochSeconds(text, at);
    case "segment": {
      if (!/^[1-9]\d*$/.test(text)) throw new InvalidData(at, "must be a segment id");
      const id = Number(text);
      if (id === ctx.selfId) throw new InvalidData(at, "a segment cannot include itself");
      if (!ctx.segmentInList(id)) throw new InvalidData(at, `segment ${id} does not exist in list ${ctx.listId}`);
      return text;
    }
    default:
      throw new InvalidData(at, `unexpected rule type ${type}`);
  }
}

/** Epoch seconds from digits, or from "YYYY-MM-DD[ HH:mm[:ss]]" read as UTC. */
function epochSeconds(text: string, at: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const m = /^(\d{4}-\d{2}-\d{2})(?: (\d{2}:\d{2})(:\d{2})?)?$/.exec(text);
  const ms = m ? Date.parse(`${m[1]}T${m[2] ?? "00:00"}${m[3] ?? ":00"}Z`) : Number.NaN;
  if (Number.isNaN(ms)) throw new InvalidData(at, "must be epoch seconds or a YYYY-MM-DD[ HH:mm:ss] date");
  return Math.floor(ms / 1000);
}

function behavioralToWire(o: BehavioralOperand): WireBehavioralOperand {
  let timeRange: WireBehavioralOperand["time_range"] = [];
  if (o.time_range) {
    const t: Record<string, string | number> = { operator: o.time_range.operator };
    for (const k of ["in_last", "in_last_unit", "to", "to_unit"] as const) {
      const value = o.time_range[k];
      if (value !== undefined) t[k] = String(value);
    }
    if (o.time_range.from_date !== undefined) t.from_date = o.time_range.from_date;
    if (o.time_range.to_date !== undefined) t.to_date = o.time_range.to_date;
    timeRange = t;
  }
  return {
    mailing_ids: (o.mailing_ids ?? []).map(String),
    esp_connection_ids: (o.esp_connection_ids ?? []).map(String),
    time_range: timeRange,
    repeat: o.repeat ? { operator: o.repeat.operator, counter: String(o.repeat.counter) } : [],
    browsers: o.browsers ?? [],
    countries: o.countries ?? [],
    platforms: o.platforms ?? [],
  };
}

/**
 * Opened parentheses must close, never below zero, across the whole rule list taken in `position`
 * order (the order the rules are evaluated in; ties keep the array order). Errors name array indexes.
 */
function checkParentheses(rules: readonly RuleInput[], path: string): void {
  let depth = 0;
  const openers: number[] = [];
  const ordered = rules.map((rule, i) => ({ rule, i, at: rule.position ?? i })).sort((a, b) => a.at - b.at || a.i - b.i);
  ordered.forEach(({ rule, i }) => {
    for (let k = 0; k < (rule.left_parenthesis ?? 0); k++) openers.push(i);
    depth += rule.left_parenthesis ?? 0;
    depth -= rule.right_parenthesis ?? 0;
    for (let k = 0; k < (rule.right_parenthesis ?? 0); k++) openers.pop();
    if (depth < 0) throw new InvalidData(`${path}[${i}].right_parenthesis`, "closes a parenthesis that was never opened");
  });
  const unclosed = openers[openers.length - 1];
  if (depth > 0 && unclosed !== undefined) {
    throw new InvalidData(`${path}[${unclosed}].left_parenthesis`, `opens a parenthesis that is never closed (${depth} left open)`);
  }
}
