import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as activateApi from "@/app/api/generations/[id]/activate/route";
import * as impactApi from "@/app/api/generations/[id]/impact/route";
import { diffGenerations, offeredPlugins } from "@/lib/plugins/registry/generation-diff";
import { readManifest } from "@/lib/plugins/sync/manifest";
import { jsonRequest, routeCtx, signInAs, signOut } from "@/lib/test/auth";
import { createTestDatabase } from "@/lib/test/database";
import { openOwnCache } from "../cache/check-cache-owner";
import { startSync } from "../sync/start-sync";
import { findActivationImpact } from "./find-activation-impact";

/**
 * The activation's impact from real manifests: two generations synced from a copy of the example set into the
 * default cache, the second with a plugin's version bumped, one module dropped and one added; saved processes that
 * pin what goes away. The dry run (API and operation) changes nothing.
 */

const EXAMPLES = path.resolve("examples/plugins");
const MODULES = ["custom_plugins.collections.test1", "custom_plugins.collections.greet"];

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let root: string;
let genA: number;
let genB: number;

const node = (id: string, code: string, version: string) => ({ id, type: "plugin", position: { x: 0, y: 0 }, data: { code, version, inputs: {} } });
const graphOf = (...nodes: ReturnType<typeof node>[]) => ({ nodes: [{ id: "start", type: "start", position: { x: 0, y: 0 } }, ...nodes, { id: "end", type: "end", position: { x: 0, y: 0 } }], edges: [] });

async function sync(activate: boolean): Promise<number> {
  const { runId, done } = await startSync({ trigger: "admin", actor: "alice", activate });
  await done;
  const run = await database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } });
  expect(run.status).toBe("succeeded");
  return run.generationId!;
}

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-impact-"));
  root = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-impact-src-"));
  fs.cpSync(EXAMPLES, root, { recursive: true });
  const source = await database.prisma.pluginSource.create({
    data: { name: "examples", kind: "fs", settings: { path: root }, pluginSets: { create: [{ submodule: "custom_plugins", version: "1.0.0", importModules: MODULES }] } },
  });
  genA = await sync(true);
  // Generation B: cus_greet 1.0.0 → 2.0.0, test1's plugins (cus_test_1, cus_sum) dropped, cus_extra added.
  const greet = path.join(root, "custom_plugins/collections/greet.mjs");
  fs.writeFileSync(greet, fs.readFileSync(greet, "utf8").replace('version: "1.0.0"', 'version: "2.0.0"'));
  fs.writeFileSync(
    path.join(root, "custom_plugins/collections/extra.mjs"),
    `export default { code: "cus_extra", name: "Extra", version: "0.1.0", group: { code: "CUS", name: "Custom" }, inputs: [], outputs: [], async execute() { return {}; } };\n`,
  );
  await database.prisma.pluginSet.updateMany({
    where: { sourceId: source.id },
    data: { version: "2.0.0", importModules: ["custom_plugins.collections.greet", "custom_plugins.collections.extra"] },
  });
  genB = await sync(false);

  const admin = await database.prisma.user.create({ data: { username: "owner_admin", role: "admin", passwordHash: "x" } });
  const member = await database.prisma.user.create({ data: { username: "owner_member", role: "member", passwordHash: "x" } });
  const processes = [
    { name: "Greeter", ownerId: admin.id, graph: graphOf(node("a", "cus_greet", "1.0.0")) },
    { name: "Summer", ownerId: member.id, graph: graphOf(node("a", "cus_sum", "1.0.0"), node("b", "cus_test_1", "1.0.0"), node("c", "cus_sum", "1.0.0")) },
    { name: "Unaffected", ownerId: member.id, graph: graphOf() },
  ];
  for (const p of processes) await database.prisma.process.create({ data: { ...p, description: "", createdBy: "t", updatedBy: "t" } });
});
afterAll(() => database.close());

