import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import { envValue } from "./env";
import { scrub } from "./redact";

export { scrub };

/**
 * The process logger (pino). One JSON object per line on stderr in production — `level` ("info", "warn",
 * "error"), `time` (ISO 8601), `message`, and context (`runId`, `source`, `set`, `generation`, `requestId`) —
 * and the same records pretty-printed in development. stderr keeps stdout free for CLIs (`plugins:sync --json`).
 * LOG_LEVEL: trace, debug, info (default), warn, error, fatal or silent; LOG_FORMAT: json or pretty (lib/env.ts).
 *
 * Secrets never reach a line: values under common secret keys are redacted, messages and string fields are
 * scrubbed of URL credentials (`https://user:token@…`) and bearer tokens, and callers that hold secret values
 * (the sync holds the sources' tokens) scrub those as well (`scrub(text, secrets)`).
 */

export type LogContext = {
  runId?: string;
  source?: string;
  set?: string;
  generation?: number | null;
  requestId?: string;
  [key: string]: unknown;
};

const SECRET_KEYS = [
  "token",
  "secret",
  "secretAccessKey",
  "password",
  "passwordHash",
  "authorization",
  "cookie",
  "apiKey",
  "APP_SECRET",
  "SYNC_TOKEN",
  "METRICS_TOKEN",
  "DATABASE_URL",
];
const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]).concat(["headers.authorization", "headers.cookie", "*.headers.authorization", "*.headers.cookie"]);

const scrubErr = (err: unknown) => {
  const e = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  if (typeof e?.message === "string") e.message = scrub(e.message);
  if (typeof e?.stack === "string") e.stack = scrub(e.stack);
  return e;
};

/** Request-scoped context (request id): added to every line logged inside `withLogContext`. */
const als = new AsyncLocalStorage<LogContext>();

export function withLogContext<T>(ctx: LogContext, fn: () => T): T {
  return als.run({ ...als.getStore(), ...ctx }, fn);
}

/** Where lines go: swapped by `captureLogs()` in tests, otherwise stderr (pretty in development). */
type Sink = { write(line: string): unknown };
const g = globalThis as unknown as { __opsflowLogger?: { logger: Logger; sink: { target: Sink }; defaultTarget: Sink } };

function defaultSink(): Sink {
  const format = envValue("LOG_FORMAT");
  if (format === "pretty" || (format !== "json" && envValue("NODE_ENV") !== "production")) {
    try {
      // An in-process stream, not pino's `transport` option: that spawns a worker thread Next's bundler cannot resolve.
      return pretty({ destination: 2, sync: true, messageKey: "message", ignore: "pid,hostname", translateTime: "SYS:HH:MM:ss.l", colorize: Boolean(process.stderr.isTTY) });
    } catch (err) {
      process.stderr.write(`pretty logs are not available (${(err as Error).message}): writing JSON lines\n`);
    }
  }
  return pino.destination({ dest: 2, sync: true });
}

/**
 * LOG_LEVEL (default info; silent under vitest). An unusable value is refused by checkEnv() at the start of the
 * server and of every CLI, with one line written by this logger: until then it logs at info, so that line is seen.
 */
function configuredLevel(): string {
  return envValue("LOG_LEVEL") ?? (envValue("VITEST") ? "silent" : "info");
}

function create() {
  const defaultTarget = defaultSink();
  const level = configuredLevel();
  const sink = { target: defaultTarget };
  const logger = pino(
    {
      level,
      messageKey: "message",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, typeof v === "string" ? scrub(v) : v])),
      },
      serializers: { err: scrubErr, error: scrubErr },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === "string" ? scrub(a) : a)) as Parameters<typeof method>);
        },
      },
      mixin: () => als.getStore() ?? {},
    },
    { write: (line: string) => sink.target.write(line) },
  );
  return { logger, sink, defaultTarget };
}

// Kept on globalThis so Next's dev-mode module reloads keep one logger (and one stderr stream).
const state = (g.__opsflowLogger ??= create());

export const logger: Logger = state.logger;

/** A child logger with fixed context, e.g. `childLogger({ runId, generation })`. */
export function childLogger(ctx: LogContext): Logger {
  return state.logger.child(ctx);
}

export type LineLevel = "debug" | "info" | "warn" | "error";

/**
 * A `(level, line) => void` callback writing to a child logger — the shape the sync and the runtime loader take,
 * e.g. `reloadRuntime(lineLogger({ component: "runtime" }))`.
 */
export function lineLogger(ctx: LogContext): (level: LineLevel, line: string) => void {
  const child = childLogger(ctx);
  return (level, line) => child[level](line);
}

/** A parsed log line as written (JSON). */
export type LogRecord = { level: string; time: string; message: string } & Record<string, unknown>;

/**
 * Tests: every line the logger writes (at `level` and above) goes to memory instead of stderr until `stop()`.
 * Child loggers made before the capture keep their level; those made during it (a sync run's) use `level`.
 */
export function captureLogs(level: pino.LevelWithSilent = "info"): { records: () => LogRecord[]; raw: () => string; stop: () => void } {
  const lines: string[] = [];
  const previousLevel = state.logger.level;
  state.logger.level = level;
  state.sink.target = { write: (line: string) => lines.push(line) };
  return {
    raw: () => lines.join(""),
    records: () => lines.map((l) => JSON.parse(l) as LogRecord),
    stop: () => {
      state.sink.target = state.defaultTarget;
      state.logger.level = previousLevel;
    },
  };
}
