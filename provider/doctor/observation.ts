import { z } from "zod";

/**
 * One row of `pulumi-segments doctor`: an assumption that docs/api/*.md states about an API, what the
 * account showed, and what that means for the provider. `cites` is the section of docs/api/*.md that
 * states the assumption ("ongage.md §5"), the same form the emulators' variance switches use
 * (emulators/harness/quirks.ts), so a report row can be matched to a switch.
 */
export const verdictSchema = z.enum([
  /** The account behaves as the documents say. */
  "fine",
  /** The account differs, and the provider fails closed: it will refuse the operations named in `consequence`. */
  "refuses",
  /** The account differs in a way the documents do not cover: please report it (attach `--format json`). */
  "report",
  /** The observation could not be made (a read failed, or it needs `--write`); `observed` says why. */
  "unknown",
]);
export type Verdict = z.infer<typeof verdictSchema>;

/** Text that stands in for a value a user should read: `undefined`, `NaN`, `[object Object]`. */
const PLACEHOLDER = /\bundefined\b|\bNaN\b|\[object Object\]/;

export const observationSchema = z.object({
  api: z.enum(["ongage", "ants"]),
  /** Stable identifier, e.g. "ongage.listing.page-size"; tests and bug reports refer to rows by it. */
  id: z.string().regex(/^(ongage|ants)\.[a-z0-9.-]+$/),
  /** The assumption, as a sentence. */
  assumption: z.string().min(1),
  /** The sections of docs/api/*.md that state it: "ongage.md §5", or "ongage.md §2, §5" for several of one file. */
  cites: z.string().regex(/^(ongage|ongage-mailings|ants)\.md §[0-9]+(\.[0-9]+)*(, §[0-9]+(\.[0-9]+)*)*$/),
  /** What the account showed, free of secrets and contacts' data. */
  observed: z.string().min(1),
  verdict: verdictSchema,
  /** For "fine": what holds; otherwise what the provider will do about it, or what to report. */
  consequence: z.string().min(1),
})
  .refine((o) => o.id.startsWith(`${o.api}.`), { path: ["id"], message: "a row's id starts with its api" })
  .refine((o) => o.cites.startsWith(o.api === "ants" ? "ants.md" : "ongage"), { path: ["cites"], message: "a row cites the documents of its own api" })
  .refine((o) => !PLACEHOLDER.test(o.observed), { path: ["observed"], message: "no placeholder stands in for a value" })
  .refine((o) => !PLACEHOLDER.test(o.consequence), { path: ["consequence"], message: "no placeholder stands in for a value" });
export type Observation = z.infer<typeof observationSchema>;

export const doctorReportSchema = z.object({
  schemaVersion: z.literal(1),
  tool: z.object({ name: z.literal("pulumi-segments"), version: z.string() }),
  /** read-only: only GETs were sent; write: a scratch segment was created, changed and deleted. */
  mode: z.enum(["read-only", "write"]),
  observations: z.array(observationSchema),
});
export type DoctorReport = z.infer<typeof doctorReportSchema>;
