import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase } from "@/lib/test/database";
import { jsonRequest, routeCtx, signInAs } from "@/lib/test/auth";
import { POST } from "@/app/api/sources/route";
import { createSourceAction } from "@/app/(admin)/sources/actions";
import en from "@/messages/en.json";

/**
 * Bad plugin-source inputs are refused the same way by the server action and the REST API: 422, the same field
 * error (the English catalog text) on the same path, and nothing written (no source, no plugin set, no audit).
 */

type ValidationKey = keyof typeof en.validation;

/** The English catalog text for validation.<key>, with {placeholders} filled in. */
function v(key: ValidationKey, values: Record<string, string | number> = {}): string {
  return en.validation[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name]));
}
/** The English catalog text for errors.<key>, with {placeholders} filled in. */
function e(key: keyof typeof en.errors, values: Record<string, string | number> = {}): string {
  return en.errors[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name]));
}
/** The fixed part of "Too long (at most {max} characters)." */
const tooLongAnyMax = expect.stringMatching(/^Too long \(at most \d+ characters\)\.$/);

const set = { submodule: "custom", version: "1.0.0", importModules: "custom.plugin_a" };
const fsBase = { name: "bad", kind: "fs", path: "/srv/plugins", pluginSets: [set] };
const gitBase = { name: "bad", kind: "git", url: "https://git.example.com/org/plugins.git", ref: "main", pluginSets: [set] };
const s3Base = { name: "bad", kind: "s3", endpoint: "https://s3.example.com", bucket: "plugins", pluginSets: [set] };

const withSet = (patch: Record<string, unknown>) => ({ ...fsBase, pluginSets: [{ ...set, ...patch }] });
const without = <T extends Record<string, unknown>>(o: T, key: keyof T) => {
  const copy = { ...o };
  delete copy[key];
  return copy;
};

interface Row {
  label: string;
  payload: unknown;
  path: string;
  message: unknown;
}
const row = (label: string, payload: unknown, path: string, message: unknown): Row => ({ label, payload, path, message });

