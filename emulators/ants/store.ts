import { randomBytes } from "node:crypto";
import { attributesFor, type BoAttribute, type ItemTypeId, operatorsFor } from "./bo-attributes";

/**
 * State and business rules of the ANTS CDP emulator, with no HTTP.
 * Rule violations are thrown as `AntsRuleError`; routes turn them into API error bodies.
 */

export const KNOWN_SCOPES = ["item", "event", "profile", "promotion", "segment"] as const;
export type Scope = (typeof KNOWN_SCOPES)[number];

export interface AntsClient {
  clientId: string;
  clientSecret: string;
}

export interface IssuedToken {
  accessToken: string;
  clientId: string;
  scopes: Scope[];
  expiresAt: number;
}

export type DelimiterCode = "tab" | "comma" | "semicolon" | "pipe";

export interface StoredUpload {
  filePath: string;
  fileName: string;
  itemTypeId: ItemTypeId;
  originalFileName: string;
  extension: string;
  delimiter: string;
  delimiterCode: DelimiterCode;
  headers: string[];
  rowCount: number;
  uploadedAt: number;
}

export interface MappingField {
  item_attribute_code: string;
  operator: string;
  header_code: string;
  header_index: number;
}

export interface SegmentConditions {
  file_path: string;
  file_name: string;
  original_file_name: string;
  extension: string;
  delimiter: string;
  method: string;
  criteria_logic: "or" | "and";
  mapping_fields: MappingField[];
}

export interface DayHour {
  day: string;
  hour: string;
}

export interface ComputeSchedule {
  type: "static" | "dynamic";
  repeatType?: "none" | "hours" | "days" | "weeks" | "months";
  repeatValue?: number;
  repeatOnValue?: (string | number)[];
  repeatStartTime?: DayHour;
  endTime?: { type: "none" | "on_day" | "after_num_running"; onDay?: DayHour; numRunning?: number };
}

/** The body of Create (and of the assumed Update, minus `segmentId`), already shape-checked. */
export interface SegmentInput {
  segmentDisplay: string;
  itemTypeId: ItemTypeId;
  conditions: SegmentConditions;
  computeSchedule: ComputeSchedule;
  shareAccess: unknown;
  alertSetting: unknown;
}

export interface StoredSegment extends SegmentInput {
  segmentId: number;
  createdBy: string;
  updatedBy: string;
  /** Epoch ms. */
  ctime: number;
  utime: number;
  /** When the current definition was submitted; computation finishes `computeDelayMs` later. */
  submittedAt: number;
  rowCount: number;
  /** Listing's `used_by_modules` (ASSUMED meaning: modules that use the segment); absent = `[]`. Set by tests only. */
  usedByModules?: unknown[];
}

/** A rule violation: `status` is both the HTTP status and the body `code`. */
export class AntsRuleError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

export interface AntsStoreOptions {
  clients: AntsClient[];
  tokenTtlSeconds: number;
  /** Portal id used in generated file names; default 1600000000. */
  portalId?: number;
  /** Time from create/update until `process_status` turns 2 and `segment_size` is known; default 1000. */
  computeDelayMs?: number;
  now?: () => number;
}

interface Snapshot {
  version: 1;
  nextUploadNo: number;
  nextSegmentId: number;
  lastFileMs: number;
  uploads: StoredUpload[];
  segments: StoredSegment[];
}

const FIRST_UPLOAD_NO = 33167;
const FIRST_SEGMENT_ID = 5546595;

export class AntsStore {
  readonly portalId: number;
  readonly computeDelayMs: number;
  private readonly now: () => number;
  private tokens = new Map<string, IssuedToken>();
  private uploads = new Map<string, StoredUpload>();
  private segments = new Map<number, StoredSegment>();
  private nextUploadNo = FIRST_UPLOAD_NO;
  private nextSegmentId = FIRST_SEGMENT_ID;
  private lastFileMs = 0;

  constructor(private readonly opts: AntsStoreOptions) {
    this.portalId = opts.portalId ?? 1600000000;
    this.computeDelayMs = opts.computeDelayMs ?? 1000;
    this.now = opts.now ?? Date.now;
  }

  clock(): number {
    return this.now();
  }

  // ---- clients and tokens -------------------------------------------------

  /** True when the pair matches a configured client. */
  authenticateClient(clientId: string, clientSecret: string): boolean {
    return this.opts.clients.some((c) => c.clientId === clientId && c.clientSecret === clientSecret);
  }

