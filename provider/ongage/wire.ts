import { z } from "zod";
import { WireSegmentMailing } from "./campaigns";

// Ongage request/response bodies (non-strict: new server fields never break read). Emulators may
// import this module: it encodes the documented contract, not our mapping.

const Scalar = z.union([z.string(), z.number(), z.boolean()]).nullable().optional();

export const WireRule = z.object({
  id: Scalar,
  position: Scalar,
  field_id: Scalar,
  field_name: z.string().nullable().optional(),
  conversion_point_id: Scalar,
  operator: z.string(),
  operand: z.unknown().optional(),
  condition: z.string().nullable().optional(),
  case_sensitive: Scalar,
  type: z.string(),
  group: z.string().nullable().optional(),
  left_parenthesis: Scalar,
  right_parenthesis: Scalar,
});
export type WireRule = z.infer<typeof WireRule>;

export const WireSegment = z.object({
  id: z.union([z.string(), z.number()]),
  list_id: z.union([z.string(), z.number()]),
  name: z.string(),
  type: z.string().optional(),
  description: z.string().nullable().optional(),
  favorite: Scalar,
  is_whitelist: Scalar,
  is_external: Scalar,
  external_url: z.string().nullable().optional(),
  external_insert_missing: Scalar,
  external_include_unsubscribes: Scalar,
  deleted: Scalar,
  created: Scalar,
  rules: z.array(WireRule).nullable().optional(),
  /** Campaigns that name the segment ("associated mailings"). */
  mailings: z.array(WireSegmentMailing).nullable().optional(),
});
export type WireSegment = z.infer<typeof WireSegment>;

export const WireSegmentSummary = z.object({
  id: z.union([z.string(), z.number()]),
  list_id: z.union([z.string(), z.number()]).optional(),
  name: z.string(),
  created: Scalar,
});
export type WireSegmentSummary = z.infer<typeof WireSegmentSummary>;

export const WireListField = z.object({
  id: z.union([z.string(), z.number()]),
  name: z.string(),
  type: z.string().optional(),
});
export type WireListField = z.infer<typeof WireListField>;

/** `{"metadata":{"error":false},"payload":…}` around any payload schema (docs/api/ongage.md §2). */
export function ongageEnvelope<T extends z.ZodType>(payload: T) {
  return z.object({
    metadata: z.object({ error: z.boolean().optional(), total: z.union([z.string(), z.number()]).optional() }).optional(),
    payload,
  });
}

/** The documented error envelope; `payload.code` mirrors the HTTP status (docs/api/ongage.md §2). */
export const WireError = z.object({
  metadata: z.object({ error: z.literal(true) }),
  payload: z.object({ code: z.union([z.number(), z.string()]).optional(), message: z.string().optional() }).optional(),
});

/** True when a segment as returned is soft-deleted (`deleted` "1"/1/true): it counts as gone. */
export function isDeletedSegment(seg: WireSegment): boolean {
  return seg.deleted === "1" || seg.deleted === 1 || seg.deleted === true;
}
