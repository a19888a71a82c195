import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const HTTP = join(__dirname, "..", "..", "provider", "http");
const files = readdirSync(HTTP).filter((f) => f.endsWith(".ts"));

describe("provider/http is the bottom layer", () => {
  it("imports nothing from pulumi/, ongage/, ants/, review/ or definitions/", () => {
    expect(files.length).toBeGreaterThan(5);
    const offending = files.flatMap((f) =>
      [...readFileSync(join(HTTP, f), "utf8").matchAll(/from\s+["']([^"']+)["']/g)]
        .map((m) => m[1]!)
        .filter((spec) => spec.startsWith("..") )
        .map((spec) => `${f}: ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it("speaks of HTTP only: no Pulumi commands or resource options in its messages", () => {
    const offending = files.filter((f) => /pulumi up|`adopt|adopt: true|pulumi config/i.test(readFileSync(join(HTTP, f), "utf8")));
    expect(offending).toEqual([]);
  });
});
