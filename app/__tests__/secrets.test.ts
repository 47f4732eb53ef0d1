import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase } from "@/lib/test/database";
import { jsonRequest, routeCtx, signInAs } from "@/lib/test/auth";
import * as sourcesApi from "@/app/api/sources/route";
import * as sourceApi from "@/app/api/sources/[id]/route";
import * as cacheApi from "@/app/api/cache/route";
import * as auditApi from "@/app/api/audit/route";
import { openSecrets } from "@/lib/secrets";

/**
 * Secrets (git token, S3 secret keys) go in through the API and never come out: not in any response, not in the
 * audit log, not in plaintext in the database. They are stored as AES-GCM envelopes that open to the original.
 */

const TOKEN = "ghp_SECRET_TOKEN_123456";
const NEW_TOKEN = "ghp_NEW_TOKEN_654321abc";
const S3_SECRET = "S3-SECRET-KEY-abcdef";
const CACHE_SECRET = "CACHE-SECRET-xyz";
const ALL_SECRETS = [TOKEN, NEW_TOKEN, S3_SECRET, CACHE_SECRET];

const set = { submodule: "custom", version: "1.0.0", importModules: "custom.plugin_a" };
const gitSource = {
  name: "git-private",
  kind: "git",
  url: "https://git.example.com/org/plugins.git",
  ref: "main",
  username: "deploy-bot",
  pluginSets: [set],
};
const s3Source = {
  name: "s3-private",
  kind: "s3",
  endpoint: "https://s3.example.com",
  bucket: "plugins",
  prefix: "opsflow/",
  accessKeyId: "AKIAEXAMPLE1234",
  pathStyle: true,
  pluginSets: [set],
};
const s3Cache = {
  kind: "s3",
  endpoint: "https://s3.example.com",
  bucket: "opsflow-cache",
  prefix: "cache/",
  accessKeyId: "AKIACACHE5678",
};

type Handler = (r: Request, c: ReturnType<typeof routeCtx>) => Promise<Response>;

