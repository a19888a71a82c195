import { z } from "zod";
import { SegmentInputs as AntsSegmentInputs } from "../ants/schemas";
import { refineSegment } from "../ongage/rules";
import {
  MatchGroupSchema,
  RecipientsInputs,
  RuleInput,
  SegmentInputs as OngageSegmentInputs,
  type MatchGroup,
  type MatchItem,
  type RuleInput as RuleInputType,
  type SegmentInputs as OngageSegmentInputsType,
} from "../ongage/schemas";

/** The three resource kinds a definition file can declare. */
export const KINDS = ["ongage.Segment", "ongage.ExternalRecipients", "ants.Segment"] as const;
export type Kind = (typeof KINDS)[number];

/** `{ ref: "<name>" }`: the id of the `ongage.Segment` definition with that name (a Pulumi dependency). */
export const SegmentRef = z.strictObject({
  ref: z.string().min(1).describe("Name of an ongage.Segment definition; becomes its segmentId."),
}).meta({ id: "SegmentRef" });

const ID_OR_REF = { error: "expected a segment id or { ref: <name of an ongage.Segment definition> }" };
export type SegmentRef = z.infer<typeof SegmentRef>;

// ---------------------------------------------------------------------------------------------
// Ref-widened types: the resources' own input types, with `{ ref }` allowed where a segment id is.
// ---------------------------------------------------------------------------------------------

type WidenRule<R> = R extends { type: "segment"; segmentIds: Array<infer I> }
  ? { [K in keyof R]: K extends "segmentIds" ? Array<I | SegmentRef> : R[K] }
  : R;
type WidenGroup<G> = G extends unknown
  ? { [K in keyof G]: K extends "all" | "any" ? Array<WidenItem<MatchItem>> : G[K] }
  : never;
type WidenItem<I> = I extends MatchGroup ? WidenGroup<I> : WidenRule<I>;

/** A rule of `ongage.Segment` in a definition file. */
export type DefinitionRule = WidenRule<RuleInputType>;
/** A nested all/any group of `ongage.Segment` in a definition file. */
export type DefinitionMatchGroup = WidenGroup<MatchGroup>;
/** `ongage.Segment` arguments in a definition file. */
export type OngageSegmentSpec = Omit<OngageSegmentInputsType, "rules" | "match"> & {
  rules?: DefinitionRule[];
  match?: DefinitionMatchGroup;
};
/** `ongage.ExternalRecipients` arguments in a definition file. */
export type RecipientsSpec = Omit<z.input<typeof RecipientsInputs>, "segmentId"> & {
  segmentId: z.input<typeof RecipientsInputs>["segmentId"] | SegmentRef;
};
/** `ants.Segment` arguments in a definition file (nothing to refer to: the resource's own inputs). */
export type AntsSegmentSpec = z.input<typeof AntsSegmentInputs>;

// ---------------------------------------------------------------------------------------------
// Ref-widened schemas, derived from the resources' input schemas (no field is listed twice).
// ---------------------------------------------------------------------------------------------

type RuleObject = z.ZodObject<z.ZodRawShape>;
type RuleUnion = z.ZodDiscriminatedUnion<RuleObject[], "type">;

/** The segment-of-segment rule with `segmentIds` items widened to `id | { ref }`; other rules unchanged. */
function widenRule(rule: RuleObject): RuleObject {
  const ids = rule.shape.segmentIds;
  if (!(ids instanceof z.ZodArray)) return rule;
  // `.min(1)` restates the resource schema's own bound on segmentIds.
  return rule.extend({ segmentIds: z.array(z.union([ids.element as z.ZodType, SegmentRef], ID_OR_REF)).min(1) });
}

const widenRules = (rules: RuleUnion): RuleUnion => z.discriminatedUnion("type", rules.options.map(widenRule) as [RuleObject, ...RuleObject[]]);

type GroupObject = z.ZodObject<z.ZodRawShape>;
type LazyUnion = z.ZodLazy<z.ZodUnion<GroupObject[]>>;

/** The resource's all/any group objects, and the flat rule union their items allow. */
const groupOptions = (MatchGroupSchema as unknown as LazyUnion).unwrap().options;
const firstItems = groupOptions[0]!.shape.all as z.ZodArray<z.ZodLazy<z.ZodUnion<[RuleUnion, z.ZodType]>>>;
const groupRules = firstItems.element.unwrap().options[0];

