import { spawn, type ChildProcess } from "node:child_process";
import type { CheckFailure } from "../provider/pulumi/check-failures";
import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { toProviderError } from "./grpc-status";
import { ProviderError } from "./provider-errors";
import { stripSecrets } from "./secrets";

export type Props = Record<string, unknown>;
export type DiffChanges = "none" | "some" | "unknown";
export type { CheckFailure };

export interface CheckResult {
  inputs: Props;
  failures: CheckFailure[];
}
export interface DiffResult {
  changes: DiffChanges;
  replaces: string[];
  deleteBeforeReplace: boolean;
}
export interface ReadResult {
  /** "" when the provider reports the object gone. */
  id: string;
  props: Props;
  /** Present only when the provider's read returned inputs (SDK ≥ 3.216). */
  inputs?: Props;
}
/** One RPC made to the host, in completion order. */
export interface CallRecord {
  rpc: "Configure" | "Check" | "Diff" | "Create" | "Read" | "Update" | "Delete";
  urn: string;
  /** performance.now() when the call was sent. */
  start: number;
  ms: number;
  ok: boolean;
}
export interface StartOptions {
  /** Working directory of the host: bare `require`s in serialized providers resolve from here. */
  cwd: string;
  /** Becomes PULUMI_NODEJS_PROJECT: the prefix for un-namespaced `config.get` keys. */
  project: string;
  env?: Record<string, string | undefined>;
  /** Milliseconds to wait for the port line (default 30 000). */
  startTimeoutMs?: number;
}

const HOST_ENTRY = require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js");
const DIFF_NAMES: Record<number, DiffChanges> = {
  [provproto.DiffResponse.DiffChanges.DIFF_NONE]: "none",
  [provproto.DiffResponse.DiffChanges.DIFF_SOME]: "some",
  [provproto.DiffResponse.DiffChanges.DIFF_UNKNOWN]: "unknown",
};

/**
 * Structs carry JSON only: undefined members are dropped, as the engine's marshalling does. The host
 * answers Configure with acceptSecrets=false, so secrets travel as plain values (the engine strips them).
 */
function toStruct(value: Props): Struct {
  return Struct.fromJavaScript(JSON.parse(JSON.stringify(stripSecrets(value))) as never);
}
function fromStruct(s: Struct | undefined): Props {
  return (s?.toJavaScript() ?? {}) as Props;
}

/**
 * The SDK's Node dynamic provider host (`@pulumi/pulumi/cmd/dynamic-provider`) as a child process,
 * spoken to over gRPC the way the Pulumi engine does. Plain JS in, plain JS out.
 * Configure must be the first call (the host configures each provider once, with the config it holds then).
 */
