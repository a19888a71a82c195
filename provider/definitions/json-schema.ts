import { z } from "zod";
import { DefinitionFile, definitionMetadata } from "./schemas";

/** Where the generated schema is published inside the package. */
export const JSON_SCHEMA_PATH = "schema/segments.schema.json";

/**
 * The JSON Schema (draft-07, the dialect editors support best) of a definition file or YAML document:
 * one definition or a list of them. Generated from the same zod schemas `validate` uses; cross-field
 * rules, references and member files are checked only by `pulumi-segments validate`.
 */
export function definitionsJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(DefinitionFile, { target: "draft-7", io: "input", unrepresentable: "any", metadata: definitionMetadata() }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: "https://unpkg.com/pulumi-segments/schema/segments.schema.json",
    title: "pulumi-segments definition file",
    description:
      "Segments as files: { kind, name, spec, options? } (or a list of them). kind is ongage.Segment, ongage.ExternalRecipients or ants.Segment; spec holds the resource's arguments; { ref: <name> } stands for another ongage.Segment's segmentId. Generated; do not edit.",
    ...rest,
  };
}

/** The schema file's text: 2-space JSON with a trailing newline (stable, so CI can compare it). */
export function definitionsJsonSchemaText(): string {
  return `${JSON.stringify(definitionsJsonSchema(), null, 2)}\n`;
}
