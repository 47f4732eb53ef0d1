import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import YAML from "yaml";
import { createTestDatabase } from "@/lib/test/database";
import { jsonRequest, routeCtx, signInAs } from "@/lib/test/auth";
import * as sourcesApi from "@/app/api/sources/route";
import * as sourceApi from "@/app/api/sources/[id]/route";
import { createSourceAction, updateSourceAction } from "@/app/(admin)/sources/actions";
import { exportSourcesFile } from "@/lib/server/sources-file/export-sources-file";
import { loadSourcesFile } from "@/lib/server/sources-file/load-sources-file";
import { reconcileSourcesFile } from "@/lib/server/sources-file/reconcile-sources-file";
import en from "@/messages/en.json";

/**
 * A source's schedule, activation policy and allow/deny lists: one schema for the form's action, the REST API and
 * PLUGIN_SOURCES_FILE; bad values are field errors (422) and write nothing; changes are audited.
 */

const v = (key: keyof typeof en.validation) => en.validation[key];
const base = { name: "policy", kind: "fs", path: "/srv/plugins", pluginSets: [{ submodule: "custom", version: "1.0.0", importModules: "custom.plugin_a" }] };

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());
beforeEach(async () => {
  await database.prisma.pluginSource.deleteMany();
  await signInAs("admin");
});

const counts = async () => ({ sources: await database.prisma.pluginSource.count(), audit: await database.prisma.auditEvent.count() });

describe("bad policy input: the same field error through the action and the API, nothing written", () => {
  const rows: [string, Record<string, unknown>, string, string][] = [
    ["interval 0 (below the 1-minute minimum)", { syncIntervalMinutes: 0 }, "syncIntervalMinutes", v("interval_min")],
    ["interval '0' as the form sends it", { syncIntervalMinutes: "0" }, "syncIntervalMinutes", v("interval_min")],
    ["interval over a week", { syncIntervalMinutes: 10_081 }, "syncIntervalMinutes", v("interval_max")],
    ["interval 1.5", { syncIntervalMinutes: 1.5 }, "syncIntervalMinutes", v("interval_format")],
    ["interval text", { syncIntervalMinutes: "soon" }, "syncIntervalMinutes", v("interval_format")],
    ["unknown policy", { activationPolicy: "sometimes" }, "activationPolicy", v("invalid_choice")],
    ["pattern with a space", { denyPlugins: "acme tools" }, "denyPlugins.0", v("plugin_pattern")],
    ["pattern with a slash", { allowPlugins: ["../etc"] }, "allowPlugins.0", v("plugin_pattern")],
    ["group: with nothing after it", { allowPlugins: ["group:"] }, "allowPlugins.0", v("plugin_pattern")],
    ["101 entries", { denyPlugins: Array.from({ length: 101 }, (_, i) => `p${i}`) }, "denyPlugins", v("patterns_too_many")],
  ];
  it.each(rows)("%s", async (_label, patch, field, message) => {
    const before = await counts();
    const action = await createSourceAction({ ...base, ...patch });
    expect(action).toMatchObject({ ok: false, status: 422, fieldErrors: { [field]: message } });
    const res = await sourcesApi.POST(jsonRequest("POST", "/api/sources", { ...base, ...patch }), routeCtx());
    expect(res.status).toBe(422);
    expect((await res.json()).fieldErrors).toMatchObject({ [field]: message });
    expect(await counts()).toEqual(before);
  });
});

