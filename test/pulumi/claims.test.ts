import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ServerError } from "../../provider/http/errors";
import { claimForCreate, forgetClaims, noteHeld, releasedToCreate } from "../../provider/pulumi/claims";
import { createWithRecovery, type CreateRecipe } from "../../provider/pulumi/create";
import type { Verdict } from "../../provider/pulumi/proof";

// The process claim registry: one segment goes to one resource, whichever path (adopt, interrupted
// create, lost create, a delete of a renamed resource) meets it.
let stderr: string[];
beforeEach(() => {
  forgetClaims();
  stderr = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());

interface Obj { id: string; createdAt: number }
function recipe(objects: Obj[], over: Partial<CreateRecipe<string, Obj, { id: string }>> = {}): CreateRecipe<string, Obj, { id: string }> {
  return {
    api: "Test",
    name: "seg",
    kind: "segments",
    adopt: false,
    scope: "s",
    findByName: async () => objects,
    idOf: (o) => o.id,
    converge: async (o) => ({ id: o.id }),
    prepare: async () => "body",
    post: async () => "new",
    createdSince: (o, t) => o.createdAt >= t - 1000,
    prove: async (): Promise<Verdict<unknown>> => ({ ours: true }),
    timeoutMs: () => 1,
    readBack: async (id) => ({ id }),
    unread: (id) => ({ id }),
    ...over,
  };
}

describe("claims", () => {
  it("adopt never takes an id a resource of the process holds", async () => {
    noteHeld("s", "7", "seg");
    await expect(createWithRecovery({}, recipe([{ id: "7", createdAt: 0 }], { adopt: true }))).rejects.toThrow(
      'cannot adopt "seg": segment 7 is held by another resource of this stack ("seg"); one segment is held by one resource.',
    );
  });

  it("a delete of an id a create took over sends nothing and warns; any other delete proceeds and the id stays untakeable", () => {
    expect(claimForCreate("s", "7", { kind: "taken-over", segment: "seg", how: "interrupted" })).toBe(true);
    expect(releasedToCreate("s", "7", "seg", "Test")).toBe(true);
    expect(stderr.join("")).toMatch(/Test segment 7 \("seg"\) was not deleted: it was taken over as an interrupted run's segment in this run by the resource for "seg"/);
    expect(releasedToCreate("s", "8", "seg", "Test")).toBe(false);
    expect(claimForCreate("s", "8", { kind: "taken-over", segment: "seg", how: "adopt" })).toBe(false);
  });

  it("a diff of an id a create already took over fails loudly (two resources would hold one segment)", () => {
    claimForCreate("s", "7", { kind: "taken-over", segment: "seg", how: "adopt" });
    expect(() => noteHeld("s", "7", "seg")).toThrow(/segment 7 \("seg"\) is in this resource's state and was also adopted \(`adopt: true`\) in this run .* two resources now hold one segment/);
  });

  it("a lost create never takes a segment another create of the process posted, even one committed while its own POST was in flight", async () => {
    const objects: Obj[] = [];
    let release!: () => void;
    const sibling = createWithRecovery({}, recipe(objects, {
      post: () => new Promise<string>((resolve) => {
        objects.push({ id: "sib", createdAt: Date.now() });
        release = () => resolve("sib");
      }),
    }));
    await new Promise((r) => setTimeout(r, 10));
    const lost = createWithRecovery({}, recipe(objects, {
      post: async () => {
        setTimeout(() => release(), 20);
        throw new ServerError({ api: "ongage", method: "POST", path: "/x", status: 502 });
      },
    }));
    await expect(sibling).resolves.toEqual({ id: "sib", outs: { id: "sib" } });
    await expect(lost).rejects.toThrow(/proven to be its: sib \(created in this run by the resource for "seg"\)/);
  });

  it("a lost create takes a recent segment only when proven; a refused proof is named", async () => {
    const objects = [{ id: "9", createdAt: Date.now() }];
    const failing = { post: async (): Promise<string> => { throw new ServerError({ api: "ongage", method: "POST", path: "/x", status: 502 }); } };
    await expect(createWithRecovery({}, recipe(objects, { ...failing, prove: async () => ({ notOurs: "its definition differs" }) }))).rejects.toThrow(/9 \(its definition differs\)/);
    await expect(createWithRecovery({}, recipe(objects, failing))).resolves.toEqual({ id: "9", outs: { id: "9" } });
  });
});
