import path from "node:path";
import { expect, test, type Page } from "./fixtures/test";
import { E2E_ADMIN, shot } from "./fixtures/helpers";
import { startApp, type AppServer } from "./fixtures/app-server";
import { LANGS, msg, overflowing, pageOverflow, type Lang } from "./fixtures/catalog";

/**
 * The first-run guide on an empty install (a server of its own: no example source, no sync on start), in English
 * and Simplified Chinese, looked at at 1440, 1024 and 390 px at each step: add a source → sync → open the editor,
 * each step ticked once done; it is gone once a process exists.
 */
test.describe.configure({ mode: "serial" });

const WIDTHS = [1440, 1024, 390] as const;

async function login(page: Page, app: AppServer) {
  await page.goto(`${app.url}/login`);
  await page.locator("#username").fill(E2E_ADMIN.username);
  await page.locator("#password").fill(E2E_ADMIN.password);
  await page.locator("form button[type=submit]").click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** The guide at each width: which steps are ticked, nothing wider than the page; a screenshot of each. */
async function lookAt(page: Page, lang: Lang, step: string, done: string[]) {
  const guide = page.getByTestId("first-run");
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await expect(guide.getByRole("heading", { name: msg(lang, "firstRun.title") })).toBeVisible();
    for (const key of ["source", "sync", "editor"]) {
      if (done.includes(key)) await expect(guide.getByTestId(`first-run-${key}`)).toHaveAttribute("data-done", "true");
      else await expect(guide.getByTestId(`first-run-${key}`)).not.toHaveAttribute("data-done");
    }
    await shot(page, `first-run-${lang}-${step}-${width}`);
    const wider = await page.evaluate(pageOverflow);
    expect(wider, `${width} px: wider by ${wider} px: ${(await page.evaluate(overflowing)).join("; ")}`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

for (const lang of LANGS) {
  test.describe(lang.id, () => {
    test.use({ locale: lang.locale, extraHTTPHeaders: { "Accept-Language": lang.accept } });
    let app: AppServer;
    test.beforeAll(async () => {
      app = await startApp();
    });
    test.afterAll(async () => {
      await app?.stop();
    });

    test("add a source → sync → open the editor, each step ticked", async ({ page }) => {
      test.setTimeout(120_000);
      const m = (key: string, values?: Record<string, string | number>) => msg(lang.id, key, values);
      await login(page, app);
      await page.goto(`${app.url}/sources`);
      const guide = page.getByTestId("first-run");
      await lookAt(page, lang.id, "1-empty", []);

      // 1. Add a source: the guide's button opens the form; an fs source with the example plugins.
      await guide.getByRole("link", { name: m("firstRun.sourceAction") }).click();
      await expect(page).toHaveURL(/\/sources\/new$/);
      await page.locator("#name").fill("examples");
      await page.locator("#kind").selectOption("fs");
      await page.locator("#path").fill(path.resolve("examples/plugins"));
      await page.getByRole("button", { name: m("pluginSets.add") }).click();
      await page.locator("[id='pluginSets.0.submodule']").fill("custom_plugins");
      await page.locator("[id='pluginSets.0.importModules']").fill("custom_plugins.collections.test1, custom_plugins/collections/greet.mjs");
      await page.getByRole("button", { name: m("common.save"), exact: true }).click();
      await expect(page).toHaveURL(/\/sources(\?|$)/);
      await lookAt(page, lang.id, "2-source", ["source"]);

      // 2. Sync: the guide's Sync now starts it and opens the run; back on the sources, two steps are ticked.
      await guide.getByRole("button", { name: m("sync.syncNow") }).click();
      await expect(page).toHaveURL(/\/sync\/[a-z0-9]+$/);
      await expect(page.getByTestId("run-status")).toContainText(m("syncStatus.succeeded"), { timeout: 60_000 });
      await page.goto(`${app.url}/sources`);
      await lookAt(page, lang.id, "3-synced", ["source", "sync"]);

      // 3. Open the editor: a process made there, the guide is gone.
      await guide.getByRole("link", { name: m("firstRun.editorAction") }).click();
      await expect(page).toHaveURL(/\/editor$/);
      await page.getByLabel(m("editor.list.name"), { exact: true }).fill("First");
      await page.getByRole("button", { name: m("editor.list.create") }).click();
      await expect(page).toHaveURL(/\/editor\/[a-z0-9]+$/);
      await page.goto(`${app.url}/sources`);
      await expect(page.getByRole("link", { name: "examples" })).toBeVisible();
      await expect(guide).toHaveCount(0);

      // The example source is this server's own: its data directory goes when it stops.
    });
  });
}