describe("good policy input", () => {
  it("is stored (lists trimmed, de-duplicated, one per line or comma-separated), shown, and its changes audited", async () => {
    const created = await createSourceAction({ ...base, syncIntervalMinutes: "15", activationPolicy: "never", allowPlugins: "acme_*\n group:CUS ,acme_*", denyPlugins: "" });
    expect(created.ok).toBe(true);
    const id = created.ok ? created.data.id : "";
    expect(created.ok && created.data.policy).toEqual({ syncIntervalMinutes: 15, activationPolicy: "never", allowPlugins: ["acme_*", "group:CUS"], denyPlugins: [] });
    // Scheduled from the save: 15 minutes on, plus at most 10% jitter.
    const due = new Date(created.ok ? created.data.schedule.nextSyncAt! : 0).getTime() - Date.now();
    expect(due).toBeGreaterThan(14 * 60_000);
    expect(due).toBeLessThanOrEqual(16.5 * 60_000);
    const updated = await updateSourceAction(id, { ...base, syncIntervalMinutes: "", activationPolicy: "clean", allowPlugins: "acme_*", denyPlugins: "acme_evil" });
    expect(updated.ok && updated.data.policy).toEqual({ syncIntervalMinutes: null, activationPolicy: "clean", allowPlugins: ["acme_*"], denyPlugins: ["acme_evil"] });
    expect(updated.ok && updated.data.schedule.nextSyncAt).toBeNull();
    const audit = await database.prisma.auditEvent.findFirstOrThrow({ where: { action: "source.update", targetId: id } });
    expect(audit.summary).toMatchObject({
      "policy.syncIntervalMinutes": { from: 15, to: null },
      "policy.activationPolicy": { from: "never", to: "clean" },
      "policy.allowPlugins": { from: "acme_*, group:CUS", to: "acme_*" },
      "policy.denyPlugins": { from: "", to: "acme_evil" },
    });
    expect(JSON.stringify(audit.summary)).not.toMatch(/nextSyncAt|lastAttemptAt/);
  });

  it("the API takes the same fields; a PUT without them resets them to the defaults (a PUT is the whole source)", async () => {
    const res = await sourcesApi.POST(jsonRequest("POST", "/api/sources", { ...base, syncIntervalMinutes: 1, denyPlugins: ["group:X*"] }), routeCtx());
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.policy).toEqual({ syncIntervalMinutes: 1, activationPolicy: "always", allowPlugins: [], denyPlugins: ["group:X*"] });
    const put = await sourceApi.PUT(jsonRequest("PUT", `/api/sources/${body.id}`, base), routeCtx({ id: body.id }));
    expect(put.status).toBe(200);
    expect((await put.json()).policy).toEqual({ syncIntervalMinutes: null, activationPolicy: "always", allowPlugins: [], denyPlugins: [] });
  });
});

describe("hostile callers", () => {
  it("a member cannot set a schedule, a policy or the lists (403 through both doors, nothing written)", async () => {
    await signInAs("member");
    const before = await counts();
    const payload = { ...base, syncIntervalMinutes: 1, activationPolicy: "always", allowPlugins: ["*"] };
    expect(await createSourceAction(payload)).toMatchObject({ ok: false, status: 403 });
    expect((await sourcesApi.POST(jsonRequest("POST", "/api/sources", payload), routeCtx())).status).toBe(403);
    expect(await counts()).toEqual(before);
  });
});

describe("PLUGIN_SOURCES_FILE", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "opsflow-policy-file-"));
  const write = (doc: unknown, name: string) => {
    const file = path.join(dir, `${name}.yaml`);
    writeFileSync(file, YAML.stringify(doc));
    return file;
  };

  it("refuses an interval below the minimum with the entry and field named", async () => {
    const file = write({ sources: [{ ...base, syncIntervalMinutes: 0 }] }, "bad");
    expect(await loadSourcesFile(file)).toEqual({ ok: false, errors: [`${file}: sources[0] (name "policy").syncIntervalMinutes: ${v("interval_min")}`] });
  });

  it("applies the policy fields, sees no change the second time, and exports them", async () => {
    const entry = { ...base, syncIntervalMinutes: 30, activationPolicy: "clean", denyPlugins: ["acme_*"] };
    const file = write({ sources: [entry] }, "good");
    expect((await reconcileSourcesFile(file)).created).toEqual(["policy"]);
    expect((await reconcileSourcesFile(file)).unchanged).toEqual(["policy"]);
    expect((await reconcileSourcesFile(write({ sources: [{ ...entry, activationPolicy: "never" }] }, "good"))).updated).toEqual(["policy"]);
    await database.prisma.pluginSource.updateMany({ data: { managedBy: null } });
    const { document } = await exportSourcesFile();
    expect(document.sources[0]).toMatchObject({ syncIntervalMinutes: 30, activationPolicy: "never", denyPlugins: ["acme_*"] });
    expect(document.sources[0]).not.toHaveProperty("allowPlugins");
  });
});
