import { describe, expect, it } from "vitest";
import { AuthenticationError, RouteNotFoundError } from "../../provider/http/errors";
import { registerSecret } from "../../provider/http/redact";
import { answerShape, antsRow, errorText, idOf, rawPage, typeName } from "../../provider/doctor/ants-probe";
import { observationSchema } from "../../provider/doctor/observation";

describe("ants-probe helpers", () => {
  it("antsRow builds rows the observation schema accepts, with the ants.md citation form", () => {
    const row = antsRow("listing.total", "§3, §4.1", "a", "b", "report", "c");
    expect(observationSchema.parse(row)).toMatchObject({ api: "ants", id: "ants.listing.total", cites: "ants.md §3, §4.1" });
    expect(() => observationSchema.parse(antsRow("x", "4.1", "a", "b", "fine", "c"))).toThrow();
  });

  it("errorText scrubs every registered secret from an error's message", () => {
    registerSecret("Probe-S3cret-value-123");
    expect(errorText(new Error("refused Probe-S3cret-value-123 here"))).not.toContain("Probe-S3cret-value-123");
  });

  it("answerShape says which HTTP status and body code an error came with", () => {
    const init = { api: "ants" as const, method: "POST", path: "/segment/listing" };
    expect(answerShape(new AuthenticationError({ ...init, status: 200, apiCode: 401 }))).toBe("HTTP 200, body code 401 (AuthenticationError)");
    expect(answerShape(new RouteNotFoundError({ ...init, status: 404 }))).toBe("HTTP 404, no ANTS envelope (RouteNotFoundError)");
  });

  it("rawPage and idOf read an envelope whatever its types; typeName names JSON types", () => {
    expect(rawPage({ code: 200, data: { entries: [{ segment_id: "7" }, 3], meta: { total: "2" } } })).toEqual({ entries: [{ segment_id: "7" }], meta: { total: "2" } });
    expect(rawPage({ code: 200, data: "x" })).toBeUndefined();
    expect(idOf({ segment_id: 7 })).toBe("7");
    expect(idOf({})).toBeUndefined();
    expect([typeName(undefined), typeName(null), typeName([]), typeName({}), typeName(1)]).toEqual(["absent", "null", "an array", "an object", "a number"]);
  });
});
