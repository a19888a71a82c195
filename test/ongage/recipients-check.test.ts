import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recipientsProvider } from "../../provider/ongage/recipients-provider";

// check of ongage.ExternalRecipients: the file is read and validated locally (no HTTP: the base URL
// points nowhere), messages name file, line and column but never a value, and both forms of the same
// rows hash alike.
const dir = mkdtempSync(join(tmpdir(), "recipients-check-"));
const saved = { cwd: process.cwd(), env: { ...process.env } };
beforeAll(() => {
  process.chdir(dir);
  process.env.ONGAGE_BASE_URL = "http://127.0.0.1:9";
  delete process.env.ONGAGE_LIST_ID;
});
afterAll(() => {
  process.chdir(saved.cwd);
  process.env = saved.env;
});

const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};
const check = (news: Record<string, unknown>) => recipientsProvider.check({}, { segmentId: "123", ...news });

describe("ongage.ExternalRecipients check, file form", () => {
  it("reads a relative path from the project directory; inputs keep the path, sha256 and count, never a row", async () => {
    write("crm.csv", "email,first_name\r\n ann.smithers@corp.example ,Annabeth\r\nbo.lindqvist@corp.example,\r\n\r\n");
    const res = await check({ file: { path: "crm.csv" } });
    expect(res.failures ?? []).toEqual([]);
    expect(res.inputs).toEqual({ segmentId: "123", file: { path: "crm.csv", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }, recipientCount: 2, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(res.inputs)).not.toMatch(/smithers|lindqvist|Annabeth/);
    // An absolute path inside the project directory is recorded relative, as for ANTS member files.
    const abs = await check({ file: { path: join(dir, "crm.csv") } });
    expect((abs.inputs as { file: { path: string } }).file.path).toBe("crm.csv");
  });

  it("the same rows inline hash alike, so moving them into a file changes nothing", async () => {
    write("same.tsv", "first_name\temail\nAnnabeth\tann.smithers@corp.example\n\tbo.lindqvist@corp.example\n");
    const fromFile = (await check({ file: { path: "same.tsv" } })).inputs as { contentHash: string };
    const inline = (await check({ recipients: [{ email: "bo.lindqvist@corp.example" }, { email: "ann.smithers@corp.example", first_name: "Annabeth" }] })).inputs as { contentHash: string; recipients: unknown[] };
    expect(inline.contentHash).toBe(fromFile.contentHash);
    expect(inline.recipients).toEqual([{ email: "ann.smithers@corp.example", first_name: "Annabeth" }, { email: "bo.lindqvist@corp.example" }]);
  });

  it.each([
    ["no-email.csv", "mail,first_name\nx@corp.example,X\n", /file "no-email\.csv" has no column "email" \(columns: mail, first_name\)/],
    ["bad.csv", "email,first_name\nok.person@corp.example,Ok\nnot-an-address-quillon,Quillonne\n", /file "bad\.csv" line 3, column "email": expected an email address/],
    ["dup.csv", "email\nsame.one@corp.example\nSAME.ONE@corp.example\n", /file "dup\.csv" line 3, column "email": duplicate of line 2/],
    ["short.csv", "email,first_name,last_name\nshort.row@corp.example,Shortie\n", /file "short\.csv" line 2: 2 values for 3 columns/],
    ["empty-email.csv", "email,first_name\n,Nobodyelse\n", /line 2, column "email": empty/],
    ["twice.csv", "email,email\na@corp.example,b@corp.example\n", /column "email" appears twice/],
    ["missing.csv", undefined, /file "missing\.csv" cannot be read \(ENOENT/],
    ["members.xlsx", "x", /unsupported type "\.xlsx"/],
  ])("%s fails at file.path, naming file, line and column, without the value", async (name, text, reason) => {
    if (text !== undefined) write(name, text);
    const res = await check({ file: { path: name } });
    expect(res.failures).toHaveLength(1);
    expect(res.failures![0]!.property).toBe("file.path");
    expect(res.failures![0]!.reason).toMatch(reason);
    expect(res.failures![0]!.reason).not.toMatch(/quillon|Quillonne|Shortie|Nobodyelse|short\.row|same\.one|ok\.person/i);
  });

  it("reports every bad line (up to a limit) in one failure list", async () => {
    write("many.csv", `email\n${Array.from({ length: 30 }, (_, i) => `bad-${i}`).join("\n")}\n`);
    const res = await check({ file: { path: "many.csv" } });
    expect(res.failures!.length).toBe(30);
    expect(res.failures!.map((f) => f.reason)[29]).toMatch(/line 31/);
  });

  it("create reads the file again and refuses a version other than the one check hashed, before any call", async () => {
    write("moving.csv", "email\nfirst.version@corp.example\n");
    const planned = (await check({ file: { path: "moving.csv" } })).inputs!;
    write("moving.csv", "email\nsecond.version@corp.example\n");
    await expect(recipientsProvider.create(planned as never)).rejects.toThrow(/file "moving\.csv" changed after the plan was made/);
  });

  it("exactly one of file and recipients; unknown keys name the allowed ones", async () => {
    expect((await check({})).failures).toEqual([{ property: "file", reason: expect.stringContaining("either `file: { path }` or `recipients`") }]);
    write("one.csv", "email\none@corp.example\n");
    expect((await check({ file: { path: "one.csv" }, recipients: [] })).failures![0]!.property).toBe("recipients");
    expect((await check({ file: { path: "one.csv", delim: "tab" } })).failures).toEqual([{ property: "file.delim", reason: expect.stringContaining("`delimiter`") }]);
  });

  it("inline: a bad or duplicate address is named by index, never by value", async () => {
    const res = await check({ recipients: [{ email: "first.one@corp.example" }, { email: "nope-zorblatt" }, { email: "FIRST.ONE@corp.example" }] });
    expect(res.failures).toEqual([{ property: "recipients[1].email", reason: "expected an email address" }]);
    const dup = await check({ recipients: [{ email: "first.one@corp.example" }, { email: "FIRST.ONE@corp.example" }] });
    expect(dup.failures).toEqual([{ property: "recipients[1].email", reason: "duplicate of recipients[0]" }]);
  });
});
