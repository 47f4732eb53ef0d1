import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import YAML from "yaml";
import { createTestDatabase } from "@/lib/test/database";
import { jsonRequest, routeCtx, signInAs } from "@/lib/test/auth";
import * as sourcesApi from "@/app/api/sources/route";
import * as sourceApi from "@/app/api/sources/[id]/route";
import * as cacheApi from "@/app/api/cache/route";
import { createSourceAction, deleteSourceAction, updateSourceAction } from "@/app/(admin)/sources/actions";
import { saveCacheAction } from "@/app/(admin)/cache/actions";
import { openSecrets } from "@/lib/secrets";
import { getCacheConfig } from "@/lib/server/cache/cache-config";
import { findSources } from "@/lib/server/sources/find-sources";
import { exportSourcesFile } from "@/lib/server/sources-file/export-sources-file";
import { loadSourcesFile } from "@/lib/server/sources-file/load-sources-file";
import { fileTag } from "@/lib/server/sources-file/managed";
import { reconcileFromEnv, reconcileSourcesFile, SourcesFileError } from "@/lib/server/sources-file/reconcile-sources-file";
import en from "@/messages/en.json";

/**
 * Sources as code: PLUGIN_SOURCES_FILE declares plugin sources (and optionally the cache), validated with the admin
 * forms' schemas, secrets as environment references; reconciling makes the database match the file for the sources
 * it manages (all or nothing, audited as "file:<path>"), and the UI refuses to change them (409).
 */

const fill = (text: string, values: Record<string, string | number> = {}) => text.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k]));
const v = (key: keyof typeof en.validation, values?: Record<string, string | number>) => fill(en.validation[key], values);
const m = (key: keyof typeof en.managed, values?: Record<string, string | number>) => fill(en.managed[key], values);

