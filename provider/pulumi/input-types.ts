import type * as pulumi from "@pulumi/pulumi";

/** A plain argument type with every member (deeply) accepting Pulumi inputs. */
export type Inputify<T> = T extends string | number | boolean | null | undefined
  ? T
  : T extends Array<infer U>
    ? Array<pulumi.Input<Inputify<U>>>
    : { [K in keyof T]: pulumi.Input<Inputify<T[K]>> };

/**
 * The Pulumi argument type of a zod input object type T, as the base of a named interface
 * (`interface X extends InputsOf<z.input<typeof XSchema>, "type"> {}`): every property accepts a
 * Pulumi input, deeply, with two exceptions.
 * - Keys in `Plain` keep T's own type: a union's discriminant must be a plain literal for TypeScript
 *   to pick the member an object literal names.
 * - Keys in `Named` take the input type given for them (for an array, the type of each element;
 *   `undefined` kept where T has it), so hovers and errors name it instead of a nested mapped type.
 * Optionality follows T.
 */
export type InputsOf<T, Plain extends keyof T = never, Named extends { [K in keyof T]?: unknown } = {}> = {
  // Inline conditionals (no helper alias), so a hover shows the resulting type, not the alias applied to T.
  [K in keyof T]: K extends Plain
    ? T[K]
    : K extends keyof Named
      ? ([Exclude<T[K], undefined>] extends [ReadonlyArray<unknown>] ? pulumi.Input<Array<Named[K]>> : Named[K]) | Extract<T[K], undefined>
      : pulumi.Input<Inputify<T[K]>>;
};

/**
 * `pulumi.Input<U | Others>` for a union U discriminated by a plain literal key D, in a form
 * TypeScript can discriminate. `Others` (members without D, such as nested groups) and the promise
 * and output branches declare that they have no plain D, so an object literal is checked against the
 * one member its D names and a mistake is reported at the wrong property, against that member's type
 * (with plain `Input<U>`, TypeScript keeps those branches as candidates and reports the whole union).
 * Every value `Input<U | Others>` accepts is still accepted: a promise has no D, and an output's
 * lifted D is itself an output.
 */
export type DiscriminatedInput<U, Others = never, D extends PropertyKey = "type"> =
  | U
  | ((Others | Promise<U | Others> | pulumi.OutputInstance<U | Others>) & { [K in D]?: pulumi.OutputInstance<unknown> });

/**
 * `true` when the named members cover every variant of the schema's union (by discriminant D); use as
 * `type _ = Covers<...>` with `Assert`, so a variant added to a schema without a named type fails the build.
 */
export type Covers<Named, Schema, D extends PropertyKey = "type"> = [
  Exclude<Schema extends Record<D, infer V> ? V : never, Named extends Record<D, infer V> ? V : never>,
] extends [never]
  ? true
  : false;
export type Assert<T extends true> = T;
