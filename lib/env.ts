import path from "node:path";
import { z } from "zod";
import { parseEgressAllow } from "./plugins/host/egress";

/**
 * The environment, in one place: one zod schema for every variable the server and the CLIs read (the README's
 * configuration table lists the same ones). It is parsed once and parsed again only when a variable changes
 * (tests set them), so a value is refused, never defaulted: a bad one throws an EnvError of one line naming the
 * variable, which the server start and every CLI print before they exit non-zero.
 */

/** Empty or blank means unset. */
const unset = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const text = z.preprocess(unset, z.string().trim().optional());
const whole = (min: number, max: number) => {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.preprocess(unset, z.coerce.number({ error }).int(error).min(min, error).max(max, error).optional());
};
const flag = z.preprocess(unset, z.enum(["0", "1", "true", "false"], { error: "must be 1 or 0" }).optional()).transform((v) => (v === undefined ? undefined : v === "1" || v === "true"));
/** One of `values`, case-insensitive (LOG_LEVEL=WARN is warn). */
const choice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (typeof unset(v) === "string" ? (v as string).trim().toLowerCase() : undefined), z.enum(values, { error: `must be one of ${values.join(", ")}` }).optional());

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

/** A time zone Intl knows (TZ=Mars/Olympus would fail every formatted date later). */
const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const ZEnv = z.object({
  NODE_ENV: text,
  DATA_DIR: text,
  DATABASE_URL: text.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), "must start with postgresql:// (unset it to use the embedded database)"),
  APP_SECRET: text,
  ADMIN_USERNAME: text,
  ADMIN_PASSWORD: z.preprocess(unset, z.string().optional()),
  SEED_EXAMPLE_SOURCE: flag,
  EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE: flag,
  BKAPP_EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE: flag,
  SESSION_COOKIE_SECURE: flag,
  TRUST_PROXY: flag,
  PLUGIN_SOURCES_FILE: text,
  BCRYPT_ROUNDS: whole(4, 31),
  LOG_LEVEL: choice(LOG_LEVELS),
  LOG_FORMAT: choice(["json", "pretty"]),
  METRICS_TOKEN: text,
  SYNC_TOKEN: text.refine((v) => v === undefined || v.length >= 16, "must be at least 16 characters"),
  SYNC_CA_FILE: text,
  NODE_EXTRA_CA_CERTS: text,
  SYNC_ON_START: choice(["if-empty", "never"]),
  SYNC_KEEP_GENERATIONS: whole(1, 1000),
  SYNC_LEASE_TTL_MS: whole(1000, 3_600_000),
  SYNC_SCHEDULER: choice(["on", "off"]),
  SYNC_SCHEDULER_TICK_MS: whole(1000, 3_600_000),
  SYNC_DESCRIBE_TIMEOUT_MS: whole(100, 3_600_000),
  SYNC_SET_CONCURRENCY: whole(1, 64),
  PLUGIN_POLL_INTERVAL_MS: whole(500, 3_600_000),
  PLUGIN_LISTEN_ACTIVATIONS: flag,
  WEBHOOK_MAX_BODY_BYTES: whole(1024, 26_214_400),
  PLUGIN_RUNTIME_DIR: text,
  PLUGIN_TIMEOUT_MS: whole(100, 3_600_000),
  PLUGIN_HEAP_MB: whole(16, 16_384),
  PLUGIN_MAX_HOSTS: whole(1, 64),
  PLUGIN_MAX_RUNS_PER_USER: whole(1, 64),
  PLUGIN_LOG_MAX_LINES: whole(1, 100_000),
  PLUGIN_OUTPUT_MAX_BYTES: whole(1_024, 256 * 1024 * 1024),
  PLUGIN_FETCH_MAX_BYTES: whole(1_024, 1024 * 1024 * 1024),
  PLUGIN_FETCH_TIMEOUT_MS: whole(100, 3_600_000),
  PLUGIN_EGRESS_ALLOW: text,
  PLUGIN_REQUIRE_NETWORK_ISOLATION: flag,
  PROCESS_WORKER_CONCURRENCY: whole(1, 256),
  PROCESS_QUEUE_POLL_MS: whole(50, 60_000),
  PROCESS_NODE_EXPIRE_SECONDS: whole(5, 86_000),
  PROCESS_QUEUE_MAINTENANCE_SECONDS: whole(1, 3600),
  PROCESS_CANCEL_POLL_MS: whole(50, 60_000),
  PROCESS_MAX_PER_USER: whole(1, 1_000_000),
  PROCESS_RUNS_PER_MINUTE: whole(1, 1_000_000),
  MIGRATIONS_DIR: text,
  TZ: text.refine((v) => v === undefined || isTimeZone(v), "is not a time zone (e.g. UTC, Europe/Berlin, Asia/Shanghai)"),
  /** Who runs a CLI (the actor `cli:<USER>` of plugins:sync). */
  USER: text,
  /** Set by vitest: the log is silent unless LOG_LEVEL says otherwise. */
  VITEST: text,
});
type EnvKey = keyof z.input<typeof ZEnv>;
const KEYS = Object.keys(ZEnv.shape) as EnvKey[];
/** Never echoed in an error: their values are secrets (a database URL holds a password). */
const SECRET_KEYS = new Set<string>(["APP_SECRET", "ADMIN_PASSWORD", "METRICS_TOKEN", "SYNC_TOKEN", "DATABASE_URL"]);