const dir = mkdtempSync(path.join(os.tmpdir(), "opsflow-sources-file-"));
let n = 0;
/** Writes `doc` as YAML (default) or JSON to a new file and returns its path. */
function writeDoc(doc: unknown, ext: "yaml" | "yml" | "json" = "yaml", name = `sources-${++n}`): string {
  const file = path.join(dir, `${name}.${ext}`);
  writeFileSync(file, ext === "json" ? JSON.stringify(doc, null, 2) : YAML.stringify(doc));
  return file;
}
function writeText(text: string, name: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const SECRETS = {
  GIT_TOKEN_PLUGINS: "ghp_file_token_1234567890",
  S3_SECRET_PLUGINS: "s3-secret-plugins-abcdef",
  S3_SECRET_CACHE: "s3-secret-cache-xyz",
};

const set = (submodule: string, version = "1.0.0") => ({ submodule, version, importModules: [`${submodule}.collections.test1`] });
const gitEntry = {
  name: "git-plugins",
  kind: "git",
  description: "Team plugins",
  url: "https://git.example.com/team/plugins.git",
  ref: "main",
  username: "deploy-bot",
  token: { env: "GIT_TOKEN_PLUGINS" },
  pluginSets: [set("custom_plugins"), set("more_plugins", "0.3")],
};
const s3Entry = {
  name: "s3-plugins",
  kind: "s3",
  endpoint: "https://s3.example.com",
  region: "eu-west-1",
  bucket: "opsflow-plugins",
  prefix: "plugins/",
  accessKeyId: "AKIAPLUGINS",
  secretAccessKey: { env: "S3_SECRET_PLUGINS" },
  pathStyle: true,
  pluginSets: [set("vendor_plugins", "2.1.0")],
};
const fsEntry = { name: "fs-plugins", kind: "fs", enabled: false, path: "/srv/plugins", pluginSets: [set("local_plugins")] };
const s3Cache = {
  kind: "s3",
  endpoint: "https://s3.example.com",
  bucket: "opsflow-cache",
  prefix: "cache/",
  accessKeyId: "AKIACACHE",
  secretAccessKey: { env: "S3_SECRET_CACHE" },
};
const fullDoc = { sources: [gitEntry, s3Entry, fsEntry], cache: s3Cache };

function stubSecrets() {
  for (const [k, val] of Object.entries(SECRETS)) vi.stubEnv(k, val);
}

describe("sources file: loading and validation", () => {
  beforeAll(stubSecrets);
  afterAll(() => vi.unstubAllEnvs());

  it("reads YAML (.yaml, .yml) and JSON alike, resolving the secrets' environment references", async () => {
    const results = await Promise.all([writeDoc(fullDoc, "yaml"), writeDoc(fullDoc, "yml"), writeDoc(fullDoc, "json")].map((f) => loadSourcesFile(f)));
    for (const r of results) expect(r.ok, JSON.stringify(r)).toBe(true);
    const files = results.map((r) => (r.ok ? r.file : null)!);
    expect(files[1].sources).toEqual(files[0].sources);
    expect(files[2].sources).toEqual(files[0].sources);
    expect(files[2].cache).toEqual(files[0].cache);
    const [git, s3, fs] = files[0].sources;
    expect(git).toMatchObject({ name: "git-plugins", kind: "git", token: SECRETS.GIT_TOKEN_PLUGINS, username: "deploy-bot", enabled: true });
    expect(s3).toMatchObject({ kind: "s3", secretAccessKey: SECRETS.S3_SECRET_PLUGINS, region: "eu-west-1" });
    expect(fs).toMatchObject({ kind: "fs", enabled: false, description: "" });
    expect(files[0].cache).toMatchObject({ kind: "s3", secretAccessKey: SECRETS.S3_SECRET_CACHE, region: "us-east-1" });
    expect(files[0].managedBy).toBe(`file:${files[0].path}`);
  });

  it("keeps YAML versions that look like numbers as written, and takes import modules as a list or comma text", async () => {
    const file = writeText(
      ["sources:", "  - name: p", "    kind: fs", "    path: /srv/p", "    pluginSets:", "      - submodule: a", "        version: 1.10", "        importModules: a.x, a.y"].join("\n"),
      "numbers.yaml",
    );
    const r = await loadSourcesFile(file);
    expect(r.ok && r.file.sources[0].pluginSets[0]).toEqual({ submodule: "a", version: "1.10", importModules: ["a.x", "a.y"] });
  });

  it("names a missing environment variable, with the file and the entry's position", async () => {
    const file = writeDoc({ sources: [fsEntry, { ...gitEntry, token: { env: "GIT_TOKEN_MISSING" } }] });
    const r = await loadSourcesFile(file);
    expect(r).toEqual({ ok: false, errors: [`${file}: sources[1] (name "git-plugins").token: ${m("envMissing", { name: "GIT_TOKEN_MISSING" })}`] });
    vi.stubEnv("GIT_TOKEN_MISSING", "");
    expect((await loadSourcesFile(file)).ok).toBe(false);
    vi.stubEnv("GIT_TOKEN_MISSING", "now-set");
    const ok = await loadSourcesFile(file);
    expect(ok.ok && ok.file.sources[1]).toMatchObject({ token: "now-set" });
  });

  it("refuses literal secrets and malformed references", async () => {
    const file = writeDoc({
      sources: [
        { ...gitEntry, token: "ghp_literal" },
        { ...s3Entry, secretAccessKey: { env: "S3_SECRET_PLUGINS", extra: 1 } },
        { ...s3Entry, name: "s3-b", secretAccessKey: { env: "not a name" } },
      ],
      cache: { ...s3Cache, secretAccessKey: "literal-cache-secret" },
    });
    const r = await loadSourcesFile(file);
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.errors;
    expect(errors).toEqual([
      expect.stringMatching(new RegExp(`^${file}: sources\\[0\\] \\(name "git-plugins"\\)\\.token: Secrets must be environment references`)),
      `${file}: sources[1] (name "s3-plugins").secretAccessKey: ${m("secretRef")}`,
      `${file}: sources[2] (name "s3-b").secretAccessKey: ${m("secretRef")}`,
      expect.stringMatching(new RegExp(`^${file}: cache\\.secretAccessKey: Secrets must be environment references`)),
    ]);
    expect(errors.join("\n")).not.toContain("ghp_literal");
    expect(errors.join("\n")).not.toContain("literal-cache-secret");
  });

  it("reports every error at once, each with its location, using the admin forms' messages", async () => {
    const file = writeDoc({
      sources: [
        { ...gitEntry, url: "ssh://git@host/repo", ref: "a..b" },
        { ...fsEntry, name: "bad name", pluginSets: [{ submodule: "../up", version: "1", importModules: "x.y" }] },
        { ...s3Entry, token: { env: "GIT_TOKEN_PLUGINS" } },
        { ...fsEntry, name: "git-plugins" },
        { kind: "svn", name: "other" },
        "not an object",
        { ...s3Entry, name: "s3-nosecret", secretAccessKey: undefined },
      ],
      cache: { kind: "fs", path: "relative/dir" },
      extra: true,
    });
    const r = await loadSourcesFile(file);
    expect(r.ok ? [] : r.errors).toEqual([
      `${file}: extra: ${v("unknown_field")}`,
      `${file}: sources[0] (name "git-plugins").url: ${v("url_scheme")}`,
      `${file}: sources[0] (name "git-plugins").ref: ${v("ref_format")}`,
      `${file}: sources[1] (name "bad name").name: ${v("name_format")}`,
      `${file}: sources[1] (name "bad name").pluginSets.0.submodule: ${v("submodule_format")}`,
      `${file}: sources[1] (name "bad name").pluginSets.0.importModules: ${v("module_outside", { entry: "x.y", submodule: "../up" })}`,
      `${file}: sources[2] (name "s3-plugins").token: ${v("unknown_field")}`,
      `${file}: sources[3] (name "git-plugins").name: ${m("duplicateName", { name: "git-plugins" })}`,
      `${file}: sources[4] (name "other").kind: ${v("kind_invalid")}`,
      `${file}: sources[5]: ${m("entryShape")}`,
      `${file}: sources[6] (name "s3-nosecret").secretAccessKey: ${en.errors.secretRequired}`,
      `${file}: cache.path: ${v("path_absolute")}`,
    ]);
  });

  it("reports a file it cannot use in one line: type, missing file, syntax, shape", async () => {
    const txt = writeText("sources: []", "sources.txt");
    expect(await loadSourcesFile(txt)).toEqual({ ok: false, errors: [`${txt}: ${m("fileType")}`] });
    const missing = path.join(dir, "missing.yaml");
    const r1 = await loadSourcesFile(missing);
    expect(r1.ok ? [] : r1.errors).toEqual([expect.stringMatching(new RegExp(`^${missing}: Cannot read the file: .*ENOENT`))]);
    const badYaml = writeText("sources: [\n", "bad.yaml");
    const r2 = await loadSourcesFile(badYaml);
    expect(r2.ok ? [] : r2.errors).toEqual([expect.stringMatching(new RegExp(`^${badYaml}: Not valid YAML: `))]);
    const badJson = writeText("{ sources: [] }", "bad.json");
    const r3 = await loadSourcesFile(badJson);
    expect(r3.ok ? [] : r3.errors).toEqual([expect.stringMatching(new RegExp(`^${badJson}: Not valid JSON: `))]);
    const list = writeDoc([fsEntry]);
    expect(await loadSourcesFile(list)).toEqual({ ok: false, errors: [`${list}: ${m("fileShape")}`] });
    const noSources = writeDoc({ cache: { kind: "fs", path: "/srv/cache" } });
    expect(await loadSourcesFile(noSources)).toEqual({ ok: false, errors: [`${noSources}: sources: ${v("required")}`] });
    const notList = writeDoc({ sources: { a: 1 } });
    expect(await loadSourcesFile(notList)).toEqual({ ok: false, errors: [`${notList}: sources: ${m("sourcesList")}`] });
  });

  it("refuses __proto__, constructor and prototype as keys anywhere, each with its location (YAML and JSON)", async () => {
    const yaml = writeText(
      [
        "sources:",
        "  - name: examples",
        "    kind: fs",
        "    path: /srv/plugins",
        "    constructor: 1",
        "    pluginSets:",
        "      - submodule: custom",
        '        version: "1"',
        "        importModules: [custom.a]",
        "        __proto__: { polluted: true }",
        "  - __proto__:",
        "      name: hidden",
        "      kind: fs",
        "      path: /srv/hidden",
        "      pluginSets: []",
        "cache:",
        "  kind: fs",
        "  path: /srv/cache",
        "  prototype: x",
        "",
      ].join("\n"),
      "reserved.yaml",
    );
    // Written as text: an object literal's __proto__ would set the prototype instead of making a key.
    const json = writeText('{ "sources": [{ "__proto__": { "name": "hidden" } }], "constructor": {} }', "reserved.json");
    expect(await loadSourcesFile(yaml)).toEqual({
      ok: false,
      errors: [
        `${yaml}: sources[0] (name "examples").constructor: ${m("reservedKey", { key: "constructor" })}`,
        `${yaml}: sources[0] (name "examples").pluginSets.0.__proto__: ${m("reservedKey", { key: "__proto__" })}`,
        `${yaml}: sources[1].__proto__: ${m("reservedKey", { key: "__proto__" })}`,
        `${yaml}: cache.prototype: ${m("reservedKey", { key: "prototype" })}`,
      ],
    });
    expect(await loadSourcesFile(json)).toEqual({
      ok: false,
      errors: [`${json}: sources[0].__proto__: ${m("reservedKey", { key: "__proto__" })}`, `${json}: constructor: ${m("reservedKey", { key: "constructor" })}`],
    });
  });

  it("reports an unknown key named like an Object method (toString) instead of dropping the entry", async () => {
    const file = writeText(JSON.stringify({ sources: [{ ...fsEntry, toString: 1, pluginSets: [{ ...set("local_plugins"), valueOf: 2 }] }] }), "methods.json");
    expect(await loadSourcesFile(file)).toEqual({
      ok: false,
      errors: [`${file}: sources[0] (name "fs-plugins").pluginSets.0.valueOf: ${v("unknown_field")}`, `${file}: sources[0] (name "fs-plugins").toString: ${v("unknown_field")}`],
    });
  });

  it("identifies a file by its path relative to the working directory when inside it", () => {
    expect(fileTag("config/sources.yaml")).toBe("file:config/sources.yaml");
    expect(fileTag("./config/../config/sources.yaml")).toBe("file:config/sources.yaml");
    expect(fileTag(path.resolve("config/sources.yaml"))).toBe("file:config/sources.yaml");
    expect(fileTag("/etc/opsflow/sources.yaml")).toBe("file:/etc/opsflow/sources.yaml");
  });
});

describe("sources file: reconciling", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let file: string;
  let tag: string;
  let uiId: string;

  const prisma = () => database.prisma;
  const sourceRows = () => prisma().pluginSource.findMany({ include: { pluginSets: { orderBy: { position: "asc" } } }, orderBy: { name: "asc" } });
  /** Everything reconciling could touch. */
  const snapshot = async () => ({
    sources: await sourceRows(),
    cache: await prisma().cacheConfig.findMany(),
    audit: await prisma().auditEvent.findMany({ orderBy: { id: "asc" } }),
  });
  /** Runs `fn` and returns the audit events it wrote. */
  async function auditOf(fn: () => Promise<unknown>) {
    const before = new Set((await prisma().auditEvent.findMany({ select: { id: true } })).map((r) => r.id));
    await fn();
    return (await prisma().auditEvent.findMany({ orderBy: { id: "asc" } })).filter((r) => !before.has(r.id));
  }
  /** Same rows in any order (rows written in one transaction share their timestamp); rows are [actor, action, targetName, …]. */
  const sameItems = (actual: unknown[][], expected: unknown[][]) => {
    const byTarget = (rows: unknown[][]) => [...rows].sort((a, b) => String(a[2]).localeCompare(String(b[2])));
    expect(byTarget(actual)).toEqual(byTarget(expected));
  };
  const byName = async (name: string) => prisma().pluginSource.findUniqueOrThrow({ where: { name }, include: { pluginSets: true } });
  /** The error a reconcile throws (fails the test if it does not throw a SourcesFileError). */
  async function failure(p: Promise<unknown>): Promise<SourcesFileError> {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SourcesFileError);
    return err as SourcesFileError;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    stubSecrets();
    await signInAs("admin");
    const ui = await createSourceAction({ name: "ui-source", kind: "fs", path: "/srv/ui", pluginSets: [set("ui_plugins")] });
    if (!ui.ok) throw new Error(ui.error);
    uiId = ui.data.id;
    file = writeDoc(fullDoc, "yaml", "main");
    tag = `file:${file}`;
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await database.close();
  });

  it("creates every declared source and the cache, managed by the file and audited as the file", async () => {
    const events = await auditOf(async () => {
      const summary = await reconcileSourcesFile(file);
      expect(summary).toMatchObject({
        managedBy: tag,
        created: ["git-plugins", "s3-plugins", "fs-plugins"],
        updated: [],
        deleted: [],
        unchanged: [],
        cache: "set",
      });
    });
    sameItems(
      events.map((e) => [e.actor, e.action, e.targetName]),
      [
        [tag, "source.create", "git-plugins"],
        [tag, "source.create", "s3-plugins"],
        [tag, "source.create", "fs-plugins"],
        [tag, "cache.update", "cache"],
      ],
    );
    for (const secret of Object.values(SECRETS)) expect(JSON.stringify(events)).not.toContain(secret);

    const git = await byName("git-plugins");
    expect(git).toMatchObject({ managedBy: tag, kind: "git", description: "Team plugins", settings: { url: gitEntry.url, ref: "main", username: "deploy-bot" } });
    expect([...git.pluginSets].sort((a, b) => a.position - b.position).map((s) => [s.submodule, s.version])).toEqual([
      ["custom_plugins", "1.0.0"],
      ["more_plugins", "0.3"],
    ]);
    expect(openSecrets(git.secret)).toEqual({ token: SECRETS.GIT_TOKEN_PLUGINS });
    expect(openSecrets((await byName("s3-plugins")).secret)).toEqual({ secretAccessKey: SECRETS.S3_SECRET_PLUGINS });
    expect(await byName("fs-plugins")).toMatchObject({ managedBy: tag, enabled: false, secret: null });
    const cache = await prisma().cacheConfig.findUniqueOrThrow({ where: { id: 1 } });
    expect(cache).toMatchObject({ kind: "s3", managedBy: tag, settings: { bucket: "opsflow-cache", prefix: "cache/", accessKeyId: "AKIACACHE" } });
    expect(openSecrets(cache.secret)).toEqual({ secretAccessKey: SECRETS.S3_SECRET_CACHE });
    expect(await byName("ui-source")).toMatchObject({ managedBy: null });

    // What the UI and the API see: the owner, never a secret.
    const list = await sourcesApi.GET(jsonRequest("GET", "/api/sources"), routeCtx());
    const views = (await list.json()) as { name: string; managedBy: string | null }[];
    expect(Object.fromEntries(views.map((s) => [s.name, s.managedBy]))).toEqual({
      "fs-plugins": tag,
      "git-plugins": tag,
      "s3-plugins": tag,
      "ui-source": null,
    });
    expect((await getCacheConfig()).managedBy).toBe(tag);
  });

  it("changes nothing and audits nothing when reconciling the same file again", async () => {
    const before = await snapshot();
    const summary = await reconcileSourcesFile(file);
    expect(summary).toMatchObject({ created: [], updated: [], deleted: [], unchanged: ["git-plugins", "s3-plugins", "fs-plugins"], cache: "unchanged" });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses managed sources and a managed cache in the UI's server actions and the REST API with 409", async () => {
    await signInAs("admin");
    const git = await byName("git-plugins");
    const before = await snapshot();
    const refused = fill(en.errors.managedByFile, { file });
    const body = { ...gitEntry, token: "ghp_from_the_ui", description: "edited in the UI" };

    expect(await updateSourceAction(git.id, body)).toEqual({ ok: false, status: 409, error: refused, fieldErrors: {} });
    expect(await deleteSourceAction(git.id)).toEqual({ ok: false, status: 409, error: refused, fieldErrors: {} });
    expect(await saveCacheAction({ kind: "fs", path: "/srv/cache" })).toEqual({ ok: false, status: 409, error: refused, fieldErrors: {} });
    for (const [handler, method, payload] of [
      [sourceApi.PUT, "PUT", body],
      [sourceApi.DELETE, "DELETE", undefined],
    ] as const) {
      const res = await handler(jsonRequest(method, `/api/sources/${git.id}`, payload), routeCtx({ id: git.id }));
      expect(res.status).toBe(409);
      expect(await res.json()).toEqual({ error: refused });
    }
    const cacheRes = await cacheApi.PUT(jsonRequest("PUT", "/api/cache", { kind: "fs", path: "/srv/cache" }), routeCtx());
    expect(cacheRes.status).toBe(409);
    expect(await cacheRes.json()).toEqual({ error: refused });
    expect(await snapshot()).toEqual(before);

    // Control: a UI source is still editable through the same doors, and creating sources is fine.
    const ok = await updateSourceAction(uiId, { name: "ui-source", kind: "fs", path: "/srv/ui", description: "edited", pluginSets: [set("ui_plugins")] });
    expect(ok).toMatchObject({ ok: true, data: { description: "edited", managedBy: null } });
    const taken = await createSourceAction({ ...fsEntry, name: "git-plugins" });
    expect(taken).toMatchObject({ ok: false, status: 422, fieldErrors: { name: fill(en.errors.nameTaken, { name: "git-plugins" }) } });
  });

  it("updates only the sources whose declaration changed, auditing what changed (secrets only as changed)", async () => {
    vi.stubEnv("GIT_TOKEN_PLUGINS", "ghp_rotated_token_999");
    const changed = {
      ...fullDoc,
      sources: [gitEntry, { ...s3Entry, pluginSets: [set("vendor_plugins", "2.2.0")] }, fsEntry],
    };
    writeFileSync(file, YAML.stringify(changed));
    const s3Before = await byName("s3-plugins");
    const fsBefore = await byName("fs-plugins");
    const events = await auditOf(async () => {
      const summary = await reconcileSourcesFile(file);
      expect(summary).toMatchObject({ created: [], updated: ["git-plugins", "s3-plugins"], deleted: [], unchanged: ["fs-plugins"], cache: "unchanged" });
    });
    sameItems(
      events.map((e) => [e.actor, e.action, e.targetName, e.summary]),
      [
        [tag, "source.update", "git-plugins", { secret: "changed" }],
        [tag, "source.update", "s3-plugins", { "pluginSets.vendor_plugins.version": { from: "2.1.0", to: "2.2.0" } }],
      ],
    );
    expect(openSecrets((await byName("git-plugins")).secret)).toEqual({ token: "ghp_rotated_token_999" });
    const s3After = await byName("s3-plugins");
    expect(s3After.pluginSets.map((s) => s.id)).toEqual(s3Before.pluginSets.map((s) => s.id)); // sets keep their ids
    expect(openSecrets(s3After.secret)).toEqual(openSecrets(s3Before.secret));
    expect((await byName("fs-plugins")).updatedAt).toEqual(fsBefore.updatedAt);
  });

  it("deletes a source dropped from the file, and only sources this file manages", async () => {
    // Another file manages its own source; a UI source exists too.
    const other = writeDoc({ sources: [{ ...fsEntry, name: "other-file-source" }] }, "yaml", "other");
    expect((await reconcileSourcesFile(other)).created).toEqual(["other-file-source"]);

    writeFileSync(file, YAML.stringify({ ...fullDoc, sources: [gitEntry, fsEntry] }));
    const events = await auditOf(async () => {
      const summary = await reconcileSourcesFile(file);
      expect(summary).toMatchObject({ created: [], updated: [], deleted: ["s3-plugins"], unchanged: ["git-plugins", "fs-plugins"] });
    });
    expect(events.map((e) => [e.actor, e.action, e.targetName])).toEqual([[tag, "source.delete", "s3-plugins"]]);
    expect((await sourceRows()).map((r) => [r.name, r.managedBy])).toEqual([
      ["fs-plugins", tag],
      ["git-plugins", tag],
      ["other-file-source", `file:${other}`],
      ["ui-source", null],
    ]);
  });

  it("refuses to take over a UI source or another file's source by name (nothing changed); --adopt takes them over", async () => {
    const other = path.join(dir, "other.yaml");
    writeFileSync(
      file,
      YAML.stringify({
        ...fullDoc,
        sources: [gitEntry, fsEntry, s3Entry, { ...fsEntry, name: "ui-source" }, { ...fsEntry, name: "other-file-source" }],
      }),
    );
    const before = await snapshot();
    const err = await failure(reconcileSourcesFile(file));
    expect(err.errors).toEqual([
      `${file}: sources[3] (name "ui-source"): ${m("uiManaged", { name: "ui-source" })}`,
      `${file}: sources[4] (name "other-file-source"): ${m("otherFile", { name: "other-file-source", file: other })}`,
    ]);
    expect(err.message.split("\n")[0]).toBe(`${file} is invalid (2 errors); nothing was changed.`);
    expect(await snapshot()).toEqual(before); // s3-plugins was not created either

    const events = await auditOf(async () => {
      const summary = await reconcileSourcesFile(file, { adopt: true });
      expect(summary).toMatchObject({ created: ["s3-plugins"], updated: ["ui-source", "other-file-source"], deleted: [] });
    });
    expect(events.find((e) => e.targetName === "ui-source")?.summary).toMatchObject({
      managedBy: { from: null, to: tag },
      description: { from: "edited", to: "" },
    });
    expect((await sourceRows()).every((r) => r.managedBy === tag)).toBe(true);
  });

  it("changes nothing when the file is invalid, and reports every error with its location", async () => {
    const before = await snapshot();
    writeFileSync(
      file,
      YAML.stringify({
        sources: [{ ...gitEntry, ref: "bad ref" }, { ...s3Entry, secretAccessKey: { env: "S3_SECRET_NOT_SET" } }, { name: "new-one", kind: "fs", path: "/srv/new" }],
        cache: { kind: "fs", path: "/srv/cache" },
      }),
    );
    const err = await failure(reconcileSourcesFile(file));
    expect(err.errors).toEqual([
      `${file}: sources[0] (name "git-plugins").ref: ${v("ref_format")}`,
      `${file}: sources[1] (name "s3-plugins").secretAccessKey: ${m("envMissing", { name: "S3_SECRET_NOT_SET" })}`,
    ]);
    expect(err.message).toBe(`${file} is invalid (2 errors); nothing was changed.\n${err.errors.join("\n")}`);
    expect(await snapshot()).toEqual(before);
  });

  it("keeps a declared source when its entry gains a reserved key (it was read as gone, and deleted)", async () => {
    const before = await snapshot();
    writeFileSync(file, YAML.stringify({ sources: [gitEntry, s3Entry, fsEntry] }).replace("- name: fs-plugins", "- constructor: 1\n    name: fs-plugins"));
    const err = await failure(reconcileSourcesFile(file));
    expect(err.errors).toEqual([`${file}: sources[2] (name "fs-plugins").constructor: ${m("reservedKey", { key: "constructor" })}`]);
    expect(await snapshot()).toEqual(before);
  });

  it("is all or nothing: a failure while writing rolls back every change of the file", async () => {
    // A trigger makes the database refuse one insert, after the reconciler has deleted and updated other rows.
    await database.withSession((s) =>
      s.exec(`
        CREATE FUNCTION opsflow_test_refuse() RETURNS trigger AS $$
        BEGIN IF NEW.name = 'refused-by-db' THEN RAISE EXCEPTION 'refused by the test trigger'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
        CREATE TRIGGER opsflow_test_refuse BEFORE INSERT ON "PluginSource" FOR EACH ROW EXECUTE FUNCTION opsflow_test_refuse();
      `),
    );
    try {
      const before = await snapshot();
      writeFileSync(
        file,
        YAML.stringify({
          sources: [{ ...gitEntry, ref: "release-2" }, { ...fsEntry, name: "refused-by-db" }],
          cache: { kind: "fs", path: "/srv/cache" },
        }),
      );
      await expect(reconcileSourcesFile(file)).rejects.toThrow(/refused by the test trigger/);
      expect(await snapshot()).toEqual(before);
    } finally {
      await database.withSession((s) => s.exec(`DROP TRIGGER opsflow_test_refuse ON "PluginSource"; DROP FUNCTION opsflow_test_refuse();`));
    }
  });

  it("dry run: reports what would change and writes nothing", async () => {
    writeFileSync(file, YAML.stringify({ sources: [{ ...gitEntry, ref: "release-2" }, { ...fsEntry, name: "brand-new" }] }));
    const before = await snapshot();
    const summary = await reconcileSourcesFile(file, { dryRun: true });
    expect(summary).toMatchObject({
      dryRun: true,
      created: ["brand-new"],
      updated: ["git-plugins"],
      deleted: ["fs-plugins", "other-file-source", "s3-plugins", "ui-source"],
      cache: "released",
    });
    expect(await snapshot()).toEqual(before);
  });

  it("releases the cache (kept as configured, editable in the UI again) when the file stops declaring it", async () => {
    const cacheBefore = await prisma().cacheConfig.findUniqueOrThrow({ where: { id: 1 } });
    const events = await auditOf(async () => expect((await reconcileSourcesFile(file)).cache).toBe("released"));
    expect(events.filter((e) => e.targetType === "cache")).toEqual([
      expect.objectContaining({ actor: tag, action: "cache.update", summary: { managedBy: { from: tag, to: null } } }),
    ]);
    const cacheAfter = await prisma().cacheConfig.findUniqueOrThrow({ where: { id: 1 } });
    expect(cacheAfter).toMatchObject({ managedBy: null, kind: cacheBefore.kind, settings: cacheBefore.settings, secret: cacheBefore.secret });
    expect(await saveCacheAction({ kind: "fs", path: "/srv/cache" })).toMatchObject({ ok: true });
    expect((await sourceRows()).map((r) => r.name)).toEqual(["brand-new", "git-plugins"]);
  });

  it("reconcileFromEnv: nothing without PLUGIN_SOURCES_FILE; applies it when set; throws with every error when invalid", async () => {
    const lines: string[] = [];
    vi.stubEnv("PLUGIN_SOURCES_FILE", "");
    const before = await snapshot();
    expect(await reconcileFromEnv((l) => lines.push(l))).toBeNull();
    expect(await snapshot()).toEqual(before);
    expect(lines).toEqual([]);

    vi.stubEnv("PLUGIN_SOURCES_FILE", file);
    writeFileSync(file, YAML.stringify({ sources: [gitEntry] }));
    const summary = await reconcileFromEnv((l) => lines.push(l));
    expect(summary).toMatchObject({ deleted: ["brand-new"], updated: ["git-plugins"] });
    expect(lines).toEqual([`sources file ${file}: 0 created, 1 updated (git-plugins), 1 deleted (brand-new), 0 unchanged; cache none`]);

    writeFileSync(file, YAML.stringify({ sources: [{ ...gitEntry, kind: "svn" }] }));
    const err = await failure(reconcileFromEnv((l) => lines.push(l)));
    expect(err.errors).toEqual([`${file}: sources[0] (name "git-plugins").kind: ${v("kind_invalid")}`]);
    expect(lines).toHaveLength(1);
    vi.stubEnv("PLUGIN_SOURCES_FILE", "");
  });

  // PGlite is one connection in one process; several instances share PostgreSQL and may start together.
  it.runIf(Boolean(process.env.TEST_DATABASE_URL))("two instances reconciling at once: one applies the file, the other finds nothing to do", async () => {
    const concurrent = writeDoc({ sources: [{ ...fsEntry, name: "concurrent-a" }, { ...fsEntry, name: "concurrent-b" }] }, "yaml", "concurrent");
    const events = await auditOf(() => Promise.all([reconcileSourcesFile(concurrent), reconcileSourcesFile(concurrent)]).then((results) => {
      expect(results.map((r) => r.created.length).sort()).toEqual([0, 2]);
      expect(results.map((r) => r.unchanged.length).sort()).toEqual([0, 2]);
    }));
    expect(events).toHaveLength(2);
  });
});

