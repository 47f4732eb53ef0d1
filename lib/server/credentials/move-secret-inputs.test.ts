import type { Prisma } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/connection";
import { applyMigrations, readMigrations } from "@/lib/db/migrate";
import { examplePlugins, lookupOf } from "@/lib/processes/__fixtures__/plugins";
import { ZGraph } from "@/lib/processes/graph";
import { openSecrets } from "@/lib/secrets";
import { createTestDatabase } from "@/lib/test/database";
import { moveSecretInputs } from "./move-secret-inputs";

/** The migration that brought owners, queued runs and credentials, with data written before it. */
const MIGRATION = "20261201092432_process_jobs_sharing_credentials";

const graphWith = (apiKey: string): Prisma.InputJsonObject => ({
  nodes: [
    { id: "start", type: "start", position: { x: 0, y: 0 } },
    { id: "t1", type: "plugin", position: { x: 1, y: 0 }, data: { code: "cus_test_1", version: "1.0.0", inputs: { message: "hi", apiKey } } },
    { id: "g", type: "plugin", position: { x: 2, y: 0 }, data: { code: "cus_greet", version: "1.0.0", inputs: { name: "not a secret" } } },
    { id: "end", type: "end", position: { x: 3, y: 0 } },
  ],
  edges: [],
});

describe("the schema migration, on data written before it", () => {
  it("gives each process its creator as owner (else the oldest admin) and ends runs left running, with the reason", async () => {
    const database = await openDatabase({ kind: "pglite" });
    try {
      const all = readMigrations();
      await database.withSession(async (s) => {
        await applyMigrations(s, all.filter((m) => m.name < MIGRATION));
        await s.exec(`
          INSERT INTO "User" ("id", "username", "passwordHash", "role", "createdAt", "updatedAt") VALUES
            ('u-admin', 'root', 'x', 'admin', now() - interval '1 day', now()), ('u-ann', 'ann', 'x', 'member', now(), now());
          INSERT INTO "Process" ("id", "name", "graph", "createdBy", "updatedBy", "updatedAt") VALUES
            ('p1', 'ann''s', '{"nodes":[],"edges":[]}', 'ann', 'ann', now()), ('p2', 'orphan', '{"nodes":[],"edges":[]}', 'gone', 'gone', now());
          INSERT INTO "ProcessRun" ("id", "processId", "status", "actor") VALUES ('r1', 'p1', 'running', 'ann'), ('r2', 'p1', 'succeeded', 'ann');
          INSERT INTO "ProcessRunNode" ("id", "runId", "nodeId", "code", "version", "status", "inputs", "position") VALUES
            ('n1', 'r1', 'a', 'c', '1', 'succeeded', '{}', 0), ('n2', 'r1', 'b', 'c', '1', 'running', '{}', 1), ('n3', 'r1', 'c', 'c', '1', 'pending', '{}', 2);
        `);
        expect(await applyMigrations(s, all)).toContain(MIGRATION);
        expect(await s.query(`SELECT "id", "ownerId" FROM "Process" ORDER BY "id"`)).toEqual([{ id: "p1", ownerId: "u-ann" }, { id: "p2", ownerId: "u-admin" }]);
        expect(await s.query(`SELECT "id", "status"::text, "error" FROM "ProcessRun" ORDER BY "id"`)).toEqual([
          { id: "r1", status: "failed", error: "the instance running it stopped" },
          { id: "r2", status: "succeeded", error: null },
        ]);
        expect((await s.query<{ status: string }>(`SELECT "status"::text FROM "ProcessRunNode" ORDER BY "position"`)).map((r) => r.status)).toEqual(["succeeded", "failed", "failed"]);
      });
    } finally {
      await database.close();
    }
  });
});

describe("moving plaintext secret inputs into credentials", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it("each plaintext secret input becomes a credential of the process owner, referenced by the node; nothing else changes; a second pass does nothing", async () => {
    const owner = await database.prisma.user.create({ data: { username: "ann", passwordHash: "x" } });
    const legacy = await database.prisma.process.create({ data: { name: "legacy", graph: graphWith("sk-plaintext-1234"), ownerId: owner.id, createdBy: "ann", updatedBy: "ann" } });
    const blank = await database.prisma.process.create({ data: { name: "no key", graph: graphWith(""), ownerId: owner.id, createdBy: "ann", updatedBy: "ann" } });
    const lookup = lookupOf(await examplePlugins());

    expect(await moveSecretInputs(lookup)).toBe(1);
    const after = await database.prisma.process.findUniqueOrThrow({ where: { id: legacy.id } });
    expect(JSON.stringify(after.graph)).not.toContain("sk-plaintext-1234");
    expect(after.version).toBe(legacy.version + 1);
    const graph = ZGraph.parse(after.graph);
    const t1 = graph.nodes.find((n) => n.id === "t1")!;
    const ref = (t1 as unknown as { data: { inputs: { apiKey: { credential: string } } } }).data.inputs.apiKey;
    const cred = await database.prisma.credential.findUniqueOrThrow({ where: { id: ref.credential } });
    expect(cred).toMatchObject({ name: "legacy · t1 · apiKey", ownerId: owner.id, createdBy: "system:credentials-migration" });
    expect(openSecrets(cred.secret)).toEqual({ value: "sk-plaintext-1234" });
    expect(graph.nodes.find((n) => n.id === "g")).toMatchObject({ data: { inputs: { name: "not a secret" } } });
    // Not given is not a secret to move.
    expect((await database.prisma.process.findUniqueOrThrow({ where: { id: blank.id } })).version).toBe(blank.version);
    const audit = await database.prisma.auditEvent.findMany({ where: { actor: "system:credentials-migration" }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["credential.create", "process.edit"]);
    expect(JSON.stringify(audit)).not.toContain("sk-plaintext-1234");

    expect(await moveSecretInputs(lookup)).toBe(0);
    expect(await database.prisma.credential.count()).toBe(1);
  });
});
