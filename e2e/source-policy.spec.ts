import path from "node:path";
import { expect, test, type Page } from "./fixtures/test";
import { E2E_ADMIN, login, restoreAdminEnglish, saveLanguage, shot } from "./fixtures/helpers";

/**
 * A source's schedule, activation policy and deny list: the admin sets an interval (a too-short one is a field
 * error), policy "never" and a deny list; a sync of that source lists the refused plugins and says why its
 * generation was not activated; the sources list and the source page show the next sync. Then the same pages in
 * zh-CN at both widths, and the source is deleted again.
 */

const NAME = "policy-e2e";
let runUrl = "";

async function both(page: Page, name: string) {
  await page.setViewportSize({ width: 1440, height: 900 });
  await shot(page, `${name}-1440`);
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, `${name}-390`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

// Whatever happened above, the source does not outlive this file (later specs sync every source).
test.afterAll(async ({ browser }) => {
  const page = await browser.newPage();
  await login(page, E2E_ADMIN);
  await page.goto("/sources");
  const link = page.getByRole("link", { name: NAME, exact: true });
  if (await link.count()) {
    await link.click();
    await page.getByRole("button", { name: /^(Delete|删除)$/ }).click();
    await page.getByRole("dialog").getByRole("button", { name: /^(Delete|删除)$/ }).click();
    await expect(page).toHaveURL(new RegExp(`/sources\\?deleted=${NAME}`));
  }
  await page.close();
});

test.describe("en", () => {
  test.use({ locale: "en-US" });

  test("interval, policy never and a deny list: refused plugins and 'not activated' on the run, next sync on the list", async ({ page }) => {
    await login(page, E2E_ADMIN);
    await page.goto("/sources/new");
    await page.locator("#name").fill(NAME);
    await page.locator("#kind").selectOption("fs");
    await page.locator("#path").fill(path.resolve("examples/plugins"));
    await page.getByRole("button", { name: "Add plugin set" }).click();
    await page.locator("[id='pluginSets.0.submodule']").fill("custom_plugins");
    await page.locator("[id='pluginSets.0.importModules']").fill("custom_plugins.collections.test1, custom_plugins/collections/greet.mjs");
    // Below the minimum: the shared schema's field error, nothing saved.
    await page.locator("#syncIntervalMinutes").fill("0");
    await page.locator("#denyPlugins").fill("cus_* \n group:evil!");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.locator("#syncIntervalMinutes-error")).toHaveText("At least 1 minute between scheduled syncs.");
    await expect(page.locator("#denyPlugins-error")).toContainText("Each entry is a plugin code pattern");
    await both(page, "source-policy-errors");

    await page.locator("#syncIntervalMinutes").fill("5");
    await page.locator("#activationPolicy").selectOption("never");
    // Every example plugin is refused, so this source clashes with none of the seeded example source's plugins.
    await page.locator("#denyPlugins").fill("cus_*");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page).toHaveURL(new RegExp(`/sources\\?saved=${NAME}`));
    const row = page.getByRole("row", { name: new RegExp(NAME) });
    await expect(row.getByTestId("source-schedule")).toContainText("every 5 minutes");
    await expect(row.getByTestId("next-sync")).toContainText(/next sync in [45] minutes/);
    await expect(row.getByTestId("source-policy")).toContainText("never");
    await expect(row.getByTestId("source-policy")).toContainText("deny 1");

    await page.getByRole("status").getByRole("button", { name: `Sync ${NAME} now` }).click();
    await expect(page).toHaveURL(/\/sync\/[a-z0-9]+$/);
    runUrl = page.url();
    await expect(page.getByTestId("run-status")).toContainText(/^succeeded$/, { timeout: 30_000 });
    await expect(page.getByTestId("not-activated")).toHaveText(`Source ${NAME}'s policy is never: an admin activates this generation on the Plugins page.`);
    const refused = page.getByTestId("refused-plugins");
    for (const code of ["cus_test_1", "cus_sum", "cus_greet"]) await expect(refused).toContainText(`${code}@1.0.0`);
    await expect(refused).toContainText("deny-listed (cus_*)");
    await expect(page.getByTestId("sync-log")).toContainText("not activated: source policy-e2e's activation policy is never");
    await both(page, "source-policy-run");

    // The generation it made is ready, not active: the picker still has the example source's plugins.
    const plugins = await (await page.request.get("/api/plugins")).json();
    expect(JSON.stringify(plugins)).toContain("cus_test_1");

    await page.goto("/sources");
    await expect(page.getByRole("row", { name: new RegExp(NAME) }).getByTestId("source-schedule")).toContainText(/last success (?!never)/);
    await both(page, "source-policy-list");
    await page.getByRole("link", { name: NAME }).click();
    await expect(page.getByTestId("source-schedule").first()).toContainText("next sync in");
    await expect(page.locator("#activationPolicy")).toHaveValue("never");
    await expect(page.locator("#denyPlugins")).toHaveValue("cus_*");
    await both(page, "source-policy-page");
  });
});

test.describe("zh-CN", () => {
  test.use({ locale: "zh-CN", extraHTTPHeaders: { "Accept-Language": "zh-CN,zh;q=0.9" } });
  test.afterAll(async ({ browser }) => restoreAdminEnglish(browser));

  test("the same pages in Chinese, then the source is deleted", async ({ page }) => {
    test.skip(!runUrl, "needs the run of the English test");
    await login(page, E2E_ADMIN);
    await saveLanguage(page, "zh-CN");
    await page.goto(runUrl);
    await expect(page.getByTestId("not-activated")).toContainText(`来源 ${NAME} 的策略为“从不”`);
    await expect(page.getByTestId("refused-plugins")).toContainText("在拒绝列表中（cus_*）");
    await both(page, "source-policy-run-zh");
    await page.goto("/sources");
    const row = page.getByRole("row", { name: new RegExp(NAME) });
    await expect(row.getByTestId("source-schedule")).toContainText("每 5 分钟");
    await expect(row.getByTestId("next-sync")).toContainText("下次同步");
    await both(page, "source-policy-list-zh");
    await row.getByRole("link", { name: NAME }).click();
    await expect(page.locator("#activationPolicy")).toHaveValue("never");
    await both(page, "source-policy-page-zh");
    await page.getByRole("button", { name: "删除" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "删除" }).click();
    await expect(page).toHaveURL(new RegExp(`/sources\\?deleted=${NAME}`));
  });
});