const rows: Row[] = [
  // names
  row("name: empty", { ...fsBase, name: "" }, "name", v("required")),
  row("name: only spaces", { ...fsBase, name: "   " }, "name", v("required")),
  row("name: missing", without(fsBase, "name"), "name", v("required")),
  row("name: 65 characters", { ...fsBase, name: "a".repeat(65) }, "name", v("too_long", { max: 64 })),
  // 300 characters trips line()'s cheap pre-trim cap first (max*4 = 256): only the fixed part is asserted.
  row("name: 300 characters", { ...fsBase, name: "a".repeat(300) }, "name", tooLongAnyMax),
  row("name: space", { ...fsBase, name: "my plugins" }, "name", v("name_format")),
  row("name: slash", { ...fsBase, name: "org/plugins" }, "name", v("name_format")),
  row("name: unicode", { ...fsBase, name: "plügins" }, "name", v("name_format")),
  row("name: dot", { ...fsBase, name: "plugins.v2" }, "name", v("name_format")),
  row("name: control character", { ...fsBase, name: "plug\u0001ins" }, "name", v("control_chars")),
  row("name: not a string", { ...fsBase, name: 42 }, "name", v("invalid_type")),

  // git URLs (strict: https only)
  row("url: http:// while strict", { ...gitBase, url: "http://git.example.com/org/plugins.git" }, "url", v("url_https_only")),
  row("url: ssh://", { ...gitBase, url: "ssh://git@host/repo" }, "url", v("url_scheme")),
  row("url: git://", { ...gitBase, url: "git://host/repo" }, "url", v("url_scheme")),
  row("url: scp-style", { ...gitBase, url: "git@github.com:org/repo.git" }, "url", v("url_scp")),
  row("url: file://", { ...gitBase, url: "file:///srv/repo" }, "url", v("url_scheme")),
  row("url: ext:: transport", { ...gitBase, url: "ext::sh -c touch% /tmp/pwned" }, "url", v("url_scheme")),
  row("url: fd:: transport", { ...gitBase, url: "fd::17" }, "url", v("url_scheme")),
  row("url: leading dash (option injection)", { ...gitBase, url: "-uhttps://x" }, "url", v("url_leading_dash")),
  row("url: leading dash after spaces", { ...gitBase, url: "  --upload-pack=touch /tmp/x" }, "url", v("url_leading_dash")),
  row("url: user:password", { ...gitBase, url: "https://user:pass@host/repo" }, "url", v("url_credentials")),
  row("url: token as user", { ...gitBase, url: "https://tok@host/repo" }, "url", v("url_credentials")),
  row("url: no host", { ...gitBase, url: "https://" }, "url", v("url_invalid")),
  row("url: not a URL", { ...gitBase, url: "not a url" }, "url", v("url_invalid")),
  row("url: ftp://", { ...gitBase, url: "ftp://host/x" }, "url", v("url_scheme")),
  row("url: empty", { ...gitBase, url: "" }, "url", v("required")),
  row("url: 2049 characters", { ...gitBase, url: "https://h.example/" + "a".repeat(2031) }, "url", v("too_long", { max: 2048 })),

  // git refs
  row("ref: a..b", { ...gitBase, ref: "a..b" }, "ref", v("ref_format")),
  row("ref: -x (leading dash)", { ...gitBase, ref: "-x" }, "ref", v("ref_format")),
  row("ref: a b", { ...gitBase, ref: "a b" }, "ref", v("ref_format")),
  row("ref: x.lock", { ...gitBase, ref: "x.lock" }, "ref", v("ref_format")),
  row("ref: @", { ...gitBase, ref: "@" }, "ref", v("ref_format")),
  row("ref: foo/", { ...gitBase, ref: "foo/" }, "ref", v("ref_format")),
  row("ref: a@{1}", { ...gitBase, ref: "a@{1}" }, "ref", v("ref_format")),
  row("ref: ~1", { ...gitBase, ref: "~1" }, "ref", v("ref_format")),
  row("ref: .hidden", { ...gitBase, ref: ".hidden" }, "ref", v("ref_format")),
  row("ref: feature/.hidden", { ...gitBase, ref: "feature/.hidden" }, "ref", v("ref_format")),
  row("ref: a^b", { ...gitBase, ref: "a^b" }, "ref", v("ref_format")),
  row("ref: a:b", { ...gitBase, ref: "a:b" }, "ref", v("ref_format")),
  row("ref: trailing dot", { ...gitBase, ref: "release." }, "ref", v("ref_format")),
  row("ref: empty", { ...gitBase, ref: "" }, "ref", v("required")),
  row("git: token over 4096", { ...gitBase, token: "t".repeat(4097) }, "token", v("too_long", { max: 4096 })),
  row("git: clearToken not a boolean", { ...gitBase, clearToken: "yes" }, "clearToken", v("invalid_type")),

  // s3
  row("bucket: AB", { ...s3Base, bucket: "AB" }, "bucket", v("bucket_format")),
  row("bucket: ab (too short)", { ...s3Base, bucket: "ab" }, "bucket", v("bucket_format")),
  row("bucket: a..b", { ...s3Base, bucket: "a..b" }, "bucket", v("bucket_format")),
  row("bucket: IP address", { ...s3Base, bucket: "192.168.1.1" }, "bucket", v("bucket_format")),
  row("bucket: xn-- prefix", { ...s3Base, bucket: "xn--abc" }, "bucket", v("bucket_format")),
  row("bucket: -s3alias suffix", { ...s3Base, bucket: "my-bucket-s3alias" }, "bucket", v("bucket_format")),
  row("bucket: leading dash", { ...s3Base, bucket: "-plugins" }, "bucket", v("bucket_format")),
  row("bucket: empty", { ...s3Base, bucket: "" }, "bucket", v("required")),
  row("prefix: leading slash", { ...s3Base, prefix: "/lead" }, "prefix", v("prefix_leading_slash")),
  row("prefix: a/../b", { ...s3Base, prefix: "a/../b" }, "prefix", v("prefix_dotdot")),
  row("prefix: backslash", { ...s3Base, prefix: "a\\b" }, "prefix", v("prefix_backslash")),
  row("region: US_EAST", { ...s3Base, region: "US_EAST" }, "region", v("region_format")),
  row("endpoint: http:// while strict", { ...s3Base, endpoint: "http://minio.local:9000" }, "endpoint", v("url_https_only")),
  row("s3: pathStyle not a boolean", { ...s3Base, pathStyle: "yes" }, "pathStyle", v("invalid_type")),
  row(
    "s3: access key without secret (create)",
    { ...s3Base, accessKeyId: "AKIAEXAMPLE", secretAccessKey: "" },
    "secretAccessKey",
    e("secretRequired"),
  ),
  row("s3: access key, secret omitted (create)", { ...s3Base, accessKeyId: "AKIAEXAMPLE" }, "secretAccessKey", e("secretRequired")),

  // fs
  row("path: relative", { ...fsBase, path: "srv/plugins" }, "path", v("path_absolute")),
  row("path: /a/../b", { ...fsBase, path: "/a/../b" }, "path", v("path_normalised")),
  row("path: /a//b", { ...fsBase, path: "/a//b" }, "path", v("path_normalised")),
  row("path: /a/", { ...fsBase, path: "/a/" }, "path", v("path_normalised")),
  row("path: /a/./b", { ...fsBase, path: "/a/./b" }, "path", v("path_normalised")),
  row("path: empty", { ...fsBase, path: "" }, "path", v("required")),

  // plugin sets
  row("submodule: ../x", withSet({ submodule: "../x" }), "pluginSets.0.submodule", v("submodule_format")),
  row("submodule: /abs", withSet({ submodule: "/abs" }), "pluginSets.0.submodule", v("submodule_format")),
  row("submodule: a\\b", withSet({ submodule: "a\\b" }), "pluginSets.0.submodule", v("submodule_format")),
  row("submodule: a/./b", withSet({ submodule: "a/./b" }), "pluginSets.0.submodule", v("submodule_format")),
  row("submodule: empty", withSet({ submodule: "" }), "pluginSets.0.submodule", v("required")),
  row(
    "submodule: duplicate in one source",
    { ...fsBase, pluginSets: [set, { ...set, version: "2.0.0" }] },
    "pluginSets.1.submodule",
    v("submodule_duplicate"),
  ),
  row("version: empty", withSet({ version: "" }), "pluginSets.0.version", v("required")),
  row("version: 65 characters", withSet({ version: "1".repeat(65) }), "pluginSets.0.version", v("too_long", { max: 64 })),
  row("version: control character", withSet({ version: "1.0\u0007" }), "pluginSets.0.version", v("control_chars")),
  row("version: zero-width space", withSet({ version: "1.0\u200b" }), "pluginSets.0.version", v("version_format")),
  row("importModules: empty string", withSet({ importModules: "" }), "pluginSets.0.importModules", v("modules_required")),
  row("importModules: only commas", withSet({ importModules: " , ," }), "pluginSets.0.importModules", v("modules_required")),
  row("importModules: empty list", withSet({ importModules: [] }), "pluginSets.0.importModules", v("modules_required")),
  row(
    "importModules: 101 modules",
    withSet({ importModules: Array.from({ length: 101 }, (_, i) => `custom.m${i}`).join(",") }),
    "pluginSets.0.importModules",
    v("modules_too_many"),
  ),
  row("importModules: dotted with ..", withSet({ importModules: "custom.ok, custom..a" }), "pluginSets.0.importModules", v("module_format", { entry: "custom..a" })),
  row("importModules: file with ..", withSet({ importModules: "custom/../x.js" }), "pluginSets.0.importModules", v("module_format", { entry: "custom/../x.js" })),
  row(
    "importModules: outside the submodule",
    withSet({ importModules: "custom.ok, other.mod" }),
    "pluginSets.0.importModules",
    v("module_outside", { entry: "other.mod", submodule: "custom" }),
  ),
  row("importModules: .ts file", withSet({ importModules: "custom/x.ts" }), "pluginSets.0.importModules", v("module_format", { entry: "custom/x.ts" })),
  row(
    "pluginSets: 101 sets",
    { ...fsBase, pluginSets: Array.from({ length: 101 }, (_, i) => ({ submodule: `s${i}`, version: "1", importModules: `s${i}.a` })) },
    "pluginSets",
    v("sets_too_many"),
  ),
  row("pluginSets: not a list", { ...fsBase, pluginSets: "custom" }, "pluginSets", v("invalid_type")),

  // shape
  row("kind: svn", { ...fsBase, kind: "svn" }, "kind", v("kind_invalid")),
  row("kind: missing", without(fsBase, "kind"), "kind", v("kind_invalid")),
  // Strict objects: an unknown key is reported on the whole input (path "").
  row("unknown extra field", { ...fsBase, isAdmin: true }, "", v("unknown_field")),
  row("git field on an fs source", { ...fsBase, url: "https://git.example.com/x.git" }, "", v("unknown_field")),
  row("description: 501 characters", { ...fsBase, description: "d".repeat(501) }, "description", v("too_long", { max: 500 })),
  row("enabled: not a boolean", { ...fsBase, enabled: "yes" }, "enabled", v("invalid_type")),
  row("body: a list", [fsBase], "", v("kind_invalid")),
];

