import { AntsClient } from "../ants";
import { antsClientOptions } from "../ants";
import { AUDIENCE_ITEM_TYPE } from "../ants";
import type { ExportResult } from "./export-ongage";
import { uniqueNames, type DefinitionFileOut } from "./render";

const audienceOf = (itemTypeId: unknown) =>
  (Object.entries(AUDIENCE_ITEM_TYPE) as Array<[keyof typeof AUDIENCE_ITEM_TYPE, number]>).find(([, id]) => id === Number(itemTypeId))?.[0];

/**
 * Reads every segment ANTS Listing shows (paged) and writes an `ants.Segment` definition with
 * `adopt: true` for each customer/visitor segment. Listing shows only the name, the audience and
 * static/dynamic, and the member file cannot be downloaded: the definitions leave out `file`,
 * `matchRules` (and a dynamic schedule's `repeat`) so that `validate` lists exactly what to fill in.
 * Credentials come from the provider's settings (ANTS_* environment variables). Everything is read
 * before anything is returned: a failed listing throws, and `onRead` has been told how many rows were read by then.
 */
export async function exportAnts(opts: { onRead?: (read: number) => void } = {}): Promise<ExportResult> {
  const entries = [];
  const notes: string[] = [];
  let read = 0;
  for await (const e of new AntsClient(antsClientOptions()).listing()) {
    opts.onRead?.(++read);
    if (audienceOf(e.item_type_id) === undefined) {
      notes.push(`ANTS segment ${e.segment_id} ("${e.segment_display ?? ""}") has item type ${String(e.item_type_id)}, neither customer nor visitor: skipped.`);
      continue;
    }
    entries.push(e);
  }
  const names = uniqueNames(entries.map((e) => [e.segment_display ?? "", String(e.segment_id)] as const), "ants-segment");
  const files = entries.map((e, i): DefinitionFileOut => {
    const dynamic = e.update_method === "dynamic";
    const spec: Record<string, unknown> = {
      name: e.segment_display ?? "",
      audience: audienceOf(e.item_type_id),
      adopt: true,
      schedule: { type: dynamic ? "dynamic" : "static" },
    };
    return {
      fileName: `${names[i]}.yaml`,
      definition: { kind: "ants.Segment", name: names[i]!, spec },
      comments: [
        `Exported from ANTS CDP, segment ${e.segment_id} ("${e.segment_display ?? ""}").`,
        "adopt: true takes this segment over on the first `pulumi up` (through the update endpoint) instead of creating one.",
        "TO DO before `pulumi up`: ANTS cannot export the member file or its rules. Add",
        "  file: { path: <the member CSV, relative to this file> }",
        "  matchRules: [{ column: <file header>, attribute: <BO attribute code> }]",
        ...(dynamic ? ["  schedule.repeat: { every: <n>, unit: hours|days|weeks|months } (and start/end as set in ANTS)"] : []),
        "then run `pulumi-segments validate` until it passes.",
      ],
    };
  });
  if (files.length > 0) {
    notes.push(`${files.length === 1 ? "1 ANTS definition needs" : `${files.length} ANTS definitions need`} file and matchRules${files.some((f) => (f.definition.spec.schedule as { type: string }).type === "dynamic") ? " (and schedule.repeat for dynamic ones)" : ""} filled in: ANTS does not export them. \`pulumi-segments validate\` lists what is missing.`);
  }
  const other = read - entries.length;
  return { files, notes, read, skipped: other > 0 ? [`${other} neither customer nor visitor`] : [], flat: 0 };
}
