import { resolve } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { Segment as AntsSegment } from "../ants/public";
import { ExternalRecipients, type ExternalRecipientsArgs } from "../ongage/public";
import { Segment as OngageSegment } from "../ongage/public";
import { formatText, type Diagnostic } from "./diagnostics";
import { parseDefinitionFolder } from "./parse";
import { replaceReferences } from "./references";
import { memberFilePath, validateStructure, type CheckedDefinition } from "./validate";

/** A resource created from a definition file. */
export type DefinedResource = OngageSegment | ExternalRecipients | AntsSegment;

export interface LoadSegmentsOptions {
  /** Options given to every resource (e.g. `parent`, `provider`, `protect`); a definition's own `options` win. */
  resourceOptions?: pulumi.CustomResourceOptions;
}

/** Thrown by `loadSegments` when the files are not valid; `message` lists every problem as file:line:column. */
export class DefinitionsError extends Error {
  constructor(
    readonly dir: string,
    readonly diagnostics: Diagnostic[],
  ) {
    super(`${diagnostics.length} problem${diagnostics.length === 1 ? "" : "s"} in the segment definitions in ${dir}:\n${diagnostics.map((d) => `  ${formatText(d)}`).join("\n")}`);
    this.name = "DefinitionsError";
  }
}

function options(c: CheckedDefinition, base: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions | undefined {
  const own = c.definition.options;
  if (own?.protect === undefined && own?.retainOnDelete === undefined && own?.aliases === undefined) return base;
  return {
    ...base,
    ...(own.protect === undefined ? {} : { protect: own.protect }),
    ...(own.retainOnDelete === undefined ? {} : { retainOnDelete: own.retainOnDelete }),
    // A bare string alias is a whole URN to Pulumi; `{ name }` is the same type, parent, stack and project under that name.
    ...(own.aliases === undefined ? {} : { aliases: own.aliases.map((name) => ({ name })) }),
  };
}

/**
 * Declares one resource per definition found under `dir` (relative paths from the working
 * directory, i.e. the Pulumi project), in dependency order: each `{ ref: name }` becomes that
 * segment's `segmentId` output, so the engine creates it first. ANTS member file paths are resolved
 * from the definition file's folder. Validation here is structural (schemas, names, references) and
 * synchronous; the providers' checks run in the engine as for any resource.
 * Throws DefinitionsError listing every problem, before declaring anything, if the files are invalid.
 * Returns the resources by definition name.
 */
export function loadSegments(dir: string, opts: LoadSegmentsOptions = {}): ReadonlyMap<string, DefinedResource> {
  const root = resolve(dir);
  const parsed = parseDefinitionFolder(root);
  const report = validateStructure(parsed.definitions);
  const diagnostics = [...parsed.diagnostics, ...report.diagnostics];
  if (parsed.files.length === 0) diagnostics.push({ file: root, line: 1, path: "", message: "no definition files (*.yaml, *.yml, *.json) in this folder" });
  if (diagnostics.length > 0) throw new DefinitionsError(dir, diagnostics);

  const segments = new Map<string, OngageSegment>();
  const out = new Map<string, DefinedResource>();
  const segmentIdOf = (name: string) => segments.get(name)!.segmentId;
  for (const c of report.definitions) {
    const d = c.definition;
    const opts_ = options(c, opts.resourceOptions);
    switch (d.kind) {
      case "ongage.Segment": {
        // Every ref is replaced by a segmentId output: what is left are the resource's own arguments.
        const segment = new OngageSegment(d.name, replaceReferences(d.spec, segmentIdOf), opts_);
        segments.set(d.name, segment);
        out.set(d.name, segment);
        break;
      }
      case "ongage.ExternalRecipients": {
        const target = typeof d.spec.segmentId === "object" ? report.definitions.find((t) => t.definition.name === (d.spec.segmentId as { ref: string }).ref) : undefined;
        // Recipients follow their segment's list unless they name one.
        const listId = d.spec.listId ?? (target?.definition.kind === "ongage.Segment" ? target.definition.spec.listId : undefined);
        // A recipients file, like an ANTS member file, is relative to the definition file.
        const file = d.spec.file && { ...d.spec.file, path: memberFilePath(c.source.file, d.spec.file.path) };
        const args = replaceReferences({ ...d.spec, ...(file ? { file } : {}), ...(listId === undefined ? {} : { listId }) }, segmentIdOf);
        // The schema lets both forms be absent or present; the resource's check reports either case.
        out.set(d.name, new ExternalRecipients(d.name, args as ExternalRecipientsArgs, opts_));
        break;
      }
      case "ants.Segment": {
        const file = { ...d.spec.file, path: memberFilePath(c.source.file, d.spec.file.path) };
        out.set(d.name, new AntsSegment(d.name, { ...d.spec, file }, opts_));
        break;
      }
    }
  }
  return out;
}
