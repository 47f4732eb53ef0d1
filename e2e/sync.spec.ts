import path from "node:path";
import { expect, test } from "./fixtures/test";
import { E2E_ADMIN, login, shot } from "./fixtures/helpers";

test.use({ locale: "en-US" });

test("preview of an unsaved source lists its plugins; Sync now shows progress, then the run in history", async ({ page }) => {
  await login(page, E2E_ADMIN);

  // Preview an unsaved fs source pointing at the example package: nothing is saved.
  await page.goto("/sources/new");
  await page.locator("#name").fill("preview-only");
  await page.locator("#kind").selectOption("fs");
  await page.locator("#path").fill(path.resolve("examples/plugins"));
  await page.getByRole("button", { name: "Add plugin set" }).click();
  await page.locator("[id='pluginSets.0.submodule']").fill("custom_plugins");
  await page.locator("[id='pluginSets.0.importModules']").fill("custom_plugins.collections.test1, custom_plugins/collections/greet.mjs");
  await page.getByRole("button", { name: "Preview plugins" }).click();
  const preview = page.getByTestId("source-preview");
  await expect(preview).toContainText("cus_test_1@1.0.0");
  await expect(preview).toContainText("cus_sum@1.0.0");
  await expect(preview).toContainText("cus_greet@1.0.0");
  await expect(preview).toContainText("Custom (CUS)");
  await shot(page, "source-preview");
  await page.goto("/sources");
  await expect(page.getByRole("link", { name: "preview-only" })).toHaveCount(0);

  // Sync now: the run page follows the run live, then the run is in the history.
  await page.getByRole("link", { name: "Sync", exact: true }).click();
  await expect(page).toHaveURL(/\/sync$/);
  await shot(page, "sync-empty");
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page).toHaveURL(/\/sync\/[a-z0-9]+$/);
  await expect(page.getByTestId("sync-log")).toContainText("examples");
  await expect(page.getByTestId("run-status")).toContainText(/^(succeeded|no change)$/, { timeout: 30_000 }); // the first start synced the same examples
  await expect(page.getByRole("row", { name: /examples/ })).toContainText("3 plugins");
  await shot(page, "sync-run");
  await page.getByRole("link", { name: "All runs" }).click();
  await expect(page.locator("tbody tr").first()).toContainText(/succeeded|no change/);
  await expect(page.getByTestId("active-generation")).toContainText("3 plugins");
  await shot(page, "sync-history");

  // The sources list shows the last sync.
  await page.getByRole("link", { name: "Plugin sources" }).click();
  await expect(page.getByRole("row", { name: /examples/ })).toContainText(/succeeded|unchanged/);
});
