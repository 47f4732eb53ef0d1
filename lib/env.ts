import path from "node:path";
import { z } from "zod";
import { parseEgressAllow } from "./plugins/host/egress";

/**
 * Environment access in one place. Values are read when asked for (not at import), so tests and the CLI can
 * change them, and a missing production secret fails the first use with a clear message instead of the build.
 */
export const env = {
  isProduction: () => process.env.NODE_ENV === "production",
  /** Directory for the embedded database, the dev secret and the default FS cache. */
  dataDir: () => path.resolve(/*turbopackIgnore: true*/ process.env.DATA_DIR || ".data"),
  /** PostgreSQL connection string; unset = embedded PGlite under dataDir()/pglite. */
  databaseUrl: () => {
    const url = process.env.DATABASE_URL?.trim();
    if (!url) return undefined;
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new Error("DATABASE_URL must start with postgresql:// (unset it to use the embedded database)");
    }
    return url;
  },
  appSecret: () => process.env.APP_SECRET?.trim() || undefined,
  adminUsername: () => process.env.ADMIN_USERNAME?.trim() || "admin",
  adminPassword: () => process.env.ADMIN_PASSWORD || undefined,
  /**
   * EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE=1 (alias BKAPP_EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE, the original
   * product's name) also allows http:// remotes; anything else allows https:// only.
   */
  secureLoose: () =>
    (process.env.EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE?.trim() || process.env.BKAPP_EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE?.trim()) === "1",
  /** Secure flag of the session cookie: on in production unless SESSION_COOKIE_SECURE=0 (plain-http intranets). */
  cookieSecure: () => {
    const v = process.env.SESSION_COOKIE_SECURE?.trim();
    return v === undefined || v === "" ? process.env.NODE_ENV === "production" : v === "1" || v === "true";
  },
  /** Seed the example fs plugin source on first start (default on outside production). */
  seedExamples: () => {
    const v = process.env.SEED_EXAMPLE_SOURCE?.trim();
    return v === undefined || v === "" ? process.env.NODE_ENV !== "production" : v === "1" || v === "true";
  },
};

/** The URL policy the shared zod schemas take (the browser gets it from the page, not from process.env). */
export const urlPolicy = () => ({ allowHttp: env.secureLoose() });

/**
 * TRUST_PROXY=1: a reverse proxy in front sets X-Forwarded-For / -Host / -Proto, and clients cannot reach the app
 * around it. Only then are those headers believed (client address, origin check, https detection).
 */
export const trustProxy = () => process.env.TRUST_PROXY?.trim() === "1";

/** The client address for rate limiting: the first X-Forwarded-For hop only behind a trusted proxy (TRUST_PROXY=1). */
export function clientIp(headers: Headers): string {
  if (!trustProxy()) return "direct";
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip")?.trim() || "direct";
}

/** Empty or blank means unset. */
const unset = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const whole = (min: number, max: number) =>
  z.preprocess(unset, z.coerce.number({ error: `must be a whole number from ${min} to ${max}` }).int(`must be a whole number from ${min} to ${max}`).min(min, `must be a whole number from ${min} to ${max}`).max(max, `must be a whole number from ${min} to ${max}`).optional());
const flag = z.preprocess(unset, z.enum(["0", "1", "true", "false"], { error: "must be 1 or 0" }).optional()).transform((v) => v === "1" || v === "true");

/** The plugin hosts' limits and policy, from the environment (see the README's configuration table). */
const ZPluginEnv = z.object({
  PLUGIN_TIMEOUT_MS: whole(100, 3_600_000),
  PLUGIN_HEAP_MB: whole(16, 16_384),
  PLUGIN_MAX_HOSTS: whole(1, 64),
  PLUGIN_MAX_RUNS_PER_USER: whole(1, 64),
  PLUGIN_LOG_MAX_LINES: whole(1, 100_000),
  PLUGIN_OUTPUT_MAX_BYTES: whole(1_024, 256 * 1024 * 1024),
  PLUGIN_FETCH_MAX_BYTES: whole(1_024, 1024 * 1024 * 1024),
  PLUGIN_FETCH_TIMEOUT_MS: whole(100, 3_600_000),
  PLUGIN_EGRESS_ALLOW: z.preprocess(unset, z.string().optional()),
  PLUGIN_REQUIRE_NETWORK_ISOLATION: flag,
  SYNC_DESCRIBE_TIMEOUT_MS: whole(100, 3_600_000),
});
export type PluginEnv = z.output<typeof ZPluginEnv> & { egress: ReturnType<typeof parseEgressAllow> };

/**
 * The plugin variables, checked: a bad value throws one line naming the variable ("PLUGIN_MAX_HOSTS: must be a
 * whole number from 1 to 64"). PLUGIN_MAX_THREADS, the name from when plugins ran in threads, is read as
 * PLUGIN_MAX_HOSTS.
 */
export function pluginEnv(source: NodeJS.ProcessEnv = process.env): PluginEnv {
  const raw = { ...source, PLUGIN_MAX_HOSTS: unset(source.PLUGIN_MAX_HOSTS) ?? source.PLUGIN_MAX_THREADS };
  const parsed = ZPluginEnv.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${String(issue.path[0])}: ${issue.message} (got "${String(raw[issue.path[0] as keyof typeof raw] ?? "")}")`);
  }
  return { ...parsed.data, egress: parseEgressAllow(parsed.data.PLUGIN_EGRESS_ALLOW) };
}
