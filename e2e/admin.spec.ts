import path from "node:path";
import { expect, test } from "./fixtures/test";
import { E2E_ADMIN, E2E_MEMBER, login, logout, shot } from "./fixtures/helpers";

test.use({ locale: "en-US" });
test.describe.configure({ mode: "serial" });

const TOKEN = "ghp_e2e_SECRET_token_0123456789";
const CACHE_DIR = path.join(process.env.E2E_DATA_DIR!, "cache");

test("admin manages a git source with two plugin sets, the cache, and a member is refused", async ({ page }) => {
  await page.goto("/sources");
  await expect(page).toHaveURL(/\/login/);
  await shot(page, "login");
  await page.locator("#username").fill(E2E_ADMIN.username);
  await page.locator("#password").fill("wrong-password");
  await page.locator("form button[type=submit]").click();
  await expect(page.locator("main [role=alert]")).toContainText("Wrong username or password");

  await login(page, E2E_ADMIN);
  await expect(page).toHaveURL(/\/sources$/);
  await expect(page.getByRole("link", { name: "examples" })).toBeVisible();
  await shot(page, "sources-list");

  // Create: first with two mistakes the shared schema catches in the browser.
  await page.getByRole("link", { name: "New source" }).first().click();
  await expect(page).toHaveURL(/\/sources\/new$/);
  await page.locator("#name").fill("team-plugins");
  await page.locator("#url").fill("http://git.example.com/team/plugins.git");
  await page.locator("#ref").fill("main");
  await page.locator("#username").fill("bot");
  await page.locator("#token").fill(TOKEN);
  await page.getByRole("button", { name: "Add plugin set" }).click();
  await page.getByRole("button", { name: "Add plugin set" }).click();
  await page.locator("[id='pluginSets.0.submodule']").fill("../escape");
  await page.locator("[id='pluginSets.0.importModules']").fill("escape.mod");
  await page.locator("[id='pluginSets.1.submodule']").fill("ops_plugins");
  await page.locator("[id='pluginSets.1.version']").fill("2.1.0");
  await page.locator("[id='pluginSets.1.importModules']").fill("ops_plugins.collections.deploy, ops_plugins/collections/notify.mjs");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("#url-error")).toHaveText(/Only https:\/\/ is allowed/);
  await expect(page.locator("[id='pluginSets.0.submodule-error']")).toHaveText(/no “\.\.”/);
  await shot(page, "source-form-errors");

  await page.locator("#url").fill("https://git.example.com/team/plugins.git");
  await page.locator("[id='pluginSets.0.submodule']").fill("custom_plugins");
  await page.locator("[id='pluginSets.0.importModules']").fill("custom_plugins.collections.test1");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/sources\?saved=team-plugins/);
  const row = page.getByRole("row", { name: /team-plugins/ });
  await expect(row).toContainText("https://git.example.com/team/plugins.git @ main (bot:••••)");
  await expect(row.getByRole("cell").nth(3)).toHaveText("2");

  // The secret never comes back to the browser: not in the list, not in the edit page.
  expect(await page.content()).not.toContain(TOKEN);
  await row.getByRole("link", { name: "team-plugins" }).click();
  await expect(page.locator("#token")).toHaveValue("");
  await expect(page.locator("#token")).toHaveAttribute("placeholder", "set — leave blank to keep");
  await shot(page, "source-edit");
  for (const url of ["/sources", page.url(), "/cache", "/audit", "/users"]) {
    const html = await (await page.request.get(url)).text();
    expect(html, url).not.toContain(TOKEN);
  }

  // Edit: change the ref and a version; the blank token keeps the stored one.
  await page.locator("#ref").fill("release-2026.11");
  await page.locator("[id='pluginSets.1.version']").fill("2.2.0");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/sources\?saved=team-plugins/);
  await expect(page.getByRole("row", { name: /team-plugins/ })).toContainText("@ release-2026.11 (bot:••••)");

  // Cache: s3 needs a secret with an access key; then a valid fs path.
  await page.getByRole("link", { name: "Cache", exact: true }).click();
  await expect(page.getByText("Not configured yet")).toBeVisible();
  await shot(page, "cache-default");
  await page.locator("#kind").selectOption("s3");
  await page.locator("#endpoint").fill("https://s3.example.com");
  await page.locator("#bucket").fill("Bad_Bucket");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("#bucket-error")).toContainText("Not a valid bucket name");
  await shot(page, "cache-errors");
  await page.locator("#kind").selectOption("fs");
  // The default location, saved explicitly: the generations the first start built stay readable (a path outside
  // the server's data dir would outlive the run, and the next run's install could not use it).
  await page.locator("#path").fill(CACHE_DIR);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Cache configuration saved.")).toBeVisible();
  await page.reload();
  await expect(page.locator("#path")).toHaveValue(CACHE_DIR);
  await shot(page, "cache-saved");

  // Users: add a member for the last step.
  await page.getByRole("link", { name: "Users", exact: true }).click();
  await page.locator("#username").fill(E2E_MEMBER.username);
  await page.locator("#password").fill("short");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.locator("#password-error")).toHaveText("At least 12 characters.");
  await page.locator("#password").fill(E2E_MEMBER.password);
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("row", { name: new RegExp(E2E_MEMBER.username) })).toBeVisible();
  await shot(page, "users");

  // Delete with confirmation.
  await page.getByRole("link", { name: "Plugin sources" }).click();
  await page.getByRole("link", { name: "team-plugins" }).click();
  await page.getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Delete team-plugins?");
  await shot(page, "source-delete-confirm");
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(page).toHaveURL(/\/sources\?deleted=team-plugins/);
  await expect(page.getByRole("link", { name: "team-plugins" })).toHaveCount(0);

  // Audit: newest first, filterable by target; no secret.
  await page.getByRole("link", { name: "Audit log" }).click();
  const firstAction = page.locator("tbody tr").first().locator("td").nth(2);
  await expect(firstAction).toHaveText("deleted"); // the audit page names actions from the catalog (labels.action)
  await page.locator("select[name=targetType]").selectOption("cache");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/targetType=cache/);
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await page.getByRole("link", { name: "Clear" }).click();
  expect(await page.content()).not.toContain(TOKEN);
  await shot(page, "audit");

  // A member is refused every admin page and API.
  await logout(page);
  await login(page, E2E_MEMBER);
  await expect(page).toHaveURL(/\/editor$/);
  for (const url of ["/sources", "/sources/new", "/cache", "/users", "/audit"]) {
    await page.goto(url);
    await expect(page.getByTestId("forbidden")).toBeVisible();
    await expect(page.locator("table")).toHaveCount(0);
  }
  await shot(page, "member-forbidden");
  expect((await page.request.get("/api/sources")).status()).toBe(403);
  expect((await page.request.post("/api/sources", { data: { name: "x" } })).status()).toBe(403);
});
