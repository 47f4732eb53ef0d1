#!/usr/bin/env node
/**
 * Creates prisma/migrations/<timestamp>_<name>/migration.sql from the difference between the schema as of the
 * last migration (prisma/migrations/schema.snapshot.prisma) and prisma/schema.prisma.
 *
 * Why not `prisma migrate dev`: on these machines its shadow database is either PGlite (fails on multi-statement
 * scripts) or the main database itself (adapter-pg keeps the connection string). A schema-to-schema diff needs no
 * database at all. Usage: npm run db:migration:new -- add_sync_runs
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]{1,60}$/.test(name)) {
  console.error("usage: npm run db:migration:new -- <name>   (name: lower-case letters, digits and _)");
  process.exit(2);
}
const dir = path.join("prisma", "migrations");
const snapshot = path.join(dir, "schema.snapshot.prisma");
const from = existsSync(snapshot) ? ["--from-schema-datamodel", snapshot] : ["--from-empty"];
const diff = spawnSync(
  process.execPath,
  ["scripts/prisma.mjs", "migrate", "diff", ...from, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
  { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
);
if (diff.status !== 0) process.exit(diff.status ?? 1);
const sql = diff.stdout.trim();
if (!sql || sql === "-- This is an empty migration.") {
  console.error("schema.prisma has no changes since the last migration; nothing written");
  process.exit(1);
}
const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
const target = path.join(dir, `${stamp}_${name}`);
mkdirSync(target, { recursive: true });
writeFileSync(path.join(target, "migration.sql"), sql + "\n");
copyFileSync(path.join("prisma", "schema.prisma"), snapshot);
console.log(`wrote ${path.join(target, "migration.sql")}; review it, then commit it with the snapshot`);
