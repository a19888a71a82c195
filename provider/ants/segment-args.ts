import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { Assert, Covers, DiscriminatedInput, InputsOf } from "../pulumi/input-types";
import type { MatchRuleInput, ScheduleInput, SegmentInputs } from "./inputs";

// Named argument types of `ants.Segment`, each derived from the zod input schema (the only definition
// of their shape): every property accepts a Pulumi input, except a schedule's `type`, a plain literal
// so TypeScript picks the schedule an object literal names and reports a mistake against it. Each
// schedule interface restates its own `type` (checked against the schema) only so a hover names it.

type ScheduleOf<T extends z.input<typeof ScheduleInput>["type"]> = Extract<z.input<typeof ScheduleInput>, { type: T }>;

/** `{ column, attribute, operator? }`: a header of the member file matched to a business-object attribute. */
export interface MatchRule extends InputsOf<z.input<typeof MatchRuleInput>> {}

/** `{ type: "static" }`: computed once, when the segment is created. */
export interface StaticSchedule extends InputsOf<ScheduleOf<"static">, "type"> {
  type: "static";
}
/** `{ type: "dynamic", repeat, start?, end? }`: recomputed on a schedule. */
export interface DynamicSchedule extends InputsOf<ScheduleOf<"dynamic">, "type"> {
  type: "dynamic";
}
/** When the CDP computes the segment; `type` picks the shape (static ↔ dynamic replaces the segment). */
export type Schedule = StaticSchedule | DynamicSchedule;
type _SchedulesNamed = Assert<Covers<Schedule, z.input<typeof ScheduleInput>>>;

/** Arguments of an ANTS CDP segment; every member accepts Pulumi inputs. */
export interface SegmentArgs
  extends InputsOf<SegmentInputs, never, { matchRules: pulumi.Input<MatchRule>; schedule: DiscriminatedInput<Schedule> }> {}
