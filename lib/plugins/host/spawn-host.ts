import { spawn, type ChildProcess } from "node:child_process";
import type { Duplex } from "node:stream";
import { hostCommand, hostsRefused, NO_ENV } from "./confinement";
import { encodeFrame, FrameReader, FrameTooLargeError } from "./frames.mjs";

/** The tail of a host's stderr that is kept (Node's fatal-error report: heap exhaustion, an uncaught exception). */
const STDERR_TAIL = 16 * 1024;

export interface HostExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last part of what the process wrote to stderr. */
  stderr: string;
  /** Why the server ended it, when it did (protocol violation, kill()). */
  reason: string | null;
}

export interface HostProcess {
  readonly pid: number | undefined;
  /** Sends one message; false when the host is gone. */
  send(message: unknown): boolean;
  /** Settles with the host's first message ({ t: "ready" }) or rejects when it ends before. */
  readonly ready: Promise<void>;
  /** Settles when the process has ended (never rejects). */
  readonly exited: Promise<HostExit>;
  readonly alive: boolean;
  /** Ends the process at once (SIGKILL): plugin code gets no chance to object. */
  kill(reason: string): void;
}

export interface SpawnHostOptions {
  /** The host script (execute-host.mjs or describe-host.mjs). */
  script: string;
  /** What the host may read besides its own directory: the plugin set. */
  read: string[];
  /** The host's working directory (inside the set). */
  cwd: string;
  heapMb: number;
  /** Messages from the host larger than this end it ("a message of N bytes is over the limit"). */
  maxMessageBytes: number;
  onMessage: (message: unknown) => void;
}

/**
 * Starts one confined plugin host (see confinement.ts): an empty environment, stdin closed, stdout/stderr piped
 * (kept only as a short stderr tail for crash reports), and fd 3 as the message channel. No descriptor of the
 * server's is inherited.
 */
export function spawnHost(opts: SpawnHostOptions): HostProcess {
  let child: ChildProcess;
  let reason: string | null = null;
  let alive = true;
  let stderr = "";
  let resolveExit!: (e: HostExit) => void;
  const exited = new Promise<HostExit>((resolve) => (resolveExit = resolve));
  let readySettle: { resolve: () => void; reject: (e: Error) => void } | null = null;
  const ready = new Promise<void>((resolve, reject) => (readySettle = { resolve, reject }));
  ready.catch(() => undefined); // observed by callers that wait; an unobserved early exit is not an error here

  const finish = (code: number | null, signal: NodeJS.Signals | null) => {
    if (!alive) return;
    alive = false;
    readySettle?.reject(new Error(hostEndedMessage({ code, signal, stderr, reason })));
    readySettle = null;
    resolveExit({ code, signal, stderr, reason });
  };

  const refused = hostsRefused();
  try {
    if (refused) throw new Error(refused);
    const { command, args } = hostCommand({ script: opts.script, read: opts.read, heapMb: opts.heapMb });
    child = spawn(command, args, { cwd: opts.cwd, env: NO_ENV, stdio: ["ignore", "pipe", "pipe", "pipe"], windowsHide: true });
  } catch (e) {
    reason = refused ?? `cannot start a plugin host: ${(e as Error).message}`;
    finish(null, null);
    return { pid: undefined, send: () => false, ready, exited, get alive() { return false; }, kill() {} };
  }
  const channel = child.stdio[3] as Duplex;
  const reader = new FrameReader(opts.maxMessageBytes);
  const kill = (why: string) => {
    reason ??= why;
    if (alive) child.kill("SIGKILL");
  };

  child.on("error", (e) => {
    reason ??= `cannot start a plugin host: ${e.message}`;
    finish(null, null);
  });
  child.on("exit", (code, signal) => finish(code, signal));
  child.stdout?.on("data", () => {}); // stray writes to fd 1 are dropped (console output arrives as messages)
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_TAIL);
  });
  channel.on("error", () => kill("the host's channel failed"));
  channel.on("data", (chunk: Buffer) => {
    let messages: unknown[];
    try {
      messages = reader.push(chunk);
    } catch (e) {
      kill(e instanceof FrameTooLargeError ? `the plugin sent ${e.message}` : `the plugin host sent a malformed message`);
      return;
    }
    for (const m of messages) {
      if (readySettle && isReady(m)) {
        readySettle.resolve();
        readySettle = null;
        continue;
      }
      opts.onMessage(m);
    }
  });

  return {
    pid: child.pid,
    send(message) {
      if (!alive || channel.destroyed) return false;
      channel.write(encodeFrame(message));
      return true;
    },
    ready,
    exited,
    get alive() {
      return alive;
    },
    kill,
  };
}

const isReady = (m: unknown) => typeof m === "object" && m !== null && (m as { t?: unknown }).t === "ready";

/** Node's report of a heap-limit abort. */
export const isOutOfMemory = (exit: HostExit) => /heap out of memory|Reached heap limit|Allocation failed/i.test(exit.stderr);

/** The first line of an error Node printed before the process died (an uncaught exception), if any. */
export function uncaughtLine(stderr: string): string | null {
  const line = stderr.split("\n").find((l) => /^\w*(Error|Exception)\b.*:/.test(l.trim()));
  return line ? line.trim().slice(0, 500) : null;
}

/** One line on why a host ended. */
export function hostEndedMessage(exit: HostExit): string {
  if (exit.reason) return exit.reason;
  const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
  const uncaught = uncaughtLine(exit.stderr);
  return uncaught ? `the plugin host died (${how}): ${uncaught}` : `the plugin host exited unexpectedly (${how})`;
}
