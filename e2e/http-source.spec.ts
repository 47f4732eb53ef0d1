import { expect, test } from "./fixtures/test";
import { E2E_ADMIN, login, shot } from "./fixtures/helpers";

test.use({ locale: "en-US" });

const TOKEN = "artifact-store-e2e-token-0123456789";

test("admin adds an HTTP archive source: fields follow the authentication, field errors from the shared schema, write-only token", async ({ page }) => {
  await login(page, E2E_ADMIN);
  await page.goto("/sources/new");
  await page.locator("#name").fill("release-archive");
  await page.locator("#kind").selectOption("http");
  // Only the fields the chosen authentication uses are shown.
  await expect(page.locator("#token")).toHaveCount(0);
  await expect(page.locator("#username")).toHaveCount(0);
  await page.locator("#auth").selectOption("basic");
  await expect(page.locator("#username")).toBeVisible();
  await expect(page.locator("#password")).toBeVisible();
  await page.locator("#auth").selectOption("bearer");
  await expect(page.locator("#token")).toBeVisible();
  await expect(page.locator("#password")).toHaveCount(0);

  await page.locator("#url").fill("http://artifacts.example.com/plugins-1.4.0.tar.gz");
  await page.locator("#sha256").fill("not-a-digest");
  await page.getByRole("button", { name: "Add plugin set" }).click();
  await page.locator("[id='pluginSets.0.submodule']").fill("custom_plugins");
  await page.locator("[id='pluginSets.0.version']").fill("1.4.0");
  await page.locator("[id='pluginSets.0.importModules']").fill("custom_plugins.collections.test1");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("#url-error")).toHaveText(/Only https:\/\/ is allowed/);
  await expect(page.locator("#sha256-error")).toHaveText("Must be 64 hexadecimal characters (a sha256).");
  await expect(page.locator("#token-error")).toHaveCount(0);
  await shot(page, "source-http-errors");

  await page.locator("#url").fill("https://artifacts.example.com/plugins-1.4.0.tar.gz");
  await page.locator("#sha256").fill("");
  await page.getByRole("button", { name: "Save" }).click();
  // The server's rule for the kind: bearer needs a token.
  await expect(page.locator("#token-error")).toHaveText("Required: no value is stored to keep.");
  await page.locator("#token").fill(TOKEN);
  await page.locator("#strip").selectOption("1");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/sources\?saved=release-archive/);
  // The saved banner offers a sync of that source alone (not pressed: its host does not exist).
  await expect(page.getByRole("status").getByRole("button", { name: "Sync release-archive now" })).toBeVisible();
  const row = page.getByRole("row", { name: /release-archive/ });
  await expect(row).toContainText("HTTP archive");
  await expect(row).toContainText("https://artifacts.example.com/plugins-1.4.0.tar.gz (bearer ••••)");
  expect(await page.content()).not.toContain(TOKEN);
  await shot(page, "sources-list-http");
  await row.getByRole("link", { name: "release-archive" }).click();
  await expect(page.locator("#token")).toHaveValue("");
  await expect(page.locator("#token")).toHaveAttribute("placeholder", "set — leave blank to keep");
  await expect(page.locator("#strip")).toHaveValue("1");
  await shot(page, "source-http-edit");

  // Its host does not exist: deleted again, so the later specs' syncs are not partial because of it.
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await expect(page).toHaveURL(/\/sources\?deleted=release-archive/);
});
