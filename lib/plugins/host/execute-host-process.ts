import { z } from "zod";
import { shippedFile } from "../shipped-file";
import { policedFetch, type EgressPolicy, type EgressRequest } from "./egress";
import { hostEndedMessage, isOutOfMemory, spawnHost, type HostExit, type HostProcess } from "./spawn-host";

/** The execute host script (see shippedFile for where it is found in a deployment). */
export const executeHostFile = (): string => shippedFile("host/execute-host.mjs");

export interface HostCall {
  file: string;
  code: string;
  version: string;
  inputs: Record<string, unknown>;
  timeoutMs: number;
  runId?: string;
  nodeId?: string;
  root: string;
}

export interface HostLimits {
  heapMb: number;
  /** ctx.log lines kept per call (the last line says how many more were dropped), each cut to 2,000 characters. */
  maxLogLines: number;
  /** Largest outputs (serialised) a call may return. */
  maxOutputBytes: number;
  /** ctx.fetch requests one call may have open at once. */
  maxOpenFetches: number;
  egress: EgressPolicy;
}

/** What became of a call: the host's report, or the host's end. Logs are what arrived, capped. */
export type CallOutcome =
  | { kind: "done"; result: HostResult; logs: string[] }
  | { kind: "ended"; exit: HostExit; outOfMemory: boolean; message: string; logs: string[] };

const ZHostResult = z.union([
  z.object({ outputs: z.unknown() }),
  z.object({ error: z.object({ name: z.string(), message: z.string(), stack: z.string() }) }),
  z.object({ timedOut: z.literal(true) }),
]);
export type HostResult = z.infer<typeof ZHostResult>;

const ZMessage = z.discriminatedUnion("t", [
  z.object({ t: z.literal("log"), id: z.number(), line: z.string() }),
  z.object({ t: z.literal("done"), id: z.number(), result: z.unknown(), dropped: z.number().int().nonnegative().optional() }),
  z.object({
    t: z.literal("fetch"),
    id: z.number(),
    fid: z.number(),
    request: z.object({
      url: z.string().max(8_192),
      method: z.string().max(16),
      headers: z.array(z.tuple([z.string().max(256), z.string().max(16_384)])).max(200),
      body: z.instanceof(Uint8Array).nullable(),
      redirect: z.enum(["follow", "manual", "error"]).optional(),
    }),
  }),
  z.object({ t: z.literal("fetchAbort"), id: z.number(), fid: z.number() }),
]);

const MAX_LOG_CHARS = 2_000;
const READY_TIMEOUT_MS = 20_000;

interface Running {
  id: number;
  logs: string[];
  dropped: number;
  fetches: Map<number, AbortController>;
  settle: (o: CallOutcome) => void;
}

/**
 * One execute host (a confined child process, see confinement.ts) serving one plugin set: calls one at a time,
 * ctx.fetch performed here under the egress policy. The host is untrusted: every message is checked, logs and
 * fetches are capped here whatever the host claims, and a host that breaks the protocol is ended.
 */
export class ExecuteHost {
  readonly root: string;
  private readonly host: HostProcess;
  private readonly limits: HostLimits;
  private current: Running | null = null;
  private nextId = 0;
  idleSince = Date.now();

  constructor(root: string, limits: HostLimits) {
    this.root = root;
    this.limits = limits;
    this.host = spawnHost({
      script: executeHostFile(),
      read: [root],
      cwd: root,
      heapMb: limits.heapMb,
      // Outputs and a log line travel in one message each; a fetch request carries its body.
      maxMessageBytes: Math.max(limits.maxOutputBytes, limits.egress.maxBytes) + 64 * 1024,
      onMessage: (m) => this.onMessage(m),
    });
    void this.host.exited.then((exit) => this.onExit(exit));
  }

  get alive(): boolean {
    return this.host.alive;
  }

  get busy(): boolean {
    return this.current !== null;
  }

