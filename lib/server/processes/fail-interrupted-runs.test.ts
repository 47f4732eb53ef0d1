import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase } from "@/lib/test/database";
import { failInterruptedRuns } from "./fail-interrupted-runs";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

it("marks runs cut off by a stop failed, with their unfinished nodes; finished runs stay as they were", async () => {
  const process = await database.prisma.process.create({ data: { name: "p", graph: { nodes: [], edges: [] }, createdBy: "a", updatedBy: "a" } });
  const cut = await database.prisma.processRun.create({
    data: {
      processId: process.id,
      actor: "a",
      nodes: {
        create: [
          { nodeId: "n1", code: "c", version: "1", inputs: {}, position: 0, status: "succeeded" },
          { nodeId: "n2", code: "c", version: "1", inputs: {}, position: 1, status: "running" },
          { nodeId: "n3", code: "c", version: "1", inputs: {}, position: 2 },
        ],
      },
    },
  });
  const done = await database.prisma.processRun.create({ data: { processId: process.id, actor: "a", status: "succeeded", finishedAt: new Date() } });
  expect(await failInterruptedRuns()).toBe(1);
  const after = await database.prisma.processRun.findUniqueOrThrow({ where: { id: cut.id }, include: { nodes: { orderBy: { position: "asc" } } } });
  expect(after).toMatchObject({ status: "failed", error: expect.stringMatching(/server stopped/) });
  expect(after.nodes.map((n) => n.status)).toEqual(["succeeded", "failed", "failed"]);
  expect((await database.prisma.processRun.findUniqueOrThrow({ where: { id: done.id } })).status).toBe("succeeded");
  expect(await failInterruptedRuns()).toBe(0);
});