describe("the activation's impact", () => {
  it("diffs two real manifests by plugin code: added, removed, changed (versions newest first)", async () => {
    const cache = await openOwnCache();
    const [a, b] = [await readManifest(cache, genA), await readManifest(cache, genB)];
    expect([...offeredPlugins(a).keys()].sort()).toEqual(["cus_greet@1.0.0", "cus_sum@1.0.0", "cus_test_1@1.0.0"]);
    expect(diffGenerations(a, b)).toEqual({
      added: [{ code: "cus_extra", before: [], after: ["0.1.0"] }],
      removed: [
        { code: "cus_sum", before: ["1.0.0"], after: [] },
        { code: "cus_test_1", before: ["1.0.0"], after: [] },
      ],
      changed: [{ code: "cus_greet", before: ["1.0.0"], after: ["2.0.0"] }],
      removedVersions: ["cus_greet@1.0.0", "cus_sum@1.0.0", "cus_test_1@1.0.0"],
    });
    // Nothing active: everything is added, nothing breaks.
    expect(diffGenerations(null, a)).toMatchObject({ removed: [], changed: [], removedVersions: [] });
    expect(diffGenerations(a, a)).toEqual({ added: [], removed: [], changed: [], removedVersions: [] });
  });

  it("a version rebuilt from other files counts as changed, though its version string is the same", async () => {
    const cache = await openOwnCache();
    const a = await readManifest(cache, genA);
    const rebuilt = structuredClone(a);
    rebuilt.sets[0].revision = "other";
    expect(diffGenerations(a, rebuilt).changed.map((c) => c.code)).toEqual(["cus_greet", "cus_sum", "cus_test_1"]);
    expect(diffGenerations(a, rebuilt).removedVersions).toEqual([]);
  });

  it("lists every saved process (whoever owns it) pinning a version that goes away, once, with the versions", async () => {
    const impact = await findActivationImpact(genB);
    expect(impact).toMatchObject({ from: genA, to: genB });
    expect(impact.processes.map(({ name, owner, plugins }) => ({ name, owner, plugins }))).toEqual([
      { name: "Greeter", owner: "owner_admin", plugins: ["cus_greet@1.0.0"] },
      { name: "Summer", owner: "owner_member", plugins: ["cus_sum@1.0.0", "cus_test_1@1.0.0"] },
    ]);
  });

  it("the API dry run answers the same as the impact endpoint and changes nothing; a bad dryRun value activates nothing", async () => {
    await signInAs("admin");
    const before = await database.prisma.generation.findMany({ orderBy: { id: "asc" }, select: { id: true, status: true, activatedAt: true } });
    const audits = await database.prisma.auditEvent.count();
    const dry = await activateApi.POST(jsonRequest("POST", `/api/generations/${genB}/activate?dryRun=1`), routeCtx({ id: String(genB) }));
    expect(dry.status).toBe(200);
    const get = await impactApi.GET(jsonRequest("GET", `/api/generations/${genB}/impact`), routeCtx({ id: String(genB) }));
    expect(get.status).toBe(200);
    const body = await dry.json();
    expect(body).toEqual(await get.json());
    expect(body.processes.map((p: { name: string }) => p.name)).toEqual(["Greeter", "Summer"]);
    for (const bad of ["yes", "2", ""]) {
      const res = await activateApi.POST(jsonRequest("POST", `/api/generations/${genB}/activate?dryRun=${bad}`), routeCtx({ id: String(genB) }));
      expect(res.status, bad).toBe(400);
    }
    expect(await database.prisma.generation.findMany({ orderBy: { id: "asc" }, select: { id: true, status: true, activatedAt: true } })).toEqual(before);
    expect(await database.prisma.auditEvent.count()).toBe(audits);
  });

  it("is for admins only: a member gets 403 from both, a visitor 401, and nothing is told about processes", async () => {
    await signInAs("member");
    for (const res of [
      await impactApi.GET(jsonRequest("GET", `/api/generations/${genB}/impact`), routeCtx({ id: String(genB) })),
      await activateApi.POST(jsonRequest("POST", `/api/generations/${genB}/activate?dryRun=1`), routeCtx({ id: String(genB) })),
    ]) {
      expect(res.status).toBe(403);
      expect(JSON.stringify(await res.json())).not.toContain("Greeter");
    }
    signOut();
    expect((await impactApi.GET(jsonRequest("GET", `/api/generations/${genB}/impact`), routeCtx({ id: String(genB) }))).status).toBe(401);
  });

  it("404 for a generation that is not there; a real activation still answers 202 and the reverse impact is the rollback's", async () => {
    await signInAs("admin");
    const missing = await impactApi.GET(jsonRequest("GET", `/api/generations/999999/impact`), routeCtx({ id: "999999" }));
    expect(missing.status).toBe(404);
    const res = await activateApi.POST(jsonRequest("POST", `/api/generations/${genB}/activate`), routeCtx({ id: String(genB) }));
    expect(res.status).toBe(202);
    const back = await findActivationImpact(genA);
    expect(back).toMatchObject({ from: genB, to: genA, added: [{ code: "cus_sum" }, { code: "cus_test_1" }], removed: [{ code: "cus_extra" }], processes: [] });
  });
});
