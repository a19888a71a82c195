import { describe, expect, it } from "vitest";
import { StateJournal } from "../../driver/journal";
import type { StackState, StateResource } from "../../driver/state";

const entry = (name: string, extra: Partial<StateResource> = {}): StateResource => ({ urn: `urn:pulumi:s::p::t::${name}`, type: "t", name, id: `id-${name}`, inputs: {}, outputs: {}, ...extra });

describe("StateJournal: every change of state is saved before the method returns", () => {
  it("saves once per change, with the change in it; reading saves nothing", () => {
    const saved: StackState[] = [];
    const j = new StateJournal(undefined, (s) => saved.push(JSON.parse(JSON.stringify(s))));
    const last = () => saved.at(-1)!;
    void j.state;
    expect(saved).toHaveLength(0);

    const pending = j.beginCreate("urn:pulumi:s::p::t::a", "t", "a", { x: 1 });
    expect(last()).toEqual({ resources: [], pendingOperations: [{ type: "creating", urn: "urn:pulumi:s::p::t::a", resource: { type: "t", name: "a", inputs: { x: 1 } } }] });
    pending.end(entry("a", { dependencies: ["urn:pulumi:s::p::t::b"] }));
    expect(last()).toEqual({ resources: [entry("a", { dependencies: ["urn:pulumi:s::p::t::b"] })] });
    expect(() => pending.end()).toThrow(/already ended/);

    const b = entry("b", { protect: true });
    j.beginCreate(b.urn, "t", "b", {}).end(b);
    j.update(b, { id: "id-b2", protect: undefined });
    expect(last().resources[1]).toEqual(entry("b", { id: "id-b2" }));

    j.takeOver(b, "urn:pulumi:s::p::t::c", { name: "c" });
    expect(last().resources[1]).toEqual(entry("c", { id: "id-b2", aliases: ["urn:pulumi:s::p::t::b"] }));
    expect(last().resources[0]!.dependencies).toEqual(["urn:pulumi:s::p::t::c"]);

    j.markForDeletion(b, true);
    expect(last().resources[1]!.delete).toBe(true);
    j.markForDeletion(b, false);
    expect(last().resources[1]!.delete).toBeUndefined();

    j.reorder([...j.state.resources].reverse());
    expect(last().resources.map((r) => r.name)).toEqual(["c", "a"]);
    expect(() => j.reorder([])).toThrow(/exactly the entries/);

    j.remove(b);
    expect(last().resources.map((r) => r.name)).toEqual(["a"]);
    expect(saved).toHaveLength(10); // two per create (begin, end), one per other change
    expect(last()).toEqual(JSON.parse(JSON.stringify(j.state)));
  });

  it("a failed create ends its pending operation with nothing recorded, and pending creates of earlier runs stay", () => {
    const saved: StackState[] = [];
    const stale = { type: "creating" as const, urn: "urn:pulumi:s::p::t::old", resource: { type: "t", name: "old", inputs: {} } };
    const j = new StateJournal({ resources: [], pendingOperations: [stale] }, (s) => saved.push(JSON.parse(JSON.stringify(s))));
    j.beginCreate("urn:pulumi:s::p::t::n", "t", "n", {}).end();
    expect(saved.at(-1)).toEqual({ resources: [], pendingOperations: [stale] });
  });
});