describe("sources file: round trip (export → validate → reconcile on an empty database)", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("gives the same sources, cache and secrets", async () => {
    // The original: sources and a cache created in the UI (REST API), with secrets.
    const original = await createTestDatabase();
    let exported: Awaited<ReturnType<typeof exportSourcesFile>>[] = [];
    let views: Awaited<ReturnType<typeof findSources>>;
    let cacheView: Awaited<ReturnType<typeof getCacheConfig>>;
    const secrets = new Map<string, string>();
    try {
      await signInAs("admin");
      const post = async (body: unknown) => {
        const res = await sourcesApi.POST(jsonRequest("POST", "/api/sources", body), routeCtx());
        expect(res.status, await res.clone().text()).toBe(201);
      };
      await post({ ...gitEntry, token: "ghp_roundtrip_token" });
      await post({ ...gitEntry, name: "git-public", username: "", description: "", pluginSets: [set("pub_plugins")], token: undefined });
      await post({ ...s3Entry, secretAccessKey: "s3-roundtrip-secret" });
      await post({ ...s3Entry, name: "s3-anonymous", accessKeyId: "", prefix: "", secretAccessKey: undefined, pathStyle: false });
      await post({ ...fsEntry, description: "Disabled directory", pluginSets: [set("local_plugins"), { submodule: "files", version: "v2", importModules: ["files/a.mjs", "files/b.js"] }] });
      await post({ ...fsEntry, name: "Mixed-Case_name", enabled: true, pluginSets: [] });
      const cacheRes = await cacheApi.PUT(jsonRequest("PUT", "/api/cache", { ...s3Cache, secretAccessKey: "cache-roundtrip-secret" }), routeCtx());
      expect(cacheRes.status).toBe(200);

      exported = [await exportSourcesFile("yaml"), await exportSourcesFile("json")];
      views = await findSources();
      cacheView = await getCacheConfig();
      // The operator sets the placeholders' variables to the secrets (read here from the original database).
      for (const v of exported[0].variables) {
        const envelope =
          v.target.type === "cache"
            ? (await original.prisma.cacheConfig.findUniqueOrThrow({ where: { id: 1 } })).secret
            : (await original.prisma.pluginSource.findUniqueOrThrow({ where: { name: v.target.name } })).secret;
        secrets.set(v.env, openSecrets(envelope)[v.target.field]);
      }
    } finally {
      await original.close();
    }

    // No secret in the exported text; one placeholder per stored secret.
    for (const text of exported.map((e) => e.text)) {
      for (const secret of ["ghp_roundtrip_token", "s3-roundtrip-secret", "cache-roundtrip-secret"]) expect(text).not.toContain(secret);
    }
    expect(exported[0].variables.map((x) => x.env)).toEqual(["OPSFLOW_GIT_PLUGINS_TOKEN", "OPSFLOW_S3_PLUGINS_SECRET_ACCESS_KEY", "OPSFLOW_CACHE_SECRET_ACCESS_KEY"]);
    expect(exported[0].document.sources.find((s) => s.name === "git-plugins")).toMatchObject({ token: { env: "OPSFLOW_GIT_PLUGINS_TOKEN" } });
    expect(exported[0].document.sources.find((s) => s.name === "git-public")).not.toHaveProperty("token");
    expect(exported[0].text).toMatch(/^# .*\n# .*OPSFLOW_GIT_PLUGINS_TOKEN/m);
    expect(JSON.parse(exported[1].text)).toEqual(exported[0].document);
    for (const [k, val] of secrets) vi.stubEnv(k, val);

    const strip = (list: typeof views) => list.map(({ id: _i, createdAt: _c, updatedAt: _u, managedBy: _m, ...rest }) => rest);
    for (const [i, result] of exported.entries()) {
      const exportedFile = writeText(result.text, `roundtrip.${i === 0 ? "yaml" : "json"}`);
      const validated = await loadSourcesFile(exportedFile);
      expect(validated.ok, JSON.stringify(validated)).toBe(true);

      const fresh = await createTestDatabase();
      try {
        const summary = await reconcileSourcesFile(exportedFile);
        expect([...summary.created].sort()).toEqual(views.map((s) => s.name).sort());
        const again = await findSources();
        expect(strip(again)).toEqual(strip(views));
        expect(again.every((s) => s.managedBy === `file:${exportedFile}`)).toBe(true);
        const cache = await getCacheConfig();
        expect({ ...cache, updatedAt: null, managedBy: null }).toEqual({ ...cacheView, updatedAt: null });
        // The secrets decrypt to the environment's values, i.e. the original secrets.
        expect(openSecrets((await fresh.prisma.pluginSource.findUniqueOrThrow({ where: { name: "git-plugins" } })).secret)).toEqual({ token: "ghp_roundtrip_token" });
        expect(openSecrets((await fresh.prisma.pluginSource.findUniqueOrThrow({ where: { name: "s3-plugins" } })).secret)).toEqual({ secretAccessKey: "s3-roundtrip-secret" });
        expect(openSecrets((await fresh.prisma.cacheConfig.findUniqueOrThrow({ where: { id: 1 } })).secret)).toEqual({ secretAccessKey: "cache-roundtrip-secret" });
        // And the file now describes the database exactly: applying it again changes nothing.
        expect(await reconcileSourcesFile(exportedFile)).toMatchObject({ created: [], updated: [], deleted: [], cache: "unchanged" });
        // A UI-managed export of the fresh database is empty: everything is managed by the file.
        expect((await exportSourcesFile("yaml")).document).toEqual({ sources: [] });
      } finally {
        await fresh.close();
      }
    }
  }, 120_000); // two databases migrated from scratch: on PGlite under a loaded 2-core machine this took up to 30 s
});

