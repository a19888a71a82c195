import { z } from "zod";

/**
 * A local CSV/TSV member file as a definition names it: shared by the ANTS segment (its member file,
 * uploaded) and Ongage external recipients (read and pushed). Neither API folder owns it.
 */

/** Delimiter codes as ANTS Upload's `delimiterCode`, and the characters they stand for. */
export const DELIMITERS = { tab: "\t", comma: ",", semicolon: ";", pipe: "|" } as const;
export type DelimiterCode = keyof typeof DELIMITERS;

export const FileInput = z.strictObject({
  /** CSV/TSV/TXT file, relative to the Pulumi project directory (or absolute). */
  path: z.string().min(1),
  /** Delimiter; detected from the header line when omitted. */
  delimiter: z.enum(Object.keys(DELIMITERS) as [DelimiterCode, ...DelimiterCode[]]).optional(),
});
export type FileInput = z.infer<typeof FileInput>;
