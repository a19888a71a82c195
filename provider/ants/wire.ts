import { z } from "zod";

// ANTS response bodies (loose: new server fields never break read). Emulators may import this module:
// it encodes the documented contract, not our mapping.

/** `{ code, message, data: { entries, meta } }` around an entry schema. */
export function antsEnvelope<T extends z.ZodType>(entry: T) {
  return z.object({
    code: z.number(),
    message: z.string().optional(),
    data: z.object({
      entries: z.array(entry),
      meta: z.object({ total: z.coerce.number().optional(), perPage: z.coerce.number().optional() }).loose().optional(),
    }).loose(),
  }).loose();
}

export const TokenResponse = z.object({
  accessToken: z.string().min(1),
  accessTokenExpiresAt: z.string(),
  scope: z.string().optional(),
}).loose();

export const WireListingEntry = z.object({
  segment_id: z.union([z.number(), z.string()]),
  segment_display: z.string().nullable().optional(),
  item_type_id: z.union([z.number(), z.string()]).nullable().optional(),
  update_method: z.string().nullable().optional(),
  status: z.union([z.number(), z.string()]).nullable().optional(),
  process_status: z.union([z.number(), z.string()]).nullable().optional(),
  segment_size: z.union([z.number(), z.string()]).nullable().optional(),
  last_processed_date: z.string().nullable().optional(),
  ctime: z.string().nullable().optional(),
  utime: z.string().nullable().optional(),
  /** The creator (docs/api/ants.md §4.2): the proof an interrupted or lost create is this provider's. */
  c_user_id: z.union([z.string(), z.number()]).nullable().optional(),
}).loose();
export type WireListingEntry = z.infer<typeof WireListingEntry>;

export const WireUploadEntry = z.object({
  filePath: z.string(),
  fileName: z.string(),
  extension: z.string(),
  delimiter: z.string(),
  delimiterCode: z.string().optional(),
  headerFiles: z.array(z.object({ headerCode: z.string(), headerIndex: z.number() }).loose()),
}).loose();
export type WireUploadEntry = z.infer<typeof WireUploadEntry>;

/**
 * One BO attribute. The datatype's property name is undocumented (docs/api/ants.md §8): `data_type`,
 * `dataType` and `datatype` are all read.
 */
export const WireBoAttribute = z.object({
  item_property_name: z.string(),
  data_type: z.string().nullable().optional(),
  dataType: z.string().nullable().optional(),
  datatype: z.string().nullable().optional(),
}).loose();
export type WireBoAttribute = z.infer<typeof WireBoAttribute>;

/** Any ANTS body that carries the envelope's own status. */
export const WireEnvelopeCode = z.object({ code: z.coerce.number(), message: z.unknown().optional(), data: z.unknown().optional() }).loose();
