/** Attribution of a V8 CPU profile's samples (self time) to code owners, by the script path of each frame. */
import { readFileSync } from "node:fs";

interface ProfileNode { id: number; callFrame: { url: string; functionName: string } }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

export type Owner = "pulumi-segments" | "@pulumi/pulumi" | "grpc" | "protobuf" | "undici" | "zod" | "other packages" | "node and V8";

function owner(url: string): Owner {
  if (/[/\\]node_modules[/\\]pulumi-segments[/\\]/.test(url)) return "pulumi-segments";
  if (/[/\\]node_modules[/\\]@pulumi[/\\]pulumi[/\\]/.test(url)) return "@pulumi/pulumi";
  if (/[/\\]node_modules[/\\]@grpc[/\\]/.test(url)) return "grpc";
  if (/[/\\]node_modules[/\\](google-protobuf|protobufjs)[/\\]/.test(url)) return "protobuf";
  if (/[/\\]node_modules[/\\]undici[/\\]/.test(url)) return "undici";
  if (/[/\\]node_modules[/\\]zod[/\\]/.test(url)) return "zod";
  if (/[/\\]node_modules[/\\]/.test(url)) return "other packages";
  return "node and V8"; // node: internals, native frames, GC, (program)
}

/** Busy sampled time (idle excluded) per owner, in ms. */
export function attribute(profilePath: string): { busyMs: number; byOwner: Record<string, number> } {
  const p = JSON.parse(readFileSync(profilePath, "utf8")) as Profile;
  const byNode = new Map(p.nodes.map((n) => [n.id, n]));
  const byOwner: Record<string, number> = {};
  let busy = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const node = byNode.get(p.samples[i]!);
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000; // a sample's time is the delta to the next one
    if (!node || node.callFrame.functionName === "(idle)") continue;
    const o = owner(node.callFrame.url);
    byOwner[o] = (byOwner[o] ?? 0) + dt;
    busy += dt;
  }
  return { busyMs: busy, byOwner };
}
