import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ServerError, ValidationError } from "../../provider/http/errors";
import { checkInputs } from "../../provider/pulumi/check";
import { createWithRecovery, type CreateRecipe } from "../../provider/pulumi/create";
import { deleteWithVerification } from "../../provider/pulumi/delete";
import { PartialCreateError } from "../../provider/pulumi/partial-create";
import { PREVIEW_UNKNOWN } from "../../provider/pulumi/unknowns";

// The lifecycle kit on its own, against an in-memory "API": what each step and hook guarantees.

interface Obj { id: string; name: string; createdAt: number }

let apis = 0;
function api() {
  const scope = `kit|${++apis}`;
  const objects: Obj[] = [];
  const calls: string[] = [];
  let next = 1;
  return {
    scope,
    objects,
    calls,
    add(name: string, createdAt = Date.now()): Obj {
      const o = { id: String(next++), name, createdAt };
      objects.push(o);
      return o;
    },
  };
}

function recipe(a: ReturnType<typeof api>, over: Partial<CreateRecipe<string, Obj, { id: string; name: string; read: boolean }>> = {}): CreateRecipe<string, Obj, { id: string; name: string; read: boolean }> {
  return {
    api: "Test",
    name: "seg",
    kind: "segments",
    adopt: false,
    scope: a.scope,
    findByName: async () => (a.calls.push("list"), a.objects.filter((o) => o.name === "seg")),
    idOf: (o) => o.id,
    converge: async (o) => (a.calls.push(`converge ${o.id}`), { id: o.id, name: o.name, read: true }),
    prepare: async () => (a.calls.push("prepare"), "body"),
    post: async () => (a.calls.push("post"), a.add("seg").id),
    createdSince: (o, t) => o.createdAt >= t - 1000,
    prove: async () => ({ ours: true }),
    timeoutMs: () => 1,
    readBack: async (id) => (a.calls.push(`read ${id}`), { id, name: "seg", read: true }),
    unread: (id) => ({ id, name: "seg", read: false }),
    ...over,
  };
}

describe("createWithRecovery", () => {
  it("prepares, posts once and reads back", async () => {
    const a = api();
    await expect(createWithRecovery({}, recipe(a))).resolves.toEqual({ id: "1", outs: { id: "1", name: "seg", read: true } });
    expect(a.calls).toEqual(["prepare", "post", "read 1"]);
  });

  it("adopt: one match is converged without a POST; several are refused with their ids", async () => {
    const a = api();
    a.add("seg");
    await expect(createWithRecovery({}, recipe(a, { adopt: true }))).resolves.toMatchObject({ id: "1" });
    expect(a.calls).toEqual(["list", "converge 1"]);
    a.add("seg");
    await expect(createWithRecovery({}, recipe(a, { adopt: true }))).rejects.toThrow('cannot adopt "seg": 2 segments share that name (ids 1, 2)');
  });

  it("findInterrupted hook: an earlier interrupted create is converged instead of posting again", async () => {
    const a = api();
    const earlier = a.add("seg");
    const r = recipe(a, { findInterrupted: async () => earlier });
    await expect(createWithRecovery({}, r)).resolves.toMatchObject({ id: earlier.id });
    expect(a.calls).toEqual([`converge ${earlier.id}`]);
  });

  it("a POST that may have been processed is found by the lost-outcome search, not posted twice", async () => {
    const a = api();
    const r = recipe(a, {
      post: async () => {
        a.calls.push("post");
        a.add("seg");
        throw new ServerError({ api: "ongage", method: "POST", path: "/x", status: 503 });
      },
    });
    await expect(createWithRecovery({}, r)).resolves.toMatchObject({ id: "1", outs: { read: true } });
    expect(a.calls.filter((c) => c === "post")).toHaveLength(1);
    expect(a.objects).toHaveLength(1);
  });

  it("a POST the API refused is not searched for", async () => {
    const a = api();
    const r = recipe(a, { post: async () => { throw new ValidationError({ api: "ongage", method: "POST", path: "/x", status: 412 }); } });
    await expect(createWithRecovery({}, r)).rejects.toBeInstanceOf(ValidationError);
    expect(a.calls).toEqual(["prepare"]);
  });

  it("a failed read-back is a partial create carrying the id, the unread outputs and __provider", async () => {
    const a = api();
    const r = recipe(a, { readBack: async () => { throw new Error("not listed yet"); } });
    const err = await createWithRecovery({ __provider: "serialized" }, r).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PartialCreateError);
    expect(err).toMatchObject({ id: "1", properties: { id: "1", read: false, __provider: "serialized" }, reasons: ["not listed yet"] });
  });
});

const rootOk = { subject: "segment 7", settings: "x:baseUrl", prove: async () => {} };

describe("deleteWithVerification", () => {
  it("guard hook: a refusing guard stops the delete before any call", async () => {
    const calls: string[] = [];
    await expect(deleteWithVerification({
      guard: async () => { throw new Error("segment 7 is used by scheduled campaign 42"); },
      remove: async () => { calls.push("delete"); },
      isGone: async () => true,
      timeoutMs: () => 1,
      proof: rootOk,
    })).rejects.toThrow("scheduled campaign 42");
    expect(calls).toEqual([]);
  });

  it("a delete whose answer was lost succeeds when the object turns out gone, and fails when it stays", async () => {
    const lost = new ServerError({ api: "ants", method: "DELETE", path: "/x", status: 502 });
    await expect(deleteWithVerification({ remove: async () => { throw lost; }, isGone: async () => true, timeoutMs: () => 1, proof: rootOk })).resolves.toBeUndefined();
    await expect(deleteWithVerification({ remove: async () => { throw lost; }, isGone: async () => false, timeoutMs: () => 1, proof: rootOk })).rejects.toBe(lost);
  });
});

describe("checkInputs", () => {
  const schema = z.strictObject({ name: z.string().min(1), column: z.string() });
  const spec = {
    schema,
    canonical: (p: z.output<typeof schema>) => (p.column === "missing" || p.column === PREVIEW_UNKNOWN ? [{ path: ["column"], reason: "no such column" }] : { ...p, canonical: true }),
  };

  it("canonicalises valid inputs and strips __provider and undefined members", async () => {
    await expect(checkInputs({ name: "a", column: "c", __provider: "x", extra: undefined }, spec)).resolves.toEqual({ inputs: { name: "a", column: "c", canonical: true } });
  });

  it("reports a resource's own issue at its path, but not one about a value not known yet", async () => {
    await expect(checkInputs({ name: "a", column: "missing" }, spec)).resolves.toMatchObject({ failures: [{ property: "column", reason: "no such column" }] });
    await expect(checkInputs({ name: "a", column: PREVIEW_UNKNOWN }, spec)).resolves.toEqual({ inputs: { name: "a", column: PREVIEW_UNKNOWN }, failures: [] });
  });

  it("settings failures come first, before canonicalisation", async () => {
    const res = await checkInputs({ name: "a", column: "c" }, { ...spec, settings: () => [{ property: "ongage:maxRetries", reason: "must be a whole number" }] });
    expect(res.failures).toEqual([{ property: "ongage:maxRetries", reason: "must be a whole number" }]);
  });
});