/** Every variable the schema reads (the docs test checks each is in .env.example and the README). */
export const ENV_KEYS = Object.keys(ZEnv.shape) as (keyof typeof ZEnv.shape)[];

export type Env = z.output<typeof ZEnv> & { egress: ReturnType<typeof parseEgressAllow> };

/** An unusable environment variable; the message is one line naming it. */
export class EnvError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = "EnvError";
  }
}

/** The variables as the schema reads them: PLUGIN_MAX_THREADS (from when plugins ran in threads) is PLUGIN_MAX_HOSTS. */
function rawValues(source: NodeJS.ProcessEnv): Record<EnvKey, string | undefined> {
  const raw = Object.fromEntries(KEYS.map((k) => [k, source[k]])) as Record<EnvKey, string | undefined>;
  raw.PLUGIN_MAX_HOSTS = unset(source.PLUGIN_MAX_HOSTS) === undefined ? source.PLUGIN_MAX_THREADS : source.PLUGIN_MAX_HOSTS;
  return raw;
}

function parse(raw: Record<EnvKey, string | undefined>): Env {
  const parsed = ZEnv.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0]);
    const got = SECRET_KEYS.has(key) ? "" : ` (got ${JSON.stringify(raw[key as EnvKey] ?? "")})`;
    throw new EnvError(key, `${key}: ${issue.message}${got}`);
  }
  try {
    return { ...parsed.data, egress: parseEgressAllow(parsed.data.PLUGIN_EGRESS_ALLOW) };
  } catch (err) {
    throw new EnvError("PLUGIN_EGRESS_ALLOW", (err as Error).message);
  }
}

let memo: { key: string; env: Env } | undefined;

/**
 * The checked environment (throws EnvError). Parsed once; a change of any variable (tests, vi.stubEnv) is seen
 * at the next call, because the raw values are the memo's key.
 */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const raw = rawValues(source);
  const key = JSON.stringify(KEYS.map((k) => raw[k] ?? null));
  if (source === process.env && memo?.key === key) return memo.env;
  const parsed = parse(raw);
  if (source === process.env) memo = { key, env: parsed };
  return parsed;
}

/**
 * The server start and every CLI call this first: an unusable variable stops them with its one line (the server
 * says `cannot start: LOG_LEVEL: …`) rather than failing, or being ignored, at its first use.
 */
export function checkEnv(): void {
  readEnv();
}

/**
 * One variable, or undefined when it is unset or unusable: only for the logger, which is made at import and must
 * exist to report the problem (checkEnv() then refuses the same value, through this very logger).
 */
export function envValue<K extends EnvKey>(key: K): Env[K] | undefined {
  const parsed = ZEnv.shape[key].safeParse(process.env[key]);
  return parsed.success ? (parsed.data as Env[K]) : undefined;
}

