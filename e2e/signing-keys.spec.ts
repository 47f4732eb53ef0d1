import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "@playwright/test";
import { startGitServer, type GitServer } from "../lib/plugins/__fixtures__/git-server";
import { keyDir, signedCommit, sshKey, type SshTestKey } from "../lib/plugins/__fixtures__/signing-keys";
import { readTree } from "../lib/test/read-tree";
import { startApp, type AppServer } from "./fixtures/app-server";
import { E2E_ADMIN, shot } from "./fixtures/helpers";
import { expect, test } from "./fixtures/test";

/**
 * Signing keys and a git source's signature policy, in a server of its own (http:// remotes allowed, for the local
 * `git http-backend` repository): an admin adds the SSH key that signed the commit, requires it on a new source,
 * syncs, and sees "verified: <key name>" beside the revision on the run page and the plugins page — in English and
 * Chinese, wide and narrow.
 */
test.use({ locale: "en-US" });

let git: GitServer;
let app: AppServer;
let dir: string;
let key: SshTestKey;
let repoUrl: string;

test.beforeAll(async () => {
  git = await startGitServer();
  repoUrl = (await git.createRepo("signed-plugins", readTree(path.resolve("examples/plugins")))).url;
  dir = keyDir();
  key = sshKey(dir, "release-bot");
  signedCommit(git.root, "signed-plugins", { "README.md": "signed release\n" }, { ssh: key });
  app = await startApp({ EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE: "1" });
});

test.afterAll(async () => {
  await app?.stop();
  await git?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  if (app) fs.rmSync(app.dataDir, { recursive: true, force: true });
});

async function signIn(page: Page) {
  await page.goto(`${app.url}/login`);
  await page.locator("#username").fill(E2E_ADMIN.username);
  await page.locator("#password").fill(E2E_ADMIN.password);
  await page.locator("form button[type=submit]").click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** Screenshots of `url` at 1440 and 390 px wide (full page). */
async function shots(page: Page, url: string, name: string) {
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(url);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await shot(page, `${name}-${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test("an admin adds a signing key, requires it on a git source, and the run and plugins pages show the verified signer", async ({ page, browser }) => {
  test.setTimeout(180_000);
  await signIn(page);

  // The allow-list, reached from the admin navigation.
  await page.getByRole("link", { name: "Signing keys" }).click();
  await expect(page).toHaveURL(/\/signing-keys$/);
  await expect(page.getByText("No signing keys yet")).toBeVisible();
  await page.locator("#key-name").fill("release-bot");
  await page.locator("#key-public").fill("ssh-ed25519 this-is-not-a-key");
  await page.getByRole("button", { name: "Add key" }).click();
  await expect(page.locator("#key-public-error")).toHaveText(/Not a public key/);
  await shot(page, "signing-keys-error");
  await page.locator("#key-public").fill(key.publicKey);
  await page.getByRole("button", { name: "Add key" }).click();
  await expect(page.getByText(/Key release-bot added: SHA256:/)).toBeVisible();
  const row = page.getByRole("row", { name: /release-bot/ });
  await expect(row).toContainText(/SHA256:[A-Za-z0-9+/]{43}/);
  await expect(row).toContainText("ssh-ed25519");

  // A git source that accepts only commits signed by that key.
  await page.goto(`${app.url}/sources/new`);
  await page.locator("#name").fill("signed-plugins");
  await page.locator("#kind").selectOption("git");
  await page.locator("#url").fill(repoUrl);
  await page.locator("#ref").fill("main");
  await expect(page.locator("#signingKeys")).toHaveCount(0);
  await page.locator("#signature").selectOption("keys");
  await page.getByRole("button", { name: "Add plugin set" }).click();
  await page.locator("[id='pluginSets.0.submodule']").fill("custom_plugins");
  await page.locator("[id='pluginSets.0.version']").fill("1.0.0");
  await page.locator("[id='pluginSets.0.importModules']").fill("custom_plugins.collections.test1, custom_plugins/collections/greet.mjs");
  await page.getByRole("button", { name: "Save" }).click();
  // The kind's rule: "only these keys" needs key names.
  await expect(page.locator("#signingKeys-error")).toHaveText("Required.");
  await page.locator("#signingKeys").fill("release-bot");
  await shot(page, "source-signature-policy");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/sources\?saved=signed-plugins/);

  // Sync: the run page shows the signer beside the revision.
  await page.goto(`${app.url}/sync`);
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page).toHaveURL(/\/sync\/[a-z0-9]+$/);
  await expect(page.getByTestId("run-status")).toContainText("succeeded", { timeout: 60_000 });
  const runUrl = page.url();
  const result = page.getByRole("row", { name: /signed-plugins/ });
  await expect(result.getByTestId("verified-signer")).toHaveText("verified: release-bot");
  await expect(page.getByTestId("sync-log")).toContainText("is signed by release-bot (SHA256:");

  // The plugins page: the serving generation's source, verified.
  await page.goto(`${app.url}/plugins`);
  await expect(page.getByTestId("verified-signer").first()).toHaveText("verified: release-bot");

  await shots(page, `${app.url}/signing-keys`, "signing-keys-en");
  await shots(page, runUrl, "signing-run-en");
  await shots(page, `${app.url}/plugins`, "signing-plugins-en");
  await chinese(browser, runUrl);
});

async function chinese(browser: Browser, runUrl: string) {
  const context = await browser.newContext({ locale: "zh-CN", extraHTTPHeaders: { "Accept-Language": "zh-CN,zh;q=0.9" } });
  const page = await context.newPage();
  try {
    await signIn(page);
    await page.goto(runUrl);
    await expect(page.getByTestId("verified-signer")).toHaveText("已验证：release-bot");
    await shots(page, `${app.url}/signing-keys`, "signing-keys-zh");
    await shots(page, runUrl, "signing-run-zh");
    await shots(page, `${app.url}/plugins`, "signing-plugins-zh");
    await shots(page, `${app.url}/sources`, "signing-sources-zh");
  } finally {
    await context.close();
  }
}
