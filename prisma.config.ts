import path from "node:path";
import { defineConfig } from "prisma/config";

/**
 * Prisma CLI configuration. The JS engine + driver adapter path makes the CLI use its bundled WASM schema
 * engine, so `generate` and `migrate diff` work offline (no native engine download). The adapter is an
 * in-memory PGlite: the CLI never touches the real database; migrations are applied by lib/db/migrate.ts.
 */
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    const { PGlite } = await import("@electric-sql/pglite");
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    return new PrismaPGlite(new PGlite());
  },
});
