import path from "node:path";

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
