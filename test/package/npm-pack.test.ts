import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, posix, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

/** What `npm pack` puts in the tarball users install (needs `npm run build`, which `npm test` runs first). */
const root = resolve(__dirname, "..", "..");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  name: string; main: string; types: string; bin: Record<string, string>; license: string;
  dependencies: Record<string, string>; peerDependencies: Record<string, string>;
};

let files: string[] = [];
let size = 0;
beforeAll(() => {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const [pack] = JSON.parse(out) as Array<{ files: Array<{ path: string }>; size: number }>;
  files = pack!.files.map((f) => f.path).sort();
  size = pack!.size;
}, 60_000);

/** Every shipped file matches one of these. */
const ALLOWED = [
  /^(package\.json|README\.md|LICENSE|CHANGELOG\.md)$/,
  /^schema\/(segments|review-report|review-policy)\.schema\.json$/,
  /^dist\/(provider|cli|emulators)\/[\w/-]+\.(js|d\.ts)$/,
  /^emulators\/(ongage|ants)\/README\.md$/,
];
/** Named separately so that a failure says what leaked. */
const FORBIDDEN: Array<[string, RegExp]> = [
  ["the test engine (driver)", /(^|\/)driver\//],
  ["tests", /(^|\/)test\/|\.test\.[jt]s$/],
  ["fixtures", /fixtures?\//],
  ["source maps", /\.map$/],
  ["TypeScript sources", /(?<!\.d)\.ts$/],
  ["benchmarks and repo scripts", /^(bench|scripts|build|examples|\.ci)\//],
  ["local state", /(^|\/)(\.pulumi-demo|node_modules)\//],
];

describe("npm pack", () => {
  it("ships only the library, the CLI, the emulators, the JSON Schema and the package documents", () => {
    expect(files.filter((f) => !ALLOWED.some((re) => re.test(f)))).toEqual([]);
    for (const [what, re] of FORBIDDEN) expect(files.filter((f) => re.test(f)), what).toEqual([]);
  });

  it("has every file users run or read: entry points, bin, the serialized shims, the emulators, schema, LICENSE, CHANGELOG", () => {
    const must = [
      "package.json", "README.md", "LICENSE", "CHANGELOG.md", "schema/segments.schema.json", "schema/review-report.schema.json", "schema/review-policy.schema.json",
      posix.normalize(manifest.main), posix.normalize(manifest.types), ...Object.values(manifest.bin).map((b) => posix.normalize(b)),
      // Serialized providers require these by package path (pulumi-segments/dist/provider/...): state depends on them.
      "dist/provider/ongage/shim.js", "dist/provider/ongage/recipients-shim.js", "dist/provider/ants/shim.js",
      "dist/emulators/index.js", "dist/emulators/index.d.ts", "dist/emulators/ongage/server.js", "dist/emulators/ants/server.js",
      "emulators/ongage/README.md", "emulators/ants/README.md",
    ];
    expect(must.filter((f) => !files.includes(f))).toEqual([]);
    // About 310,000 with the review report and policy; 440,000 with doctor, validate --live and rule paths
    // (half of the unpacked size is .d.ts). The budget catches a leak (tests, maps, state), not growth.
    expect(size).toBeLessThan(500_000);
  });

  it("LICENSE is the full Apache License 2.0 text, as package.json declares", () => {
    expect(manifest.license).toBe("Apache-2.0");
    const text = readFileSync(join(root, "LICENSE"), "utf8");
    expect(text).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    for (const section of ["1. Definitions.", "2. Grant of Copyright License.", "3. Grant of Patent License.", "4. Redistribution.", "9. Accepting Warranty or Additional Liability.", "END OF TERMS AND CONDITIONS"]) expect(text).toContain(section);
  });

  it("shipped code requires only shipped files, Node built-ins, dependencies and the peer SDK", () => {
    const shipped = new Set(files);
    const allowedPackages = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]);
    const problems: string[] = [];
    for (const file of files.filter((f) => f.endsWith(".js"))) {
      const text = readFileSync(join(root, file), "utf8");
      for (const [, spec] of text.matchAll(/\brequire\("([^"]+)"\)/g)) {
        if (spec!.startsWith(".")) {
          const base = posix.join(posix.dirname(file), spec!);
          if (![base, `${base}.js`, `${base}/index.js`, `${base}.json`].some((c) => shipped.has(c))) problems.push(`${file}: ${spec} is not shipped`);
        } else {
          const bare = spec!.replace(/^node:/, "");
          const pkg = bare.startsWith("@") ? bare.split("/").slice(0, 2).join("/") : bare.split("/")[0]!;
          if (pkg === "pulumi-segments") {
            // Self-references by package path (the serialized shims); `<api>` placeholders are in comments.
            const sub = bare.slice("pulumi-segments/".length);
            if (!/[<>]/.test(sub) && !shipped.has(sub)) problems.push(`${file}: ${spec} is not shipped`);
          } else if (!builtinModules.includes(bare) && !allowedPackages.has(pkg)) problems.push(`${file}: ${spec} is not a dependency`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
