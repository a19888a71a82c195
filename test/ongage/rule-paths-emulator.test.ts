import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startOngageEmulator, type OngageEmulator } from "../../emulators/ongage/server";
import { ValidationError } from "../../provider/http/errors";
import { CanonicalSegment } from "../../provider/ongage/canonical";
import { segmentProvider } from "../../provider/ongage/provider";
import { forgetClaims } from "../../provider/pulumi/claims";
import { forgetConfig } from "../../provider/pulumi/settings";

// Errors at create/update name the path the user wrote (`match.all[1].field`), in-process against the emulator.
const CREDS = { username: "paths-user", password: "paths-Secret-123", accountCode: "PATHSACC" };
const LIST = 10000;
let emu: OngageEmulator;
const saved = { ...process.env };

beforeAll(async () => {
  emu = await startOngageEmulator({ credentials: CREDS, defaultListId: LIST });
  forgetConfig();
  Object.assign(process.env, {
    ONGAGE_BASE_URL: emu.url,
    ONGAGE_USERNAME: CREDS.username,
    ONGAGE_PASSWORD: CREDS.password,
    ONGAGE_ACCOUNT_CODE: CREDS.accountCode,
    ONGAGE_LIST_ID: String(LIST),
    ONGAGE_TIMEOUT_MS: "1500",
  });
});
afterAll(async () => {
  process.env = saved;
  await emu.close();
});
beforeEach(() => {
  emu.http.clearLog();
  forgetClaims();
});

async function checked(news: Record<string, unknown>): Promise<CanonicalSegment> {
  const res = await segmentProvider.check({}, news);
  expect(res.failures ?? []).toEqual([]);
  return CanonicalSegment.parse(res.inputs);
}

const segmentWrites = () => emu.http.requests.filter((r) => (r.method === "POST" || r.method === "PUT") && /\/api\/segments(\/\d+)?$/.test(r.path));
const email = { type: "email", field: "email", operator: "LIKE", values: ["@gmail"] };
const matchWith = (second: Record<string, unknown>) => ({ all: [email, second] });

