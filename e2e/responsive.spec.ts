import { expect, test, type Page } from "./fixtures/test";
import { E2E_ADMIN, login, shot, waitForExamples } from "./fixtures/helpers";
import { LANGS, msg, overflowing, pageOverflow } from "./fixtures/catalog";

/**
 * Every admin page at 390 px, in English and Simplified Chinese: no sideways scrolling of the page (wide tables
 * scroll inside their own box), the navigation and "Log out" behind the menu button (also at 1024 px, where the row
 * does not fit). At 1440 px they are in the header row. The editor's canvas takes most of the width at 1024.
 */
test.describe.configure({ mode: "serial" });

/** Inside the viewport, horizontally (what a phone user can reach without scrolling sideways). */
async function inViewport(page: Page, box: { x: number; width: number } | null) {
  const width = page.viewportSize()!.width;
  expect(box).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(width);
}

for (const lang of LANGS) {
  test.describe(lang.id, () => {
    test.use({ locale: lang.locale, extraHTTPHeaders: { "Accept-Language": lang.accept } });
    const admin = { username: `h5-narrow-${lang.id.toLowerCase()}`, password: "menus-and-drawers-pw-4" };
    const m = (key: string, values?: Record<string, string | number>) => msg(lang.id, key, values);
    let processId = "";
    let syncRunId = "";
    let credentialPage = "/credentials";

    test.beforeAll(async ({ browser }) => {
      const page = await browser.newPage();
      await login(page, E2E_ADMIN);
      await waitForExamples(page);
      const res = await page.request.post("/api/users", { data: { username: admin.username, password: admin.password, role: "admin" } });
      expect([201, 422]).toContain(res.status());
      await page.close();
    });

    test("390 px: every admin page fits the width; the menu has the navigation and Log out", async ({ page }) => {
      await page.setViewportSize({ width: 390, height: 844 });
      await login(page, admin);
      const created = await page.request.post("/api/processes", { data: { name: `Narrow ${lang.id} ${test.info().retry}` } });
      processId = ((await created.json()) as { id: string }).id;
      const runs = (await (await page.request.get("/api/sync")).json()) as { id: string }[] | { runs: { id: string }[] };
      syncRunId = (Array.isArray(runs) ? runs : runs.runs)[0]?.id ?? "";
      expect(syncRunId).not.toBe("");
      const cred = await page.request.post("/api/credentials", { data: { name: `narrow-${lang.id}`, value: "not-a-real-secret-1" } });
      if (cred.status() === 201) credentialPage = `/credentials/${((await cred.json()) as { id: string }).id}`;

      const pages: [string, string][] = [
        ["sources", "/sources"],
        ["source-form", "/sources/new"],
        ["sync", "/sync"],
        ["sync-run", `/sync/${syncRunId}`],
        ["plugins", "/plugins"],
        ["cache", "/cache"],
        ["users", "/users"],
        ["audit", "/audit"],
        ["account", "/account"],
        ["credentials", "/credentials"],
        ["credential", credentialPage],
        ["editor-list", "/editor"],
        ["editor", `/editor/${processId}`],
      ];
      for (const [name, url] of pages) {
        await page.goto(url);
        // Loaded: its heading (the editor has none: its nodes).
        await expect(page.locator("main h1, main .react-flow__node").first()).toBeVisible();
        await shot(page, `narrow-${lang.id}-${name}`);
        // Tables and code blocks may scroll inside their box; the page itself does not scroll sideways.
        const wider = await page.evaluate(pageOverflow);
        expect(wider, `${url} scrolls sideways by ${wider} px: ${(await page.evaluate(overflowing)).join("; ")}`).toBeLessThanOrEqual(0);
      }

      // The menu: the links in a column and Log out, all within the width; a link followed closes it.
      const menu = page.getByRole("button", { name: m("shellMenu.open") });
      await expect(menu).toBeVisible();
      await expect(page.getByRole("button", { name: m("nav.logout") })).toHaveCount(0);
      await menu.click();
      const panel = page.getByTestId("mobile-menu");
      for (const key of ["sources", "sync", "plugins", "cache", "users", "audit", "editor", "credentials", "account"]) {
        await inViewport(page, await panel.getByRole("link", { name: m(`nav.${key}`), exact: true }).boundingBox());
      }
      const logout = panel.getByRole("button", { name: m("nav.logout") });
      await inViewport(page, await logout.boundingBox());
      await shot(page, `narrow-${lang.id}-menu`);
      await panel.getByRole("link", { name: m("nav.plugins"), exact: true }).click();
      await expect(page).toHaveURL(/\/plugins$/);
      await expect(panel).toBeHidden();
      // Escape closes it too.
      await page.getByRole("button", { name: m("shellMenu.open") }).click();
      await expect(panel).toBeVisible();
      await page.keyboard.press("Escape");
      await expect(panel).toBeHidden();
      await page.getByRole("button", { name: m("shellMenu.open") }).click();
      await panel.getByRole("button", { name: m("nav.logout") }).click();
      await expect(page).toHaveURL(/\/login/);
    });

    for (const width of [1024, 1440]) {
      test(`${width} px: the links and Log out are reachable; the editor's canvas gets the width`, async ({ page }) => {
        await page.setViewportSize({ width, height: 900 });
        await login(page, admin);
        // 1440: the links and Log out in the header row; 1024: they do not fit, the menu has them.
        const menu = page.getByRole("button", { name: m("shellMenu.open") });
        if (width === 1024) {
          await menu.click();
          await expect(page.getByTestId("mobile-menu").getByRole("link", { name: m("nav.editor") })).toBeVisible();
        } else {
          await expect(menu).toBeHidden();
          await expect(page.getByRole("navigation", { name: m("nav.admin") }).getByRole("link", { name: m("nav.editor") })).toBeVisible();
        }
        await inViewport(page, await page.getByRole("button", { name: m("nav.logout") }).boundingBox());
        expect(await page.evaluate(pageOverflow)).toBeLessThanOrEqual(0);
        await shot(page, `header-${lang.id}-${width}`);
        const created = await page.request.post("/api/processes", { data: { name: `Wide ${lang.id} ${width} ${test.info().retry}` } });
        await page.goto(`/editor/${((await created.json()) as { id: string }).id}`);
        const canvas = page.getByRole("region", { name: m("editor.canvasLabel") });
        await expect(canvas).toBeVisible();
        await expect(page.locator(".react-flow__node")).toHaveCount(2);
        const share = (await canvas.boundingBox())!.width / width;
        // 1024: picker and inspector are drawers, the canvas nearly the whole width; 1440: three columns.
        if (width === 1024) {
          expect(share).toBeGreaterThan(0.85);
          await expect(page.getByRole("complementary", { name: m("editor.picker.region") })).toBeHidden();
          await page.getByRole("button", { name: m("editorLayout.openPicker") }).click();
          const picker = page.getByRole("complementary", { name: m("editor.picker.region") });
          await expect(picker).toBeVisible();
          await shot(page, `editor-drawer-${lang.id}-${width}`);
          await page.keyboard.press("Escape");
          await expect(picker).toBeHidden();
          // "/" opens the drawer with the search focused.
          await page.locator("body").press("/");
          await expect(page.getByRole("combobox", { name: m("editor.picker.title") })).toBeFocused();
        } else {
          expect(share).toBeGreaterThan(0.45);
          await expect(page.getByRole("complementary", { name: m("editor.picker.region") })).toBeVisible();
          await expect(page.getByTestId("editor-drawer-bar")).toBeHidden();
        }
        expect(await page.evaluate(pageOverflow)).toBeLessThanOrEqual(0);
        await shot(page, `editor-${lang.id}-${width}`);
      });
    }
  });
}
