import { describe, expect, it } from "vitest";
import { IncompleteListingError } from "../../provider/http/errors";
import { completeListing, type ListingPage } from "../../provider/http/listing";

// completeListing against scripted servers: each case is what a server answers page by page.

type Row = { id: string };
const rows = (...ids: number[]): Row[] => ids.map((id) => ({ id: String(id) }));

async function list(pages: Array<Omit<ListingPage<Row>, "asked">>, asked = 2): Promise<{ ids: string[]; requested: number }> {
  let requested = 0;
  const ids: string[] = [];
  const source = {
    api: "ants" as const,
    what: "segments",
    idOf: (r: Row) => r.id,
    page: async (_received: number, pageNumber: number) => {
      requested++;
      const p = pages[pageNumber - 1] ?? { rows: [], total: undefined };
      return { ...p, asked };
    },
  };
  for await (const r of completeListing(source)) ids.push(r.id);
  return { ids, requested };
}

describe("completeListing", () => {
  it("ends when the total is reached on a full page", async () => {
    expect(await list([{ rows: rows(1, 2), total: 4 }, { rows: rows(3, 4), total: 4 }])).toEqual({ ids: ["1", "2", "3", "4"], requested: 2 });
  });

  it("confirms a total reached on a short page with one more (empty) page", async () => {
    expect(await list([{ rows: rows(1, 2), total: 3 }, { rows: rows(3), total: "3" }, { rows: [], total: 3 }])).toEqual({ ids: ["1", "2", "3"], requested: 3 });
  });

  it("without a total, pages until an empty page", async () => {
    expect(await list([{ rows: rows(1), total: undefined }, { rows: rows(2), total: undefined }])).toEqual({ ids: ["1", "2"], requested: 3 });
  });

  it("an empty first page whose total says rows exist is not an empty listing (a server paging from 0)", async () => {
    // Found by `pulumi-segments doctor` under the ANTS page-base=0 switch: page 1 of a 0-based server
    // is past the end, comes back empty with meta.total 3, and was taken for "no segments".
    await expect(list([{ rows: [], total: 3 }])).rejects.toThrow(IncompleteListingError);
    await expect(list([{ rows: [], total: "3" }])).rejects.toThrow(/rows ended at page 1 before the total of 3/);
  });

  it("an empty page below a total that was never consistent still stops", async () => {
    await expect(list([{ rows: rows(1, 2), total: 1 }, { rows: [], total: 5 }])).rejects.toThrow(/before the total of 5/);
  });

  it("an empty first page with a total of 0 (or none) is an empty listing", async () => {
    expect(await list([{ rows: [], total: 0 }])).toEqual({ ids: [], requested: 1 });
    expect(await list([{ rows: [], total: undefined }])).toEqual({ ids: [], requested: 1 });
  });

  it("a repeated row stops the listing", async () => {
    await expect(list([{ rows: rows(1, 2), total: undefined }, { rows: rows(2, 3), total: undefined }])).rejects.toThrow(/page 2 repeated row 2/);
  });
});
