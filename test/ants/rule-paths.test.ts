import { describe, expect, it } from "vitest";
import { ServerError, ValidationError } from "../../provider/http/errors";
import { describeRejection, userPathOfMapping, withUserPaths } from "../../provider/ants/rule-paths";

// ANTS rules are flat: conditions.mapping_fields[i] is matchRules[i] (provider/ants/normalize.ts toRequestBody).
describe("ANTS mapping paths → matchRules", () => {
  it("names the user's property for each mapping key, and the rule for other keys", () => {
    expect(userPathOfMapping(3, 2, "item_attribute_code")).toBe("matchRules[2].attribute");
    expect(userPathOfMapping(3, 0, "header_code")).toBe("matchRules[0].column");
    expect(userPathOfMapping(3, 0, "header_index")).toBe("matchRules[0].column");
    expect(userPathOfMapping(3, 1, "operator")).toBe("matchRules[1].operator");
    expect(userPathOfMapping(3, 1, "something_new")).toBe("matchRules[1]");
    expect(userPathOfMapping(3, 1, undefined)).toBe("matchRules[1]");
  });

  it("never invents a path beyond the rules sent", () => {
    expect(userPathOfMapping(2, 2, "operator")).toBeUndefined();
    expect(describeRejection(2, "conditions.mapping_fields[5].operator: bad")).toBeUndefined();
    expect(describeRejection(2, "conditions.delimiter: wrong")).toBeUndefined();
  });

  it("keeps the API's text, class, status, method, path and request id", () => {
    const text = 'conditions.mapping_fields[1].item_attribute_code: "shoe_size" is not an attribute of item type -1003';
    const original = new ValidationError({ api: "ants", method: "POST", path: "/segment/create", status: 200, apiCode: 400, detail: text, requestId: "r-9" });
    const mapped = withUserPaths(original, 2) as ValidationError;
    expect(mapped).toBeInstanceOf(ValidationError);
    expect(mapped).toMatchObject({ status: 200, apiCode: 400, method: "POST", path: "/segment/create", requestId: "r-9" });
    expect(mapped.detail).toBe(`ANTS rejected matchRules[1].attribute (conditions.mapping_fields[1].item_attribute_code): ${text}`);
    expect(mapped.cause).toBe(original);
    const other = new ServerError({ api: "ants", method: "POST", path: "/segment/create", status: 500 });
    expect(withUserPaths(other, 2)).toBe(other);
  });
});