describe("secrets at rest and in transit", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  /** Every response body the API sent in this file, as text. */
  const bodies: string[] = [];
  let gitId: string;
  let s3Id: string;

  /** Calls a handler and records the raw response text. */
  async function call(handler: Handler, method: string, url: string, body?: unknown, params: Record<string, string> = {}) {
    const res = await handler(jsonRequest(method, url, body), routeCtx(params));
    const text = await res.text();
    bodies.push(text);
    return { status: res.status, text, json: JSON.parse(text) as Record<string, unknown> & { secretSet?: boolean } };
  }

  const storedSecret = async (id: string) => (await database.prisma.pluginSource.findUniqueOrThrow({ where: { id } })).secret;

  /** Runs `fn` and returns the audit events it wrote. */
  async function auditOf(fn: () => Promise<unknown>) {
    const before = new Set((await database.prisma.auditEvent.findMany({ select: { id: true } })).map((r) => r.id));
    await fn();
    return (await database.prisma.auditEvent.findMany()).filter((r) => !before.has(r.id));
  }

  const putGit = (patch: Record<string, unknown>) =>
    call(sourceApi.PUT, "PUT", `/api/sources/${gitId}`, { ...gitSource, ...patch }, { id: gitId });

  const expectNoSecretIn = (text: string) => {
    for (const secret of ALL_SECRETS) expect(text).not.toContain(secret);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await signInAs("admin");
  });
  afterAll(() => database.close());

  it("creates a git source, an s3 source and an s3 cache with secrets, answering secretSet: true", async () => {
    const git = await call(sourcesApi.POST, "POST", "/api/sources", { ...gitSource, token: TOKEN });
    expect(git.status).toBe(201);
    expect(git.json).toMatchObject({ name: "git-private", secretSet: true });
    gitId = git.json.id as string;

    const s3 = await call(sourcesApi.POST, "POST", "/api/sources", { ...s3Source, secretAccessKey: S3_SECRET });
    expect(s3.status).toBe(201);
    expect(s3.json).toMatchObject({ name: "s3-private", secretSet: true });
    s3Id = s3.json.id as string;

    const cache = await call(cacheApi.PUT, "PUT", "/api/cache", { ...s3Cache, secretAccessKey: CACHE_SECRET });
    expect(cache.status).toBe(200);
    expect(cache.json).toMatchObject({ secretSet: true, isDefault: false });
  });

  it("stores envelopes that open to the original values, with no plaintext in any column", async () => {
    const sources = await database.withSession((s) => s.query<{ id: string; secret: string | null }>('SELECT * FROM "PluginSource"'));
    const caches = await database.withSession((s) => s.query<{ secret: string | null }>('SELECT * FROM "CacheConfig"'));
    const sets = await database.withSession((s) => s.query('SELECT * FROM "PluginSet"'));
    const audit = await database.withSession((s) => s.query('SELECT * FROM "AuditEvent"'));
    const dump = JSON.stringify([sources, caches, sets, audit]);
    expectNoSecretIn(dump);
    // Control: the dump does hold the non-secret settings, so the search above looked at real data.
    for (const visible of ["deploy-bot", "AKIAEXAMPLE1234", "AKIACACHE5678", "custom.plugin_a"]) expect(dump).toContain(visible);

    const git = sources.find((r) => r.id === gitId)!;
    const s3 = sources.find((r) => r.id === s3Id)!;
    expect(git.secret).toMatch(/^v1\./);
    expect(s3.secret).toMatch(/^v1\./);
    expect(caches).toHaveLength(1);
    expect(caches[0].secret).toMatch(/^v1\./);
    expect(openSecrets(git.secret)).toEqual({ token: TOKEN });
    expect(openSecrets(s3.secret)).toEqual({ secretAccessKey: S3_SECRET });
    expect(openSecrets(caches[0].secret)).toEqual({ secretAccessKey: CACHE_SECRET });
  });

  it("never sends a secret back: GET sources, GET one source, GET cache, GET audit", async () => {
    const list = await call(sourcesApi.GET, "GET", "/api/sources");
    expect(list.status).toBe(200);
    expect(list.json).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: gitId, secretSet: true }),
        expect.objectContaining({ id: s3Id, secretSet: true }),
      ]),
    );
    for (const id of [gitId, s3Id]) {
      const one = await call(sourceApi.GET, "GET", `/api/sources/${id}`, undefined, { id });
      expect(one.status).toBe(200);
      expect(one.json.secretSet).toBe(true);
      expect(one.json).not.toHaveProperty("secret");
      expect(one.json).not.toHaveProperty("token");
      expect(one.json.settings).not.toHaveProperty("secretAccessKey");
    }
    const cache = await call(cacheApi.GET, "GET", "/api/cache");
    expect(cache.json).toMatchObject({ secretSet: true, settings: { kind: "s3", accessKeyId: "AKIACACHE5678" } });
    expect(cache.json.settings).not.toHaveProperty("secretAccessKey");

    const audit = await call(auditApi.GET, "GET", "/api/audit");
    expect(audit.status).toBe(200);
    expect((audit.json as unknown as unknown[]).length).toBeGreaterThanOrEqual(3);
    for (const text of bodies) expectNoSecretIn(text);
  });

  it("keeps the stored token when the token is blank or omitted", async () => {
    for (const patch of [{ token: "" }, {}]) {
      const events = await auditOf(async () => {
        const res = await putGit(patch);
        expect(res.status).toBe(200);
        expect(res.json.secretSet).toBe(true);
      });
      expect(openSecrets(await storedSecret(gitId))).toEqual({ token: TOKEN });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: "source.update", targetId: gitId });
      expect((events[0].summary as Record<string, unknown>).secret).toBeUndefined();
    }
    const one = await call(sourceApi.GET, "GET", `/api/sources/${gitId}`, undefined, { id: gitId });
    expect(one.json.secretSet).toBe(true);
  });

  it("replaces the token with a new one and audits it as changed", async () => {
    const before = await storedSecret(gitId);
    const events = await auditOf(async () => {
      const res = await putGit({ token: NEW_TOKEN });
      expect(res.status).toBe(200);
      expect(res.json.secretSet).toBe(true);
    });
    const after = await storedSecret(gitId);
    expect(after).not.toBe(before);
    expect(openSecrets(after)).toEqual({ token: NEW_TOKEN });
    expect(events).toHaveLength(1);
    expect(events[0].summary).toMatchObject({ secret: "changed" });
    expectNoSecretIn(JSON.stringify(events));
  });

  it("removes the token with clearToken: true and audits it as cleared", async () => {
    const events = await auditOf(async () => {
      const res = await putGit({ clearToken: true });
      expect(res.status).toBe(200);
      expect(res.json.secretSet).toBe(false);
    });
    expect(await storedSecret(gitId)).toBeNull();
    expect(events).toHaveLength(1);
    expect(events[0].summary).toMatchObject({ secret: "cleared" });
    expectNoSecretIn(JSON.stringify(events));

    const one = await call(sourceApi.GET, "GET", `/api/sources/${gitId}`, undefined, { id: gitId });
    expect(one.json.secretSet).toBe(false);
    const list = await call(sourcesApi.GET, "GET", "/api/sources");
    expect(list.json).toEqual(expect.arrayContaining([expect.objectContaining({ id: gitId, secretSet: false })]));
  });

  it("sets a token again on a source without one and audits it as set", async () => {
    const events = await auditOf(async () => {
      const res = await putGit({ token: TOKEN });
      expect(res.json.secretSet).toBe(true);
    });
    expect(openSecrets(await storedSecret(gitId))).toEqual({ token: TOKEN });
    expect(events[0].summary).toMatchObject({ secret: "set" });
  });

  it("keeps the s3 secret key and the cache secret key when they are left blank", async () => {
    const s3 = await call(sourceApi.PUT, "PUT", `/api/sources/${s3Id}`, { ...s3Source, description: "edited", secretAccessKey: "" }, { id: s3Id });
    expect(s3.status).toBe(200);
    expect(s3.json.secretSet).toBe(true);
    expect(openSecrets(await storedSecret(s3Id))).toEqual({ secretAccessKey: S3_SECRET });

    const cache = await call(cacheApi.PUT, "PUT", "/api/cache", { ...s3Cache, prefix: "cache2/" });
    expect(cache.status).toBe(200);
    expect(cache.json.secretSet).toBe(true);
    const row = await database.prisma.cacheConfig.findUniqueOrThrow({ where: { id: 1 } });
    expect(openSecrets(row.secret)).toEqual({ secretAccessKey: CACHE_SECRET });
  });

  it("leaves no secret in any response, audit row or table after all of the above", async () => {
    await call(auditApi.GET, "GET", "/api/audit?take=500");
    await call(sourcesApi.GET, "GET", "/api/sources");
    await call(cacheApi.GET, "GET", "/api/cache");
    expect(bodies.length).toBeGreaterThan(10);
    for (const text of bodies) expectNoSecretIn(text);

    const auditRows = await database.prisma.auditEvent.findMany();
    expect(auditRows.length).toBeGreaterThanOrEqual(8);
    expectNoSecretIn(JSON.stringify(auditRows));

    const raw = await database.withSession(async (s) => [
      await s.query('SELECT * FROM "PluginSource"'),
      await s.query('SELECT * FROM "PluginSet"'),
      await s.query('SELECT * FROM "CacheConfig"'),
      await s.query('SELECT * FROM "AuditEvent"'),
    ]);
    expectNoSecretIn(JSON.stringify(raw));
  });

  it("detects tampering: a flipped character in the stored envelope makes openSecrets throw", async () => {
    const envelope = (await storedSecret(gitId))!;
    expect(openSecrets(envelope)).toEqual({ token: TOKEN });
    const parts = envelope.split(".");
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
    // Flip the first character of the IV, the tag and the ciphertext (the first base64url character carries 6 full
    // bits; the last one may carry only padding bits).
    for (const part of [1, 2, 3]) {
      const tampered = parts.map((p, i) => (i === part ? flip(p, 0) : p)).join(".");
      expect(tampered).not.toBe(envelope);
      expect(() => openSecrets(tampered)).toThrow(/cannot be decrypted/);
    }
    expect(() => openSecrets(parts.slice(0, 2).join("."))).toThrow(/unreadable/);
    expect(() => openSecrets(["v2", ...parts.slice(1)].join("."))).toThrow(/unreadable/);

    // A tampered envelope written to the database is caught when the server opens it (keep-the-token path).
    const tamperedEnvelope = parts.map((p, i) => (i === 3 ? flip(p, 0) : p)).join(".");
    await database.withSession((s) => s.query('UPDATE "PluginSource" SET secret = $1 WHERE id = $2', [tamperedEnvelope, gitId]));
    const stored = await storedSecret(gitId);
    expect(stored).toBe(tamperedEnvelope);
    expect(() => openSecrets(stored)).toThrow();

    // Saving with a blank token must open the stored envelope to keep it: refused, nothing changed or audited.
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const events = await auditOf(async () => {
        const res = await putGit({ token: "", description: "after tampering" });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.json).not.toHaveProperty("secretSet");
      });
      expect(events).toHaveLength(0);
      expect(await storedSecret(gitId)).toBe(tamperedEnvelope);
      for (const [message] of errors.mock.calls) expectNoSecretIn(String(message));
    } finally {
      errors.mockRestore();
    }
  });
});