describe("sources file: the CLI", () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ["--conditions=react-server", "--import", "tsx", "scripts/plugins-sources.ts", ...args],
        { env: { ...process.env, ...SECRETS, ...env }, timeout: 60_000 },
        (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  it("validate: exit 0 for a valid file, 1 with every error on its own line, 2 for usage errors", async () => {
    const good = writeDoc(fullDoc, "yaml", "cli-good");
    const ok = await cli(["validate", good]);
    expect(ok).toMatchObject({ code: 0, stdout: `${good}: valid (3 sources, s3 cache)\n` });

    const bad = writeDoc({ sources: [{ ...gitEntry, token: { env: "CLI_MISSING" } }, { ...fsEntry, path: "relative" }] }, "json", "cli-bad");
    const failed = await cli(["validate", bad]);
    expect(failed.code).toBe(1);
    expect(failed.stderr.trim().split("\n")).toEqual([
      `${bad}: sources[0] (name "git-plugins").token: ${m("envMissing", { name: "CLI_MISSING" })}`,
      `${bad}: sources[1] (name "fs-plugins").path: ${v("path_absolute")}`,
    ]);

    const usageCases = [[], ["validate"], ["validate", good, "extra"], ["frobnicate"], ["export", "--json", "--yaml"], ["validate", good, "--adopt"]];
    const results = await Promise.all(usageCases.map((args) => cli(args)));
    for (const [i, usage] of results.entries()) {
      expect(usage.code, usageCases[i].join(" ")).toBe(2);
      expect(usage.stderr).toMatch(/^plugins:sources: .*\nusage: /);
    }
  }, 180_000);
});