export class ProviderHost {
  /** Every RPC made through this host. */
  readonly calls: CallRecord[] = [];
  private stdout = "";
  private stderr = "";
  private lastHwm = 0;
  private closed = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: provrpc.ResourceProviderClient,
    /** Spawn to port line. */
    readonly coldStartMs: number,
    readonly port: number,
  ) {}

  static async start(opts: StartOptions): Promise<ProviderHost> {
    const t0 = performance.now();
    const child = spawn(process.execPath, [HOST_ENTRY, "127.0.0.1:1"], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env, PULUMI_NODEJS_PROJECT: opts.project },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    const port = await new Promise<number>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => fail(new Error(`provider host gave no port within ${opts.startTimeoutMs ?? 30_000} ms`)), opts.startTimeoutMs ?? 30_000);
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill("SIGKILL");
        reject(new Error(`${e.message}\nstderr: ${err}`));
      };
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const nl = out.indexOf("\n");
        if (nl < 0 || settled) return;
        const p = Number(out.slice(0, nl).trim());
        if (!Number.isInteger(p) || p <= 0) return fail(new Error(`unexpected first line from provider host: ${out.slice(0, nl)}`));
        settled = true;
        clearTimeout(timer);
        resolve(p);
      });
      child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
      child.once("error", fail);
      child.once("exit", (code) => fail(new Error(`provider host exited (${code}) before reporting a port`)));
    });
    const coldStartMs = performance.now() - t0;
    child.removeAllListeners("exit");
    child.stdout!.removeAllListeners("data");
    child.stderr!.removeAllListeners("data");
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const host = new ProviderHost(child, client, coldStartMs, port);
    host.stdout = out.slice(out.indexOf("\n") + 1);
    host.stderr = err;
    child.stdout!.on("data", (d: Buffer) => (host.stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (host.stderr += d.toString()));
    return host;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** What the host (and so every provider in it) printed, except the port line. */
  output(): { stdout: string; stderr: string } {
    return { stdout: this.stdout, stderr: this.stderr };
  }

  /** Peak resident set of the host process (VmHWM) in bytes; the last value seen once closed. */
  peakRssBytes(): number {
    if (!this.closed && this.child.pid !== undefined) {
      try {
        const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${this.child.pid}/status`, "utf8"));
        if (m) this.lastHwm = Number(m[1]) * 1024;
      } catch {
        // process gone or no procfs: keep the last reading
      }
    }
    return this.lastHwm;
  }

  /** The engine sends the whole stack config (secrets decrypted) as args. */
  async configure(config: Record<string, string>): Promise<void> {
    const req = new provproto.ConfigureRequest();
    req.setArgs(toStruct(config));
    const vars = req.getVariablesMap();
    for (const [k, v] of Object.entries(config)) vars.set(k, v);
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    await this.call("Configure", "", (cb) => this.client.configure(req, cb));
  }

  async check(urn: string, olds: Props, news: Props): Promise<CheckResult> {
    const req = new provproto.CheckRequest();
    req.setUrn(urn);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const resp = await this.call<provproto.CheckResponse>("Check", urn, (cb) => this.client.check(req, cb));
    return {
      inputs: fromStruct(resp.getInputs()),
      failures: resp.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(id: string, urn: string, olds: Props, news: Props): Promise<DiffResult> {
    const req = new provproto.DiffRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const resp = await this.call<provproto.DiffResponse>("Diff", urn, (cb) => this.client.diff(req, cb));
    return {
      changes: DIFF_NAMES[resp.getChanges()] ?? "unknown",
      replaces: resp.getReplacesList(),
      deleteBeforeReplace: resp.getDeletebeforereplace(),
    };
  }

  /** Throws ResourceInitFailedError when the provider reported an object that exists but failed to initialise. */
  async create(urn: string, properties: Props): Promise<{ id: string; outputs: Props }> {
    const req = new provproto.CreateRequest();
    req.setUrn(urn);
    req.setProperties(toStruct(properties));
    const resp = await this.call<provproto.CreateResponse>("Create", urn, (cb) => this.client.create(req, cb));
    return { id: resp.getId(), outputs: fromStruct(resp.getProperties()) };
  }

  async read(id: string, urn: string, properties: Props, inputs: Props): Promise<ReadResult> {
    const req = new provproto.ReadRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setProperties(toStruct(properties));
    req.setInputs(toStruct(inputs));
    const resp = await this.call<provproto.ReadResponse>("Read", urn, (cb) => this.client.read(req, cb));
    const result: ReadResult = { id: resp.getId(), props: fromStruct(resp.getProperties()) };
    if (resp.hasInputs()) result.inputs = fromStruct(resp.getInputs());
    return result;
  }

  async update(id: string, urn: string, olds: Props, news: Props): Promise<{ outputs: Props }> {
    const req = new provproto.UpdateRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const resp = await this.call<provproto.UpdateResponse>("Update", urn, (cb) => this.client.update(req, cb));
    return { outputs: fromStruct(resp.getProperties()) };
  }

  async delete(id: string, urn: string, properties: Props): Promise<void> {
    const req = new provproto.DeleteRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setProperties(toStruct(properties));
    await this.call("Delete", urn, (cb) => this.client.delete(req, cb));
  }

  /** Kills the host and closes the channel. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.peakRssBytes();
    this.closed = true;
    this.client.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 2_000);
      await exited;
      clearTimeout(timer);
    }
  }

  private async call<R>(
    rpc: CallRecord["rpc"],
    urn: string,
    invoke: (cb: (err: grpc.ServiceError | null, resp?: R) => void) => unknown,
  ): Promise<R> {
    if (this.closed) throw new ProviderError(rpc, grpc.status.UNAVAILABLE, "provider host is closed");
    const t0 = performance.now();
    try {
      const resp = await new Promise<R>((resolve, reject) =>
        invoke((err, r) => (err ? reject(toProviderError(rpc, err)) : resolve(r as R))),
      );
      this.calls.push({ rpc, urn, start: t0, ms: performance.now() - t0, ok: true });
      return resp;
    } catch (e) {
      this.calls.push({ rpc, urn, start: t0, ms: performance.now() - t0, ok: false });
      throw e;
    }
  }
}
