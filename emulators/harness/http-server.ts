import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { randomUUID } from "node:crypto";

/** A request as the emulator's routes see it: body fully read, query parsed. */
export interface EmulatorRequest {
  method: string;
  /** Path without query string, percent-decoding left to the routes. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  requestId: string;
}

/** What a route answers: a JSON body (serialized as is) or raw text. */
export interface EmulatorReply {
  status: number;
  body?: unknown;
  raw?: string | Buffer;
  headers?: Record<string, string>;
  /** Called after the reply is decided and before it is sent; used by "commit then drop" faults. */
}

export type Handler = (req: EmulatorRequest) => EmulatorReply | Promise<EmulatorReply>;

/**
 * One injected fault. `reply` answers instead of the route (nothing is committed);
 * `reset` destroys the socket before any response (nothing is committed);
 * `dropAfterCommit` lets the route run (state changes) and then destroys the socket;
 * `delayMs` waits before handling; the route still runs (and commits) even if the client gave up meanwhile,
 * like a server that finishes a request after the client timed out — only the reply is lost.
 */
export interface Fault {
  reply?: EmulatorReply;
  reset?: boolean;
  dropAfterCommit?: boolean;
  delayMs?: number;
  /** Only requests whose method and path match are affected; default: any request. */
  match?: (req: EmulatorRequest) => boolean;
}

/** Probabilistic faults applied to every request after the queued ones. */
export type FaultPolicy = (req: EmulatorRequest) => Fault | undefined;

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  requestId: string;
  at: number;
}

export interface HttpEmulatorOptions {
  name: string;
  port?: number;
  handler: Handler;
  /** Header the emulator sets with its request id, e.g. "x-request-id". */
  requestIdHeader?: string;
}

/**
 * A loopback HTTP server around a route handler, with a request log and fault injection.
 * It binds 127.0.0.1 only; port 0 picks a free port.
 */
export class HttpEmulator {
  readonly requests: RecordedRequest[] = [];
  private readonly queued: Fault[] = [];
  private policy: FaultPolicy | undefined;
  private readonly sockets = new Set<Socket>();
  private inFlight = 0;
  private maxInFlight = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly opts: HttpEmulatorOptions,
  ) {}

  static async start(opts: HttpEmulatorOptions): Promise<HttpEmulator> {
    const server = createServer();
    const started = await new Promise<HttpEmulator>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.port ?? 0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo;
        resolve(new HttpEmulator(server, `http://127.0.0.1:${port}`, opts));
      });
    });
    server.on("request", (req, res) => {
      void started.handle(req, res);
    });
    server.on("connection", (s) => {
      started.sockets.add(s);
      s.on("close", () => started.sockets.delete(s));
    });
    return started;
  }

  /** Queue faults for the next matching requests, in order. */
  failNext(fault: Fault, count = 1): void {
    for (let i = 0; i < count; i++) this.queued.push(fault);
  }

  /** Delay the next matching request by `ms`. */
  delayNext(ms: number, match?: Fault["match"]): void {
    this.queued.push({ delayMs: ms, match });
  }

  /** Install (or clear with undefined) a fault policy consulted for every request. */
  setFaultPolicy(policy: FaultPolicy | undefined): void {
    this.policy = policy;
  }

  /** Highest number of requests handled at the same time since the last clearLog(). */
  get peakConcurrency(): number {
    return this.maxInFlight;
  }

  clearLog(): void {
    this.requests.length = 0;
    this.maxInFlight = this.inFlight;
  }

  clearFaults(): void {
    this.queued.length = 0;
    this.policy = undefined;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private takeFault(req: EmulatorRequest): Fault | undefined {
    const i = this.queued.findIndex((f) => !f.match || f.match(req));
    if (i >= 0) return this.queued.splice(i, 1)[0];
    return this.policy?.(req);
  }

  private async handle(req: import("node:http").IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const url = new URL(req.url ?? "/", "http://emulator.invalid");
      const request: EmulatorRequest = {
        method: (req.method ?? "GET").toUpperCase(),
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        rawBody: Buffer.concat(chunks),
        requestId: randomUUID(),
      };
      const fault = this.takeFault(request);
      if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault?.reset) {
        this.record(request, 0);
        req.socket.destroy();
        return;
      }
      let reply: EmulatorReply;
      try {
        reply = fault?.reply ?? (await this.opts.handler(request));
      } catch (err) {
        reply = { status: 500, raw: `emulator internal error: ${(err as Error).message}` };
      }
      if (res.destroyed || req.socket.destroyed) {
        this.record(request, 0);
        return;
      }
      if (fault?.dropAfterCommit) {
        this.record(request, 0);
        req.socket.destroy();
        return;
      }
      this.record(request, reply.status);
      const headers: Record<string, string> = { ...(reply.headers ?? {}) };
      if (this.opts.requestIdHeader) headers[this.opts.requestIdHeader] = request.requestId;
      let payload: string | Buffer;
      if (reply.raw !== undefined) {
        payload = reply.raw;
        headers["content-type"] ??= "text/plain; charset=utf-8";
      } else {
        payload = JSON.stringify(reply.body ?? null);
        headers["content-type"] ??= "application/json; charset=utf-8";
      }
      res.writeHead(reply.status, headers);
      res.end(payload);
    } finally {
      this.inFlight--;
    }
  }

  private record(req: EmulatorRequest, status: number): void {
    this.requests.push({
      method: req.method,
      path: req.path,
      query: req.query.toString(),
      headers: req.headers,
      body: req.rawBody.toString("utf8"),
      status,
      requestId: req.requestId,
      at: Date.now(),
    });
  }
}