  issueToken(clientId: string, scopes: Scope[]): IssuedToken {
    const token: IssuedToken = {
      accessToken: randomBytes(22).toString("hex"),
      clientId,
      scopes,
      expiresAt: this.now() + this.opts.tokenTtlSeconds * 1000,
    };
    this.tokens.set(token.accessToken, token);
    return token;
  }

  /** The token if it is known and not expired; otherwise why not. */
  lookupToken(accessToken: string): IssuedToken | "unknown" | "expired" {
    const t = this.tokens.get(accessToken);
    if (!t) return "unknown";
    if (t.expiresAt <= this.now()) return "expired";
    return t;
  }

  // ---- uploads ------------------------------------------------------------

  addUpload(u: Omit<StoredUpload, "filePath" | "fileName" | "uploadedAt">): StoredUpload {
    const ms = Math.max(this.now(), this.lastFileMs + 1);
    this.lastFileMs = ms;
    const stored: StoredUpload = {
      ...u,
      filePath: `/S3/cdp-import-export/import/segment/${this.nextUploadNo++}`,
      fileName: `${u.itemTypeId}_${this.portalId}_${ms}.${u.extension}`,
      uploadedAt: ms,
    };
    this.uploads.set(uploadKey(stored.filePath, stored.fileName), stored);
    return stored;
  }

  findUpload(filePath: string, fileName: string): StoredUpload | undefined {
    return this.uploads.get(uploadKey(filePath, fileName));
  }

  // ---- BO attributes ------------------------------------------------------

  attributes(itemTypeId: ItemTypeId): BoAttribute[] {
    return attributesFor(itemTypeId, this.portalId);
  }

  // ---- segments -----------------------------------------------------------

  createSegment(input: SegmentInput, clientId: string): StoredSegment {
    const upload = this.checkSegmentRules(input);
    const t = this.now();
    const seg: StoredSegment = {
      ...input,
      segmentId: this.nextSegmentId++,
      createdBy: clientId,
      updatedBy: clientId,
      ctime: t,
      utime: t,
      submittedAt: t,
      rowCount: upload.rowCount,
    };
    this.segments.set(seg.segmentId, seg);
    return seg;
  }

  /** Assumed endpoint: replaces the definition; `itemTypeId` and `computeSchedule.type` are immutable. */
  updateSegment(segmentId: number, input: SegmentInput, clientId: string): StoredSegment {
    const seg = this.requireSegment(segmentId);
    if (input.itemTypeId !== seg.itemTypeId) {
      throw new AntsRuleError(400, `itemTypeId: cannot change from ${seg.itemTypeId} to ${input.itemTypeId} on an existing segment`);
    }
    if (input.computeSchedule.type !== seg.computeSchedule.type) {
      throw new AntsRuleError(
        400,
        `computeSchedule.type: cannot change from "${seg.computeSchedule.type}" to "${input.computeSchedule.type}" after the segment is saved`,
      );
    }
    const upload = this.checkSegmentRules(input);
    const t = this.now();
    const updated: StoredSegment = { ...seg, ...input, updatedBy: clientId, utime: t, submittedAt: t, rowCount: upload.rowCount };
    this.segments.set(segmentId, updated);
    return updated;
  }

  /** Assumed endpoint: the segment disappears from listing. */
  deleteSegment(segmentId: number): void {
    this.requireSegment(segmentId);
    this.segments.delete(segmentId);
  }

  /**
   * Emulator control, not part of the API: the modules Listing reports in `used_by_modules` for the
   * segment (any JSON values, as the element shape is undocumented); `[]` detaches them all.
   */
  setUsedByModules(segmentId: number, modules: unknown[]): StoredSegment {
    const seg = this.requireSegment(segmentId);
    const updated: StoredSegment = { ...seg, usedByModules: [...modules] };
    this.segments.set(segmentId, updated);
    return updated;
  }

  allSegments(): StoredSegment[] {
    return [...this.segments.values()];
  }

  getSegment(segmentId: number): StoredSegment | undefined {
    return this.segments.get(segmentId);
  }

  /** Computation is simulated: done once `computeDelayMs` has passed since the last create/update. */
  isProcessed(seg: StoredSegment): boolean {
    return this.now() >= seg.submittedAt + this.computeDelayMs;
  }

