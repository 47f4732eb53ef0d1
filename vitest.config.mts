import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      // "server-only" throws outside React Server Components; the tests call server modules directly.
      "server-only": path.resolve("lib/test/empty.ts"),
      "@": path.resolve("."),
    },
  },
  test: {
    environment: "node",
    include: ["{lib,app,components,scripts}/**/*.test.{ts,tsx}"],
    setupFiles: ["lib/test/setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