describe("plugin source validation (server action and POST /api/sources)", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    // Strict URL policy for the table, whatever the environment running the tests says.
    vi.stubEnv("EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE", undefined);
    vi.stubEnv("BKAPP_EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE", undefined);
    database = await createTestDatabase();
    await signInAs("admin");
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await database.close();
  });

  const counts = async () => ({
    sources: await database.prisma.pluginSource.count(),
    sets: await database.prisma.pluginSet.count(),
    audit: await database.prisma.auditEvent.count(),
  });

  it("has a table of at least 45 bad inputs", () => {
    expect(rows.length).toBeGreaterThanOrEqual(45);
  });

  it.each(rows)("$label → 422 on $path", async ({ payload, path, message }) => {
    const before = await counts();

    const result = await createSourceAction(payload);
    expect(result).toMatchObject({ ok: false, status: 422, error: v("fields") });
    if (result.ok) throw new Error("accepted");
    expect(result.fieldErrors[path]).toEqual(message);

    const res = await POST(jsonRequest("POST", "/api/sources", payload), routeCtx());
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error).toBe(v("fields"));
    expect(body.fieldErrors[path]).toEqual(message);
    expect(body.fieldErrors).toEqual(result.fieldErrors);

    expect(await counts()).toEqual(before);
  });

  it("answers malformed JSON with 400 and writes nothing", async () => {
    const before = await counts();
    const res = await POST(jsonRequest("POST", "/api/sources", '{"name": "x", "kind": "fs",'), routeCtx());
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: e("malformedJson") });
    expect(await counts()).toEqual(before);
  });

  it("answers a body over 256 KiB with 413 and writes nothing", async () => {
    const before = await counts();
    const payload = { ...fsBase, name: "huge", description: "x".repeat(256 * 1024) };
    const res = await POST(jsonRequest("POST", "/api/sources", payload), routeCtx());
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: e("tooLarge") });
    expect(await counts()).toEqual(before);
  });

  describe("duplicate names", () => {
    const tryDuplicate = async () => {
      const before = await counts();
      const action = await createSourceAction({ ...fsBase, name: "dup", path: "/srv/other" });
      const res = await POST(jsonRequest("POST", "/api/sources", { ...gitBase, name: "dup" }), routeCtx());
      return { before, action, status: res.status, body: await res.json(), after: await counts() };
    };
    beforeAll(async () => {
      const first = await createSourceAction({ ...fsBase, name: "dup" });
      expect(first.ok).toBe(true);
    });

    it("a second source with the same name writes nothing: one row only", async () => {
      const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
      try {
        const { before, action, status, after } = await tryDuplicate();
        expect(action.ok).toBe(false);
        expect(status).not.toBe(201);
        expect(after).toEqual(before);
        expect(await database.prisma.pluginSource.count({ where: { name: "dup" } })).toBe(1);
      } finally {
        errors.mockRestore();
      }
    });

    // Regression: pglite-prisma-adapter throws a raw DriverAdapterError (SQLSTATE 23505), not Prisma's P2002; it was
    // answered 500 on the embedded database before lib/server/errors.ts isUniqueViolation learned both.
    it("answers 422 with fieldErrors.name = errors.nameTaken through both doors", async () => {
      const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
      try {
        const { action, status, body } = await tryDuplicate();
        expect(action).toMatchObject({ ok: false, status: 422, fieldErrors: { name: e("nameTaken", { name: "dup" }) } });
        expect(status).toBe(422);
        expect(body).toEqual({ error: v("fields"), fieldErrors: { name: e("nameTaken", { name: "dup" }) } });
      } finally {
        errors.mockRestore();
      }
    });
  });

  describe("good inputs", () => {
    const goods: { label: string; payload: Record<string, unknown>; sets: number }[] = [
      {
        label: "git https with a 40-hex commit ref and a token",
        payload: { ...gitBase, ref: "0123456789abcdef0123456789abcdef01234567", username: "bot", token: "ghp_x" },
        sets: 1,
      },
      {
        label: "git with a 39-hex branch name (a valid ref name, not a SHA)",
        payload: { ...gitBase, ref: "0123456789abcdef0123456789abcdef0123456" },
        sets: 1,
      },
      {
        label: "s3 with keys",
        payload: { ...s3Base, region: "eu-west-1", prefix: "plugins/v1", accessKeyId: "AKIAEXAMPLE", secretAccessKey: "s3cr3t" },
        sets: 1,
      },
      {
        label: "fs with two plugin sets",
        payload: { ...fsBase, pluginSets: [set, { submodule: "other/deep", version: "2", importModules: ["other/deep/x.mjs"] }] },
        sets: 2,
      },
    ];

    it.each(goods)("accepts $label (action and API)", async ({ payload, sets }) => {
      const before = await counts();
      const result = await createSourceAction({ ...payload, name: `${payload.kind}-action-${before.sources}` });
      expect(result).toMatchObject({ ok: true });
      const res = await POST(jsonRequest("POST", "/api/sources", { ...payload, name: `${payload.kind}-api-${before.sources}` }), routeCtx());
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ kind: payload.kind, pluginSets: expect.any(Array) });
      expect(await counts()).toEqual({ sources: before.sources + 2, sets: before.sets + 2 * sets, audit: before.audit + 2 });
    });

    it("stores import modules trimmed and de-duplicated", async () => {
      const result = await createSourceAction({
        ...fsBase,
        name: "modules",
        pluginSets: [{ ...set, importModules: "custom.a, custom.a , custom/b.js" }],
      });
      if (!result.ok) throw new Error(JSON.stringify(result));
      expect(result.data.pluginSets[0].importModules).toEqual(["custom.a", "custom/b.js"]);
      const stored = await database.prisma.pluginSet.findFirstOrThrow({ where: { sourceId: result.data.id } });
      expect(stored.importModules).toEqual(["custom.a", "custom/b.js"]);
    });
  });

  describe("http:// remotes with the loose URL policy", () => {
    afterEach(() => {
      vi.stubEnv("EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE", undefined);
      vi.stubEnv("BKAPP_EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE", undefined);
    });

    it.each(["EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE", "BKAPP_EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE"])(
      "%s=1 accepts an http:// git URL (action and API), still not ssh://",
      async (variable) => {
        vi.stubEnv(variable, "1");
        const http = { ...gitBase, url: "http://git.intranet/org/plugins.git" };
        const result = await createSourceAction({ ...http, name: `loose-action-${variable.length}` });
        expect(result).toMatchObject({ ok: true, data: { settings: { url: http.url } } });
        const res = await POST(jsonRequest("POST", "/api/sources", { ...http, name: `loose-api-${variable.length}` }), routeCtx());
        expect(res.status).toBe(201);

        const ssh = await createSourceAction({ ...gitBase, name: "loose-ssh", url: "ssh://git@host/repo" });
        expect(ssh).toMatchObject({ ok: false, status: 422, fieldErrors: { url: v("url_scheme") } });
      },
    );

    it("is strict again once the variable is unset", async () => {
      const result = await createSourceAction({ ...gitBase, name: "strict-again", url: "http://git.intranet/org/plugins.git" });
      expect(result).toMatchObject({ ok: false, status: 422, fieldErrors: { url: v("url_https_only") } });
    });
  });
});