  get exited(): Promise<HostExit> {
    return this.host.exited;
  }

  get pid(): number | undefined {
    return this.host.pid;
  }

  /** Runs one call; settles when the host reports it or ends (never rejects). */
  async call(call: HostCall): Promise<CallOutcome> {
    if (this.current) throw new Error("the host is busy");
    const running: Running = { id: ++this.nextId, logs: [], dropped: 0, fetches: new Map(), settle: () => {} };
    const outcome = new Promise<CallOutcome>((resolve) => (running.settle = resolve));
    this.current = running;
    const startTimer = setTimeout(() => this.host.kill(`the plugin host did not start within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    try {
      await this.host.ready;
    } catch {
      // ended before it was ready: onExit settles the call
    } finally {
      clearTimeout(startTimer);
    }
    if (this.current === running && this.host.alive) this.host.send({ t: "call", id: running.id, ...call, maxOutputBytes: this.limits.maxOutputBytes });
    const result = await outcome;
    this.idleSince = Date.now();
    return result;
  }

  /** Aborts ctx.signal of the running call (the host may still answer). */
  abort(reason: string): void {
    if (this.current) this.host.send({ t: "abort", id: this.current.id, reason });
  }

  kill(reason: string): void {
    this.host.kill(reason);
  }

  private onMessage(raw: unknown): void {
    const parsed = ZMessage.safeParse(raw);
    if (!parsed.success) return this.host.kill("the plugin host sent a message outside the protocol");
    const m = parsed.data;
    const run = this.current;
    if (!run || m.id !== run.id) return; // a late message of an earlier call
    switch (m.t) {
      case "log":
        if (run.logs.length < this.limits.maxLogLines) run.logs.push(m.line.length > MAX_LOG_CHARS ? `${m.line.slice(0, MAX_LOG_CHARS)}…` : m.line);
        else run.dropped++;
        return;
      case "fetch":
        return this.fetch(run, m.fid, m.request);
      case "fetchAbort":
        run.fetches.get(m.fid)?.abort();
        run.fetches.delete(m.fid);
        return;
      case "done": {
        const result = ZHostResult.safeParse(m.result);
        if (!result.success) return this.host.kill("the plugin host sent a result outside the protocol");
        this.end(run, { kind: "done", result: result.data, logs: withDropped(run, m.dropped ?? 0) });
      }
    }
  }

  private fetch(run: Running, fid: number, request: EgressRequest) {
    if (run.fetches.has(fid)) return;
    if (run.fetches.size >= this.limits.maxOpenFetches) {
      this.host.send({ t: "fetched", id: run.id, fid, answer: { error: `more than ${this.limits.maxOpenFetches} requests open at once` } });
      return;
    }
    const controller = new AbortController();
    run.fetches.set(fid, controller);
    void policedFetch(request, this.limits.egress, controller.signal).then((answer) => {
      if (!run.fetches.delete(fid) || this.current !== run) return;
      this.host.send({ t: "fetched", id: run.id, fid, answer });
    });
  }

  private end(run: Running, outcome: CallOutcome) {
    if (this.current !== run) return;
    this.current = null;
    for (const c of run.fetches.values()) c.abort();
    run.settle(outcome);
  }

  private onExit(exit: HostExit) {
    const run = this.current;
    if (!run) return;
    const outOfMemory = isOutOfMemory(exit);
    this.end(run, { kind: "ended", exit, outOfMemory, message: hostEndedMessage(exit), logs: withDropped(run, 0) });
  }
}

/** The call's log lines, the last one replaced by a count when lines were dropped (here or by the host). */
function withDropped(run: Running, hostDropped: number): string[] {
  const dropped = run.dropped + hostDropped;
  if (dropped === 0 || run.logs.length === 0) return run.logs;
  const logs = [...run.logs];
  logs[logs.length - 1] = `[${dropped + 1} more log lines dropped]`;
  return logs;
}