  private requireSegment(segmentId: number): StoredSegment {
    const seg = this.segments.get(segmentId);
    if (!seg) throw new AntsRuleError(404, "Segment not found");
    return seg;
  }

  /** Cross-checks the body against the upload and the BO attributes; returns the upload. */
  private checkSegmentRules(input: SegmentInput): StoredUpload {
    const c = input.conditions;
    const upload = this.findUpload(c.file_path, c.file_name);
    if (!upload) {
      throw new AntsRuleError(400, `conditions.file_path: no uploaded file "${c.file_name}" at "${c.file_path}"; upload the file first`);
    }
    if (upload.itemTypeId !== input.itemTypeId) {
      throw new AntsRuleError(
        400,
        `conditions.file_path: the file was uploaded for itemTypeId ${upload.itemTypeId}, not ${input.itemTypeId}`,
      );
    }
    if (c.extension !== upload.extension) {
      throw new AntsRuleError(400, `conditions.extension: the upload's extension is "${upload.extension}", not "${c.extension}"`);
    }
    if (c.delimiter !== upload.delimiter) {
      throw new AntsRuleError(
        400,
        `conditions.delimiter: the upload's delimiter is ${JSON.stringify(upload.delimiter)} (delimiterCode "${upload.delimiterCode}"), not ${JSON.stringify(c.delimiter)}`,
      );
    }
    const attrs = new Map(attributesFor(input.itemTypeId, this.portalId).map((a) => [a.item_property_name, a]));
    c.mapping_fields.forEach((m, i) => {
      const at = `conditions.mapping_fields[${i}]`;
      const headerAt = upload.headers.indexOf(m.header_code);
      if (headerAt < 0) {
        throw new AntsRuleError(400, `${at}.header_code: "${m.header_code}" is not a header of the uploaded file (${upload.headers.join(", ")})`);
      }
      if (upload.headers[m.header_index] !== m.header_code) {
        throw new AntsRuleError(
          400,
          `${at}.header_index: header "${m.header_code}" has index ${headerAt} in the uploaded file, not ${m.header_index}`,
        );
      }
      const attr = attrs.get(m.item_attribute_code);
      if (!attr) {
        throw new AntsRuleError(
          400,
          `${at}.item_attribute_code: "${m.item_attribute_code}" is not an attribute of item type ${input.itemTypeId}`,
        );
      }
      const allowed = operatorsFor(attr.data_type);
      if (!allowed.includes(m.operator)) {
        throw new AntsRuleError(
          400,
          allowed.length === 0
            ? `${at}.operator: attribute "${attr.item_property_name}" has datatype ${attr.data_type}, which cannot be used for matching`
            : `${at}.operator: "${m.operator}" does not fit attribute "${attr.item_property_name}" of datatype ${attr.data_type}; use ${allowed.map((o) => `"${o}"`).join(" or ")}`,
        );
      }
    });
    return upload;
  }

  // ---- persistence --------------------------------------------------------

  /** Uploads and segments; tokens are not part of the snapshot. */
  snapshot(): Snapshot {
    return {
      version: 1,
      nextUploadNo: this.nextUploadNo,
      nextSegmentId: this.nextSegmentId,
      lastFileMs: this.lastFileMs,
      uploads: [...this.uploads.values()],
      segments: [...this.segments.values()],
    };
  }

  restore(data: unknown): void {
    const s = data as Partial<Snapshot> | undefined;
    if (!s || s.version !== 1) return;
    this.nextUploadNo = s.nextUploadNo ?? FIRST_UPLOAD_NO;
    this.nextSegmentId = s.nextSegmentId ?? FIRST_SEGMENT_ID;
    this.lastFileMs = s.lastFileMs ?? 0;
    this.uploads = new Map((s.uploads ?? []).map((u) => [uploadKey(u.filePath, u.fileName), u]));
    this.segments = new Map((s.segments ?? []).map((g) => [g.segmentId, g]));
  }

  /** Forget tokens, uploads and segments; counters start over. */
  reset(): void {
    this.tokens.clear();
    this.uploads.clear();
    this.segments.clear();
    this.nextUploadNo = FIRST_UPLOAD_NO;
    this.nextSegmentId = FIRST_SEGMENT_ID;
    this.lastFileMs = 0;
  }
}

function uploadKey(filePath: string, fileName: string): string {
  return `${filePath}\u0000${fileName}`;
}
