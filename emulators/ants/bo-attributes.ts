/**
 * The emulator's fixed catalogue of Business Object attributes (Get BO Attributes, ants.md §8).
 * `data_type` is an ASSUMED property name: the real response carries the datatype under a name the
 * documentation does not show.
 */

export const ITEM_TYPES = { customer: -1003, visitor: -1007 } as const;
export type ItemTypeId = -1003 | -1007;

export function isItemTypeId(v: unknown): v is ItemTypeId {
  return v === -1003 || v === -1007;
}

export type AttributeDataType = "STRING" | "NUMBER" | "DATETIME" | "BOOLEAN" | "TEXT" | "ARRAY";

export interface BoAttribute {
  item_type_id: ItemTypeId;
  item_property_name: string;
  item_property_display: string;
  data_type: AttributeDataType;
  type: number;
  status: number;
  process_status: number | null;
  storage_type: number;
  compute_type: number | null;
  portal_id: number;
  row_count: number | null;
  created_date: string;
  last_updated_date: string;
}

/** Mapping operators allowed per datatype (ants.md §6.2); TEXT and ARRAY have none. */
export function operatorsFor(dataType: AttributeDataType): string[] {
  switch (dataType) {
    case "STRING":
      return ["exactly"];
    case "NUMBER":
    case "DATETIME":
    case "BOOLEAN":
      return ["equals", "not_equals"];
    default:
      return [];
  }
}

const CUSTOMER: [string, string, AttributeDataType][] = [
  ["id", "ID", "STRING"],
  ["customer_id", "Customer ID", "STRING"],
  ["name", "Name", "STRING"],
  ["email", "Email", "STRING"],
  ["phone", "Phone", "STRING"],
  ["date_created", "Date created", "DATETIME"],
  ["birthday", "Birthday", "DATETIME"],
  ["gender", "Gender", "STRING"],
  ["total_spent", "Total spent", "NUMBER"],
  ["is_vip", "Is VIP", "BOOLEAN"],
  ["tags", "Tags", "ARRAY"],
  ["notes", "Notes", "TEXT"],
];

const VISITOR: [string, string, AttributeDataType][] = [
  ["user_id", "User ID", "STRING"],
  ["device_id", "Device ID", "STRING"],
  ["email", "Email", "STRING"],
  ["phone", "Phone", "STRING"],
  ["date_created", "Date created", "DATETIME"],
  ["last_seen", "Last seen", "DATETIME"],
  ["page_views", "Page views", "NUMBER"],
  ["interests", "Interests", "ARRAY"],
];

const CATALOGUE_DATE = "2023-01-01T00:00:00.000Z";

function build(itemTypeId: ItemTypeId, rows: [string, string, AttributeDataType][]): BoAttribute[] {
  return rows.map(([name, display, dataType]) => ({
    item_type_id: itemTypeId,
    item_property_name: name,
    item_property_display: display,
    data_type: dataType,
    type: 1,
    status: 1,
    process_status: null,
    storage_type: 1,
    compute_type: null,
    portal_id: 0,
    row_count: null,
    created_date: CATALOGUE_DATE,
    last_updated_date: CATALOGUE_DATE,
  }));
}

const BY_TYPE: Record<ItemTypeId, BoAttribute[]> = {
  [-1003]: build(-1003, CUSTOMER),
  [-1007]: build(-1007, VISITOR),
};

export function attributesFor(itemTypeId: ItemTypeId, portalId: number): BoAttribute[] {
  return BY_TYPE[itemTypeId].map((a) => ({ ...a, portal_id: portalId }));
}
