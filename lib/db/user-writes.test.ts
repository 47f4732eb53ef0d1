import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../test/database";
import { userWriteCount } from "./user-writes";

describe("the user-write counter of the process's Prisma clients", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  /** How far `fn` moves the counter. */
  const moves = async (fn: () => Promise<unknown>) => {
    const before = userWriteCount();
    await fn();
    return userWriteCount() - before;
  };

  it("moves on every kind of write, inside a transaction too, and not on reads", async () => {
    const users = database.prisma.user;
    const u = await users.create({ data: { username: "w1", passwordHash: "x" } });
    expect(await moves(() => users.findUnique({ where: { id: u.id } }))).toBe(0);
    expect(await moves(() => users.count())).toBe(0);
    expect(await moves(() => users.update({ where: { id: u.id }, data: { role: "admin" } }))).toBe(1);
    expect(await moves(() => users.updateMany({ data: { locale: "en" } }))).toBe(1);
    expect(await moves(() => users.upsert({ where: { username: "w2" }, create: { username: "w2", passwordHash: "x" }, update: {} }))).toBe(1);
    expect(await moves(() => database.prisma.$transaction((tx) => tx.user.update({ where: { id: u.id }, data: { role: "member" } })))).toBe(1);
    expect(await moves(() => users.delete({ where: { id: u.id } }))).toBe(1);
    expect(await moves(() => users.deleteMany({}))).toBe(1);
  });

  it("moves when a write fails too (it may have been applied before the error came back)", async () => {
    expect(await moves(() => database.prisma.user.delete({ where: { id: "missing" } }).catch(() => undefined))).toBe(1);
  });
});
