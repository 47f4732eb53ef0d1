import { expect, test, type Page } from "./fixtures/test";
import { E2E_ADMIN, login, shot } from "./fixtures/helpers";
import { setImportModules } from "./fixtures/journey";

test.use({ locale: "en-US" });

async function apiCodes(page: Page): Promise<string[]> {
  const res = await page.request.get("/api/plugins");
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { groups: { plugins: { code: string }[] }[] };
  return body.groups.flatMap((g) => g.plugins.map((p) => p.code));
}

async function syncNow(page: Page) {
  await page.goto("/sync");
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page).toHaveURL(/\/sync\/[a-z0-9]+$/);
  await expect(page.getByTestId("run-status")).toContainText(/succeeded/, { timeout: 30_000 });
}

test("the plugins page shows what is loaded; activate and roll back change the picker API without a restart", async ({ page }) => {
  await login(page, E2E_ADMIN);
  // The example source was synced on first start (SYNC_ON_START=if-empty).
  await page.goto("/plugins");
  await expect(page.getByTestId("serving-generation")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("loaded-sets").getByRole("row", { name: /examples\/custom_plugins/ })).toContainText("loaded");
  await expect(page.getByRole("row", { name: /cus_test_1/ })).toContainText("Custom (CUS)");
  // What plugin code is confined by here: files, environment, processes and (with unshare) the network.
  const confinement = page.getByTestId("confinement");
  await expect(confinement).toContainText(/--(experimental-)?permission/);
  for (const line of ["Files", "Environment", "Processes", "Network"]) await expect(confinement).toContainText(line);
  await expect(confinement.getByText(/^(in force|degraded)$/)).toHaveCount(4);
  await shot(page, "plugins");
  expect(await apiCodes(page)).toEqual(expect.arrayContaining(["cus_test_1", "cus_greet", "builtin_log"]));

  // A new generation without greet.mjs.
  await setImportModules(page, "custom_plugins.collections.test1");
  await syncNow(page);
  await expect.poll(() => apiCodes(page)).not.toContain("cus_greet");

  // Roll back: greet is back at once.
  await page.goto("/plugins");
  await page.getByRole("button", { name: /^Roll back to generation \d+/ }).click();
  await page.getByRole("dialog").getByTestId("activation-confirm").click();
  await expect.poll(() => apiCodes(page)).toContain("cus_greet");
  await page.reload();
  await shot(page, "plugins-rolled-back");

  // Activate the newer one again.
  await page.getByRole("button", { name: "Activate…" }).first().click();
  await page.getByRole("dialog").getByTestId("activation-confirm").click();
  await expect.poll(() => apiCodes(page)).not.toContain("cus_greet");

  // Leave the example source as it was for the other specs.
  await setImportModules(page, "custom_plugins.collections.test1, custom_plugins/collections/greet.mjs");
  await syncNow(page);
  await expect.poll(() => apiCodes(page)).toContain("cus_greet");
});
