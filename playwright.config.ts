import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT || 3210);
// The e2e server's DATA_DIR, made here so that specs know it too (the workers inherit the variable); the server
// removes it when it stops. Nothing a spec saves points outside it.
process.env.E2E_DATA_DIR ||= fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-e2e-"));

/**
 * E2E against the production build (`next start`) on a fresh embedded database in a temp DATA_DIR, in Debian's
 * Chromium (`apt-get install chromium`; Playwright's own browser download does not work offline).
 */
export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1280, height: 900 },
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    command: `node e2e/fixtures/server.mjs ${PORT}`,
    url: `http://127.0.0.1:${PORT}/login`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
  },
});
