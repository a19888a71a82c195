// ANTS CDP: a customer segment matched from a file kept in git. A new version of members.csv (new
// content hash) updates the segment; unchanged content is never uploaded again.
import { join } from "node:path";
import { ants } from "pulumi-segments";

export const members = new ants.Segment("launch-customers", {
  name: "Launch customers",
  audience: "customer",
  // Paths inside the project are recorded relative to it, so state is the same on every machine.
  file: { path: join(__dirname, "members.csv") },
  matchRules: [
    { column: "customer_id", attribute: "customer_id" },
    { column: "email", attribute: "email" },
  ],
  logic: "or",
  schedule: {
    type: "dynamic",
    repeat: { every: 1, unit: "days" },
    start: { day: "2026-12-01", hour: "03:00" },
    end: { afterRuns: 30 },
  },
  alerts: { onFailure: ["email"] },
});

export const membersSegmentId = members.segmentId;
