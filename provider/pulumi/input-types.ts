import type * as pulumi from "@pulumi/pulumi";

/** A plain argument type with every member (deeply) accepting Pulumi inputs. */
export type Inputify<T> = T extends string | number | boolean | null | undefined
  ? T
  : T extends Array<infer U>
    ? Array<pulumi.Input<Inputify<U>>>
    : { [K in keyof T]: pulumi.Input<Inputify<T[K]>> };