const DefinitionMatchItemSchema: z.ZodType<WidenItem<MatchItem>> = z.lazy(() =>
  z.union([widenRules(groupRules), DefinitionMatchGroupSchema]),
) as unknown as z.ZodType<WidenItem<MatchItem>>;

const DefinitionMatchGroupSchema: z.ZodType<DefinitionMatchGroup> = z.lazy(() =>
  z.union(
    groupOptions.map((group) => {
      const key = "all" in group.shape ? "all" : "any";
      return group.extend({ [key]: z.array(DefinitionMatchItemSchema).min(1) });
    }) as unknown as [GroupObject, ...GroupObject[]],
  ),
).meta({ id: "MatchGroup" }) as unknown as z.ZodType<DefinitionMatchGroup>;

/** `ongage.Segment` arguments with refs allowed in segment rules; the resource's cross-field rules apply. */
export const OngageSegmentSpecSchema = OngageSegmentInputs.extend({
  // `.max(100)` restates the resource schema's own bound on rules.
  rules: z.array(widenRules(RuleInput as unknown as RuleUnion)).max(100).optional(),
  match: DefinitionMatchGroupSchema.optional(),
}).superRefine((spec, ctx) => refineSegment(spec as OngageSegmentInputsType, ctx)) as unknown as z.ZodType<OngageSegmentSpec>;

/** `ongage.ExternalRecipients` arguments with `segmentId` accepting `{ ref }`. */
export const RecipientsSpecSchema = RecipientsInputs.extend({
  segmentId: z.union([RecipientsInputs.shape.segmentId, SegmentRef], ID_OR_REF),
}) as unknown as z.ZodType<RecipientsSpec>;

/** `ants.Segment` arguments: exactly the resource's inputs. `file.path` is relative to the definition file. */
export const AntsSegmentSpecSchema = AntsSegmentInputs;

// ---------------------------------------------------------------------------------------------
// The definition document
// ---------------------------------------------------------------------------------------------

/** A Pulumi logical name: unique across every definition file, URN-safe. */
export const DefinitionName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "expected 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit")
  .describe("Pulumi logical name of the resource; unique across all definition files; what `ref` names.");

export const DefinitionOptions = z.strictObject({
  /** Pulumi's `protect`: the resource cannot be deleted until this is removed. */
  protect: z.boolean().optional().describe("Pulumi `protect`: refuse to delete the resource."),
  /** Pulumi's `retainOnDelete`: a delete (or the old copy of a replacement) leaves the segment in the API. */
  retainOnDelete: z.boolean().optional().describe("Pulumi `retainOnDelete`: a delete forgets the resource but leaves it in the API."),
});

const envelope = <K extends Kind, S extends z.ZodType>(kind: K, spec: S, id: string, description: string) =>
  z
    .strictObject({
      $schema: z.string().optional(),
      kind: z.literal(kind),
      name: DefinitionName,
      spec: spec.describe(`The ${kind} arguments, as in the TypeScript API.`),
      options: DefinitionOptions.optional(),
    })
    .meta({ id, description });

export const OngageSegmentDefinition = envelope("ongage.Segment", OngageSegmentSpecSchema, "OngageSegmentDefinition", "An Ongage segment.");
export const RecipientsDefinition = envelope(
  "ongage.ExternalRecipients",
  RecipientsSpecSchema,
  "OngageExternalRecipientsDefinition",
  "Recipients pushed into an external Ongage segment.",
);
export const AntsSegmentDefinition = envelope("ants.Segment", AntsSegmentSpecSchema, "AntsSegmentDefinition", "An ANTS CDP matching-file segment.");

/** The schema of each kind's definition. */
export const DEFINITION_BY_KIND = {
  "ongage.Segment": OngageSegmentDefinition,
  "ongage.ExternalRecipients": RecipientsDefinition,
  "ants.Segment": AntsSegmentDefinition,
} as const satisfies Record<Kind, z.ZodType>;

/** One definition: `{ kind, name, spec, options? }`. */
export const Definition = z
  .discriminatedUnion("kind", [OngageSegmentDefinition, RecipientsDefinition, AntsSegmentDefinition])
  .meta({ id: "Definition" });
export type Definition = z.output<typeof Definition>;
export type DefinitionInput = z.input<typeof Definition>;

/** What one file (or one YAML document) holds: a definition or a list of them. */
export const DefinitionFile = z.union([Definition, z.array(Definition)]);