/** Accessors with the defaults the README documents. */
export const env = {
  isProduction: () => readEnv().NODE_ENV === "production",
  isDevelopment: () => readEnv().NODE_ENV === "development",
  /** Directory for the embedded database, the dev secret and the default FS cache. */
  dataDir: () => path.resolve(/*turbopackIgnore: true*/ readEnv().DATA_DIR || ".data"),
  /** PostgreSQL connection string; unset = embedded PGlite under dataDir()/pglite. */
  databaseUrl: () => readEnv().DATABASE_URL,
  appSecret: () => readEnv().APP_SECRET,
  adminUsername: () => readEnv().ADMIN_USERNAME ?? "admin",
  adminPassword: () => readEnv().ADMIN_PASSWORD,
  /**
   * EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE=1 (alias BKAPP_EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE, the original
   * product's name) also allows http:// remotes; unset or 0 allows https:// only.
   */
  secureLoose: () => {
    const e = readEnv();
    return (e.EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE ?? e.BKAPP_EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE) === true;
  },
  /** Secure flag of the session cookie: on in production unless SESSION_COOKIE_SECURE=0 (plain-http intranets). */
  cookieSecure: () => readEnv().SESSION_COOKIE_SECURE ?? env.isProduction(),
  /** Seed the example fs plugin source on first start (default on outside production). */
  seedExamples: () => readEnv().SEED_EXAMPLE_SOURCE ?? !env.isProduction(),
  /** bcrypt cost (default 12). */
  bcryptRounds: () => readEnv().BCRYPT_ROUNDS ?? 12,
  /** LOG_LEVEL when set (the server's default is info, the CLIs' warn). */
  logLevel: () => readEnv().LOG_LEVEL,
  metricsToken: () => readEnv().METRICS_TOKEN,
  syncToken: () => readEnv().SYNC_TOKEN,
  pluginSourcesFile: () => readEnv().PLUGIN_SOURCES_FILE,
  syncOnStart: () => readEnv().SYNC_ON_START ?? "if-empty",
  /** Ready generations kept besides the active one (default 5). */
  keepGenerations: () => readEnv().SYNC_KEEP_GENERATIONS ?? 5,
  leaseTtlMs: () => readEnv().SYNC_LEASE_TTL_MS ?? 60_000,
  /** Scheduled syncs (sources with an interval): on by default; "off" on instances that must never sync. */
  schedulerOn: () => (readEnv().SYNC_SCHEDULER ?? "on") === "on",
  /** How often an instance looks for sources due a scheduled sync (default 15 s). */
  schedulerTickMs: () => readEnv().SYNC_SCHEDULER_TICK_MS ?? 15_000,
  pollIntervalMs: () => readEnv().PLUGIN_POLL_INTERVAL_MS ?? 5000,
  /** PostgreSQL: follow activations through LISTEN/NOTIFY besides the poll (default on; 0 = poll only). */
  listenActivations: () => readEnv().PLUGIN_LISTEN_ACTIVATIONS ?? true,
  /** Largest webhook request body accepted by POST /api/hooks/{source} (default 1 MiB). */
  webhookMaxBodyBytes: () => readEnv().WEBHOOK_MAX_BODY_BYTES ?? 1_048_576,
  /** Where this instance materialises generations (local disk): default <DATA_DIR>/runtime. */
  runtimeDir: () => path.resolve(/*turbopackIgnore: true*/ readEnv().PLUGIN_RUNTIME_DIR || path.join(env.dataDir(), "runtime")),
  /** The committed migrations (default prisma/migrations under the working directory). */
  migrationsDir: () => path.resolve(/*turbopackIgnore: true*/ readEnv().MIGRATIONS_DIR || path.join(process.cwd(), "prisma", "migrations")),
  /** The time zone dates are shown in (default UTC). */
  timeZone: () => readEnv().TZ ?? "UTC",
  /** Who runs a CLI, for its audit actor. */
  user: () => readEnv().USER ?? "unknown",
};

/** The URL policy the shared zod schemas take (the browser gets it from the page, not from the environment). */
export const urlPolicy = () => ({ allowHttp: env.secureLoose() });

/**
 * TRUST_PROXY=1: a reverse proxy in front sets X-Forwarded-For / -Host / -Proto, and clients cannot reach the app
 * around it. Only then are those headers believed (client address, origin check, https detection).
 */
export const trustProxy = () => readEnv().TRUST_PROXY === true;

/** The client address for rate limiting: the first X-Forwarded-For hop only behind a trusted proxy (TRUST_PROXY=1). */
export function clientIp(headers: Headers): string {
  if (!trustProxy()) return "direct";
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip")?.trim() || "direct";
}

export type PluginEnv = Pick<
  Env,
  | "PLUGIN_TIMEOUT_MS"
  | "PLUGIN_HEAP_MB"
  | "PLUGIN_MAX_HOSTS"
  | "PLUGIN_MAX_RUNS_PER_USER"
  | "PLUGIN_LOG_MAX_LINES"
  | "PLUGIN_OUTPUT_MAX_BYTES"
  | "PLUGIN_FETCH_MAX_BYTES"
  | "PLUGIN_FETCH_TIMEOUT_MS"
  | "PLUGIN_EGRESS_ALLOW"
  | "PLUGIN_REQUIRE_NETWORK_ISOLATION"
  | "SYNC_DESCRIBE_TIMEOUT_MS"
  | "egress"
>;

/** The plugin hosts' limits and policy (see the README's configuration table); unset values are the library's defaults. */
export function pluginEnv(source: NodeJS.ProcessEnv = process.env): PluginEnv {
  return readEnv(source);
}
