import { z } from "zod";
import { SegmentInputs as AntsSegmentInputs } from "../ants";
import {
  RecipientsInputs,
  SegmentIdInput,
  refineSegment,
  ruleSchemas,
  segmentInputShape,
  type MatchGroupOf,
  type SegmentInputs as OngageSegmentInputs,
} from "../ongage";

/** The three resource kinds a definition file can declare. */
export const KINDS = ["ongage.Segment", "ongage.ExternalRecipients", "ants.Segment"] as const;
export type Kind = (typeof KINDS)[number];

/** `{ ref: "<name>" }`: the id of the `ongage.Segment` definition with that name (a Pulumi dependency). */
export const SegmentRef = z.strictObject({
  ref: z.string().min(1),
});

const ID_OR_REF = { error: "expected a segment id or { ref: <name of an ongage.Segment definition> }" };
export type SegmentRef = z.infer<typeof SegmentRef>;

// ---------------------------------------------------------------------------------------------
// Ref-widened schemas: the resources' own building blocks with `{ ref }` allowed where a segment id
// is (no field is listed twice, no bound restated).
// ---------------------------------------------------------------------------------------------

const DEFINITION_RULES = ruleSchemas(z.union([SegmentIdInput, SegmentRef], ID_OR_REF));

/** A rule of `ongage.Segment` in a definition file. */
export type DefinitionRule = z.input<typeof DEFINITION_RULES.rule>;
/** A nested all/any group of `ongage.Segment` in a definition file. */
export type DefinitionMatchGroup = MatchGroupOf<DefinitionRule>;

/** `ongage.Segment` arguments with refs allowed in segment rules; the resource's cross-field rules apply. */
export const OngageSegmentSpecSchema = z
  .strictObject(segmentInputShape(DEFINITION_RULES.shape.rules, DEFINITION_RULES.shape.match))
  // The cross-field rules never look at segment ids, the only place a spec differs from the resource's inputs.
  .superRefine((spec, ctx) => refineSegment(spec as OngageSegmentInputs, ctx));
/** `ongage.Segment` arguments in a definition file. */
export type OngageSegmentSpec = z.input<typeof OngageSegmentSpecSchema>;

/** `ongage.ExternalRecipients` arguments with `segmentId` accepting `{ ref }`. */
export const RecipientsSpecSchema = RecipientsInputs.extend({
  segmentId: z.union([RecipientsInputs.shape.segmentId, SegmentRef], ID_OR_REF),
});
/** `ongage.ExternalRecipients` arguments in a definition file. */
export type RecipientsSpec = z.input<typeof RecipientsSpecSchema>;
/** `ants.Segment` arguments in a definition file (nothing to refer to: the resource's own inputs). */
export type AntsSegmentSpec = z.input<typeof AntsSegmentInputs>;

/** `ants.Segment` arguments: exactly the resource's inputs. `file.path` is relative to the definition file. */
export const AntsSegmentSpecSchema = AntsSegmentInputs;

// ---------------------------------------------------------------------------------------------
// The definition document
// ---------------------------------------------------------------------------------------------

/** A Pulumi logical name: unique across every definition file, URN-safe. */
export const DefinitionName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "expected 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit");

export const DefinitionOptions = z.strictObject({
  /** Pulumi's `protect`: the resource cannot be deleted until this is removed. */
  protect: z.boolean().optional(),
  /** Pulumi's `retainOnDelete`: a delete (or the old copy of a replacement) leaves the segment in the API. */
  retainOnDelete: z.boolean().optional(),
  /**
   * Pulumi's `aliases`, by name: previous names of this definition (same kind). The stack's resource
   * under an old name is taken over (same segment, same id) instead of a new segment being created and
   * the old one deleted. No live definition may use an alias as its name.
   */
  aliases: z.array(DefinitionName).min(1).optional(),
});

const definitionSchema = <K extends Kind, S extends z.ZodType>(kind: K, spec: S) =>
  z.strictObject({
    $schema: z.string().optional(),
    kind: z.literal(kind),
    name: DefinitionName,
    spec,
    options: DefinitionOptions.optional(),
  });

export const OngageSegmentDefinition = definitionSchema("ongage.Segment", OngageSegmentSpecSchema);
export const RecipientsDefinition = definitionSchema("ongage.ExternalRecipients", RecipientsSpecSchema);
export const AntsSegmentDefinition = definitionSchema("ants.Segment", AntsSegmentSpecSchema);

/** The schema of each kind's definition. */
export const DEFINITION_BY_KIND = {
  "ongage.Segment": OngageSegmentDefinition,
  "ongage.ExternalRecipients": RecipientsDefinition,
  "ants.Segment": AntsSegmentDefinition,
} as const satisfies Record<Kind, z.ZodType>;

/** One definition: `{ kind, name, spec, options? }`. */
export const Definition = z.discriminatedUnion("kind", [OngageSegmentDefinition, RecipientsDefinition, AntsSegmentDefinition]);
export type Definition = z.output<typeof Definition>;
export type DefinitionInput = z.input<typeof Definition>;

/** What one file (or one YAML document) holds: a definition or a list of them. */
export const DefinitionFile = z.union([Definition, z.array(Definition)]);

/**
 * JSON Schema ids and descriptions of the schemas above, in a registry of their own built on each
 * call (never zod's global registry, never at import): what json-schema.ts generates with.
 */
export function definitionMetadata(): z.core.$ZodRegistry<{ id?: string; description?: string }> {
  const registry = z.registry<{ id?: string; description?: string }>();
  registry.add(SegmentRef, { id: "SegmentRef" });
  registry.add(SegmentRef.shape.ref, { description: "Name of an ongage.Segment definition; becomes its segmentId." });
  registry.add(DEFINITION_RULES.group, { id: "MatchGroup" });
  registry.add(DefinitionName, { description: "Pulumi logical name of the resource; unique across all definition files; what `ref` names." });
  registry.add(DefinitionOptions.shape.protect, { description: "Pulumi `protect`: refuse to delete the resource." });
  registry.add(DefinitionOptions.shape.retainOnDelete, { description: "Pulumi `retainOnDelete`: a delete forgets the resource but leaves it in the API." });
  registry.add(DefinitionOptions.shape.aliases, {
    description: "Pulumi `aliases`: previous names of this definition; after a rename, the resource under the old name is kept (same segment) instead of replaced.",
  });
  const kinds: Array<[{ shape: { spec: z.ZodType } } & z.ZodType, Kind, string, string]> = [
    [OngageSegmentDefinition, "ongage.Segment", "OngageSegmentDefinition", "An Ongage segment."],
    [RecipientsDefinition, "ongage.ExternalRecipients", "OngageExternalRecipientsDefinition", "Recipients pushed into an external Ongage segment."],
    [AntsSegmentDefinition, "ants.Segment", "AntsSegmentDefinition", "An ANTS CDP matching-file segment."],
  ];
  for (const [schema, kind, id, description] of kinds) {
    registry.add(schema, { id, description });
    registry.add(schema.shape.spec, { description: `The ${kind} arguments, as in the TypeScript API.` });
  }
  registry.add(Definition, { id: "Definition" });
  return registry;
}