describe("ongage errors at apply name the user's path", () => {
  it("an unknown field name inside match.all[1] fails before any write, naming match.all[1].field", async () => {
    const inputs = await checked({ name: "unknown field", match: matchWith({ type: "string", field: "country", operator: "notempty" }) });
    const err = (await segmentProvider.create(inputs).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(/^match\.all\[1\]\.field: list 10000 has no field named "country" \(fields: .*first_name/);
    expect(err.message).not.toMatch(/rules\[/);
    expect(segmentWrites()).toEqual([]);
  });

  it("deep in nested groups the resolver names the nested path", async () => {
    const inputs = await checked({ name: "deep", match: { all: [email, { any: [{ type: "string", field: "first_name", operator: "notempty" }, { type: "string", field: "nickname", operator: "empty" }] }] } });
    await expect(segmentProvider.create(inputs)).rejects.toThrow(/^match\.all\[1\]\.any\[1\]\.field: list 10000 has no field named "nickname"/);
  });

  it("flat rules keep naming rules[i]", async () => {
    const inputs = await checked({ name: "flat", rules: [email, { type: "string", field: "country", operator: "notempty" }] });
    await expect(segmentProvider.create(inputs)).rejects.toThrow(/^rules\[1\]\.field: list 10000 has no field named "country"/);
  });

  it("a 412 on create names the user's path and keeps the API's text, status and class; nothing is created", async () => {
    const inputs = await checked({ name: "bad field id", match: matchWith({ type: "string", fieldId: 999, operator: "notempty" }) });
    const err = (await segmentProvider.create(inputs).catch((e: Error) => e)) as ValidationError;
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.status).toBe(412);
    expect(err.message).toMatch(/→ 412 Ongage rejected match\.all\[1\]\.fieldId \(criteria\[1\]\.field_id\): Invalid data: criteria\[1\]\.field_id: 999 is not a field of list 10000/);
    expect(segmentWrites().map((r) => r.method)).toEqual(["POST"]);
    expect(emu.store.liveSegments(LIST).filter((s) => s.name === "bad field id")).toEqual([]);
  });

  it("a 412 on update names the user's path inside a nested group and leaves the segment as it was", async () => {
    const first = await checked({ name: "update me", match: { all: [email, { any: [{ type: "string", field: "first_name", operator: "notempty" }] }] } });
    const { id, outs } = await segmentProvider.create(first);
    const next = await checked({ name: "update me", match: { all: [email, { any: [{ type: "string", field: "first_name", operator: "notempty" }, { type: "string", field: "product_id", operator: "=", values: ["x"] }] }] } });
    const err = (await segmentProvider.update(id, outs, next).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(/^updating segment \d+ \("update me"\) failed: ongage PUT \/10000\/api\/segments\/\d+ → 412 Ongage rejected match\.all\[1\]\.any\[1\]\.type \(criteria\[2\]\.type\): Invalid data: criteria\[2\]\.type: string does not match field product_id/);
    expect(err.cause).toBeInstanceOf(ValidationError);
    const read = await segmentProvider.read(id, outs);
    expect(read.props?.rules).toEqual(outs.rules);
  });

  it("adopting (converge by PUT) names the user's path too", async () => {
    const plain = await checked({ name: "adopt target", rules: [email] });
    await segmentProvider.create(plain);
    forgetClaims();
    const adopting = await checked({ name: "adopt target", adopt: true, match: matchWith({ type: "numeric", fieldId: 4242, operator: ">", values: [1] }) });
    await expect(segmentProvider.create(adopting)).rejects.toThrow(/Ongage rejected match\.all\[1\]\.fieldId \(criteria\[1\]\.field_id\): Invalid data: criteria\[1\]\.field_id: 4242 is not a field/);
  });

  it("no path reaches check's inputs, outputs or state, and diff of an unchanged match definition is clean", async () => {
    const res = await segmentProvider.check({}, { name: "paths", match: { all: [email, { any: [{ type: "string", field: "first_name", operator: "notempty" }] }] } });
    expect(res.inputs).toEqual(CanonicalSegment.strict().parse(res.inputs));
    const inputs = CanonicalSegment.parse(res.inputs);
    const { id, outs } = await segmentProvider.create(inputs);
    expect(JSON.stringify({ inputs, outs })).not.toMatch(/match\.|any\[|all\[/);
    expect(await segmentProvider.diff(id, outs, inputs)).toEqual({ changes: false, replaces: [] });
    const read = await segmentProvider.read(id, outs);
    expect(read.inputs).toEqual(inputs);
  });

  it("without a check of this very definition in the process, the compiled rule is named, never a guessed path", async () => {
    const inputs = await checked({ name: "checked name", match: matchWith({ type: "string", field: "country", operator: "notempty" }) });
    await expect(segmentProvider.create({ ...inputs, name: "never checked" })).rejects.toThrow(/^field of compiled rule 1: list 10000 has no field named "country"/);
  });

  it("the README's example messages are the real ones (request id aside)", async () => {
    const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
    const at = readme.indexOf("What only `up` can find out");
    const start = readme.indexOf("```text\n", at) + "```text\n".length;
    const expected = readme.slice(start, readme.indexOf("```", start)).trimEnd().split("\n");
    const failures = [
      { name: "readme field", match: matchWith({ type: "string", field: "country", operator: "=", values: ["NL"] }) },
      { name: "readme blank", match: { all: [email, { any: [{ type: "string", field: "first_name", operator: "=", values: [" "] }] }] } },
    ];
    const actual: string[] = [];
    for (const f of failures) actual.push(((await segmentProvider.create(await checked(f)).catch((e: Error) => e)) as Error).message.replace(/\[request id [^\]]+\]/, "[request id …]"));
    expect(actual).toEqual(expected);
  });
});
