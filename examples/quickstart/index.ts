// Quickstart: Ongage segments as code. Runs against the local emulator by default (see ../../Pulumi.yaml).
import { ongage } from "pulumi-segments";

// Every rule type, written in Ongage's flat encoding.
const gmailBirthdays = new ongage.Segment("gmail-birthdays", {
  name: "Gmail users born before 1998",
  description: "Email contains gmail and birth date before 1998-01-10",
  rules: [
    { type: "email", field: "email", operator: "LIKE", values: ["gmail"] },
    { type: "date_absolute", field: "birthdate", operator: "<", values: ["1998-01-10"] },
  ],
});

// Nested all/any groups: no parentheses to count.
const reachable = new ongage.Segment("reachable-gmail", {
  name: "Gmail with a name or address",
  match: {
    all: [
      { type: "email", field: "email", operator: "LIKE", values: ["@gmail"] },
      {
        any: [
          { type: "string", field: "first_name", operator: "notempty" },
          { type: "string", field: "last_name", operator: "notempty" },
          { type: "string", field: "address", operator: "notempty" },
        ],
        label: "First name or last name or address",
      },
    ],
  },
});

const engaged = new ongage.Segment("engaged-openers", {
  name: "Opened in the last 30 days",
  rules: [
    {
      type: "behavioral",
      event: "opened",
      operator: "=",
      operand: {
        timeRange: { operator: "between", inLast: 30, inLastUnit: "day", to: 0, toUnit: "day" },
        countries: ["US", "GB"],
      },
    },
    { type: "date_relative", field: "ocx_created_date", operator: "<=", values: [365], condition: "and" },
    { type: "numeric", field: "product_id", operator: "><", values: [100, 200], condition: "and" },
  ],
});

// Segment of segments: a real dependency on the two segments above.
export const combined = new ongage.Segment("engaged-or-reachable", {
  name: "Engaged or reachable",
  rules: [{ type: "segment", operator: "=", segmentIds: [engaged.segmentId, reachable.segmentId] }],
});

const vips = new ongage.Segment("vip-whitelist", {
  name: "VIP white list",
  whitelist: true,
  rules: [{ type: "email", field: "email", operator: "=", values: ["ceo@example.com", "cto@example.com"] }],
});

// An external segment filled from our own CRM.
const crm = new ongage.Segment("crm-export", { name: "CRM export", external: { insertMissing: false } });
// The recipients follow the segment (its id and list). A file (`file: { path: "crm-members.csv" }`)
// keeps contacts' data out of the program; inline rows like these are marked secret.
new ongage.ExternalRecipients("crm-export-members", {
  segment: crm,
  recipients: [
    { email: "jane.doe1@example.com", first_name: "Jane", last_name: "Doe-1" },
    { email: "jane.doe2@example.com", first_name: "Jane", last_name: "Doe-2" },
  ],
});

export const segmentIds = {
  gmailBirthdays: gmailBirthdays.segmentId,
  reachable: reachable.segmentId,
  engaged: engaged.segmentId,
  vips: vips.segmentId,
  crm: crm.segmentId,
};

// ANTS CDP: the matching-file segment of the ants-members example is part of the demo too.
export * from "../ants-members";
