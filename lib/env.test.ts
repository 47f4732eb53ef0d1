import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { ENV_KEYS, EnvError, readEnv } from "./env";

/** The environment schema on its own (lib/env.ts): a value is refused with one line naming it, never defaulted. */
const read = (vars: Record<string, string>) => readEnv({ ...vars } as NodeJS.ProcessEnv);
const refusal = (vars: Record<string, string>) => {
  try {
    read(vars);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(vars)}`);
};

describe("the environment schema", () => {
  it("accepts an empty environment (every variable has a default or is optional)", () => {
    expect(read({})).toMatchObject({ LOG_LEVEL: undefined, SYNC_KEEP_GENERATIONS: undefined, TRUST_PROXY: undefined });
  });

  it.each([
    [{ LOG_LEVEL: "verbose" }, 'LOG_LEVEL: must be one of trace, debug, info, warn, error, fatal, silent (got "verbose")'],
    [{ LOG_FORMAT: "xml" }, 'LOG_FORMAT: must be one of json, pretty (got "xml")'],
    [{ SYNC_KEEP_GENERATIONS: "five" }, 'SYNC_KEEP_GENERATIONS: must be a whole number from 1 to 1000 (got "five")'],
    [{ SYNC_KEEP_GENERATIONS: "0" }, 'SYNC_KEEP_GENERATIONS: must be a whole number from 1 to 1000 (got "0")'],
    [{ SYNC_LEASE_TTL_MS: "60s" }, 'SYNC_LEASE_TTL_MS: must be a whole number from 1000 to 3600000 (got "60s")'],
    [{ SYNC_SET_CONCURRENCY: "2.5" }, 'SYNC_SET_CONCURRENCY: must be a whole number from 1 to 64 (got "2.5")'],
    [{ PLUGIN_POLL_INTERVAL_MS: "100" }, 'PLUGIN_POLL_INTERVAL_MS: must be a whole number from 500 to 3600000 (got "100")'],
    [{ BCRYPT_ROUNDS: "99" }, 'BCRYPT_ROUNDS: must be a whole number from 4 to 31 (got "99")'],
    [{ PLUGIN_MAX_THREADS: "lots" }, 'PLUGIN_MAX_HOSTS: must be a whole number from 1 to 64 (got "lots")'],
    [{ TRUST_PROXY: "yes" }, 'TRUST_PROXY: must be 1 or 0 (got "yes")'],
    [{ SEED_EXAMPLE_SOURCE: "on" }, 'SEED_EXAMPLE_SOURCE: must be 1 or 0 (got "on")'],
    [{ SYNC_ON_START: "always" }, 'SYNC_ON_START: must be one of if-empty, never (got "always")'],
    [{ TZ: "Mars/Olympus" }, 'TZ: is not a time zone (e.g. UTC, Europe/Berlin, Asia/Shanghai) (got "Mars/Olympus")'],
    [{ PLUGIN_EGRESS_ALLOW: "10.0.0.0/99" }, 'PLUGIN_EGRESS_ALLOW: "10.0.0.0/99" is not a valid CIDR'],
  ])("%j is refused: %s", (vars, message) => {
    expect(refusal(vars)).toBe(message);
  });

  it("never echoes a secret's value", () => {
    expect(refusal({ SYNC_TOKEN: "short-token" })).toBe("SYNC_TOKEN: must be at least 16 characters");
    expect(refusal({ DATABASE_URL: "mysql://root:hunter2@db/x" })).toBe("DATABASE_URL: must start with postgresql:// (unset it to use the embedded database)");
  });

  it("a refusal is one line, whatever the value holds", () => {
    expect(refusal({ LOG_LEVEL: "info\nwarn" }).split("\n")).toHaveLength(1);
  });

  it("reads levels without regard to case, blank as unset, and the old PLUGIN_MAX_THREADS as PLUGIN_MAX_HOSTS", () => {
    expect(read({ LOG_LEVEL: "WARN", SYNC_KEEP_GENERATIONS: " ", PLUGIN_MAX_THREADS: "3" })).toMatchObject({ LOG_LEVEL: "warn", SYNC_KEEP_GENERATIONS: undefined, PLUGIN_MAX_HOSTS: 3 });
    expect(read({ PLUGIN_MAX_HOSTS: "2", PLUGIN_MAX_THREADS: "3" }).PLUGIN_MAX_HOSTS).toBe(2);
    expect(read({ TRUST_PROXY: "true", SEED_EXAMPLE_SOURCE: "0" })).toMatchObject({ TRUST_PROXY: true, SEED_EXAMPLE_SOURCE: false });
  });

  it("sees a changed variable at the next read of process.env", () => {
    const saved = process.env.SYNC_KEEP_GENERATIONS;
    try {
      process.env.SYNC_KEEP_GENERATIONS = "7";
      expect(readEnv().SYNC_KEEP_GENERATIONS).toBe(7);
      process.env.SYNC_KEEP_GENERATIONS = "8";
      expect(readEnv().SYNC_KEEP_GENERATIONS).toBe(8);
    } finally {
      if (saved === undefined) delete process.env.SYNC_KEEP_GENERATIONS;
      else process.env.SYNC_KEEP_GENERATIONS = saved;
    }
  });
});

describe("the documentation of the environment", () => {
  /** Set by the platform or the test runner, not by an operator. */
  const NOT_OURS = new Set(["NODE_ENV", "VITEST"]);
  const documented = (file: string) => {
    const text = fs.readFileSync(file, "utf8");
    return ENV_KEYS.filter((k) => !NOT_OURS.has(k) && !new RegExp(`\\b${k}\\b`).test(text));
  };

  it("names every variable of the schema in .env.example", () => {
    expect(documented(".env.example")).toEqual([]);
  });

  it("names every variable of the schema in the README", () => {
    expect(documented("README.md")).toEqual([]);
  });
});
