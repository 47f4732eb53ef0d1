import { expect, test, type Page } from "./fixtures/test";
import { E2E_ADMIN, login, shot, waitForExamples } from "./fixtures/helpers";
import { LANGS, msg, pageOverflow, type Lang } from "./fixtures/catalog";
import { deleteViaApi } from "./fixtures/journey";

/**
 * The editor at 1440, 1024 and 390 px, in English and Simplified Chinese: the virtualised picker (every plugin,
 * collapsible groups, descriptions, Recently used), four nodes added and all in view, a draft with an empty
 * required input that saves and refuses to run with the reason, an upstream output inserted by a click, and
 * Delete then Ctrl+Z restoring the node and its connections. Narrower than 1280 px the picker and the inspector
 * are drawers opened from the bar above the canvas.
 */
test.describe.configure({ mode: "serial" });

const WIDTHS = [1440, 1024, 390] as const;
/** The example plugins' names (their own translations, as the plugin authors wrote them). */
const NAMES = { en: { test1: "Test 1", sum: "Sum", greet: "Greet", log: "Log" }, "zh-CN": { test1: "Test 1", sum: "求和", greet: "Greet", log: "日志" } } as const;

const flowNode = (page: Page, text: string) => page.locator(".react-flow__node").filter({ hasText: text });

async function nodesOutsideView(page: Page, lang: Lang): Promise<string[]> {
  const view = (await page.getByRole("region", { name: msg(lang, "editor.canvasLabel") }).boundingBox())!;
  const outside: string[] = [];
  for (const n of await page.locator(".react-flow__node").all()) {
    const b = (await n.boundingBox())!;
    if (b.x < view.x - 0.5 || b.y < view.y - 0.5 || b.x + b.width > view.x + view.width + 0.5 || b.y + b.height > view.y + view.height + 0.5) outside.push((await n.innerText()).split("\n")[0]);
  }
  return outside;
}

for (const lang of LANGS) {
  test.describe(lang.id, () => {
    test.use({ locale: lang.locale, extraHTTPHeaders: { "Accept-Language": lang.accept } });
    const user = { username: `h5-picker-${lang.id.toLowerCase()}`, password: "virtual-rows-and-drawers-9" };
    const m = (key: string, values?: Record<string, string | number>) => msg(lang.id, key, values);
    const N = NAMES[lang.id];

    test.beforeAll(async ({ browser }) => {
      const page = await browser.newPage();
      await login(page, E2E_ADMIN);
      await waitForExamples(page);
      const res = await page.request.post("/api/users", { data: { username: user.username, password: user.password, role: "member" } });
      expect([201, 422]).toContain(res.status());
      await page.close();
    });

    // Later specs (editor.spec) start from an empty process list: remove what these tests made.
    const made: string[] = [];
    test.afterAll(async ({ browser }) => {
      const page = await browser.newPage();
      await login(page, E2E_ADMIN);
      for (const id of made) expect([200, 204, 404]).toContain(await deleteViaApi(page.request, `/api/processes/${id}`));
      await page.close();
    });

    for (const width of WIDTHS) {
      test(`${width} px: picker, four nodes in view, draft refused to run, output by click, undo of a delete`, async ({ page }) => {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
        await login(page, user);
        const created = await page.request.post("/api/processes", { data: { name: `Picker ${lang.id} ${width} ${test.info().retry}` } });
        expect(created.status()).toBe(201);
        const { id } = (await created.json()) as { id: string };
        made.push(id);
        await page.goto(`/editor/${id}`);
        await page.evaluate(() => localStorage.clear());
        await page.reload();
        const wide = width >= 1280;
        const picker = page.getByRole("complementary", { name: m("editor.picker.region") });
        const inspector = page.getByRole("complementary", { name: m("editor.inspector.region") });
        const search = page.getByRole("combobox", { name: m("editor.picker.title") });
        const openPicker = async () => {
          if (!wide) await page.getByRole("button", { name: m("editorLayout.openPicker") }).click();
          await expect(search).toBeVisible();
        };
        const openInspector = async (node: string) => {
          if (!wide) await page.getByRole("button", { name: m("editorLayout.openInspectorFor", { node }) }).click();
          await expect(inspector.getByRole("heading", { name: node })).toBeVisible();
        };
        const closeInspector = async () => {
          if (!wide) await inspector.getByRole("button", { name: m("editorLayout.closeInspector") }).click();
        };

        // Narrow: canvas first, the picker and the inspector behind the bar's buttons; the canvas takes the width.
        const canvas = page.getByRole("region", { name: m("editor.canvasLabel") });
        await expect(canvas).toBeVisible();
        if (!wide) {
          await expect(picker).toBeHidden();
          await expect(inspector).toBeHidden();
          expect((await canvas.boundingBox())!.width).toBeGreaterThan(width * 0.85);
        } else {
          await expect(picker).toBeVisible();
        }
        expect(await page.evaluate(pageOverflow)).toBeLessThanOrEqual(0);

        // The picker: all plugins counted (no "first 100"), groups with headers that collapse, descriptions.
        await openPicker();
        const list = picker.getByRole("listbox");
        // Every plugin of the generation is counted (the example's 3 and the built-ins), not a first 100.
        await expect.poll(async () => Number(await list.getAttribute("data-count"))).toBeGreaterThanOrEqual(4);
        const custom = `${lang.id === "en" ? "Custom" : "自定义"} (CUS)`;
        const customHeader = list.getByRole("button", { name: m("nodePicker.collapse", { group: custom, count: 3 }) });
        await expect(customHeader).toBeVisible();
        await expect(list.getByRole("option", { name: `${custom} - Test 1 (cus_test_1)` })).toContainText(lang.id === "en" ? "Echoes its message" : "回显消息");
        await customHeader.click();
        await expect(list.getByRole("option", { name: `${custom} - Test 1 (cus_test_1)` })).toHaveCount(0);
        await list.getByRole("button", { name: m("nodePicker.expand", { group: custom, count: 3 }) }).click();
        await expect(list.getByRole("option", { name: `${custom} - Test 1 (cus_test_1)` })).toBeVisible();
        await shot(page, `picker-${lang.id}-${width}`);

        // Four nodes, each after the one before; after each, every node is inside the canvas's visible area.
        const added = [
          ["test 1", `${custom} - Test 1 (cus_test_1)`, N.test1],
          ["sum", `${custom} - ${N.sum} (cus_sum)`, N.sum],
          ["greet", `${custom} - Greet (cus_greet)`, N.greet],
          ["builtin_log", /\(builtin_log\)$/, N.log],
        ] as const;
        for (const [i, [query, option, title]] of added.entries()) {
          if (i > 0) await openPicker();
          await search.fill(query);
          await expect(list.getByRole("option", { name: option })).toHaveAttribute("aria-selected", "true");
          await search.press("Enter");
          await expect(page.locator(".react-flow__node")).toHaveCount(3 + i);
          await expect(flowNode(page, title)).toBeVisible();
          if (!wide) await expect(picker).toBeHidden();
          await expect.poll(() => nodesOutsideView(page, lang.id)).toEqual([]);
        }
        await expect(page.locator(".react-flow__edge")).toHaveCount(5);
        expect(await page.evaluate(pageOverflow)).toBeLessThanOrEqual(0);
        await shot(page, `editor-four-nodes-${lang.id}-${width}`);

        // A draft: Test 1's required Message is empty; it saves, lists the problem, and Run and Test node are refused with the reason.
        await page.getByRole("button", { name: m("editor.save"), exact: true }).click();
        await expect(page.getByTestId("editor-notice")).toContainText(m("editor.savedDraft").split("{")[0].trim());
        await expect(page.getByRole("button", { name: m("editor.run"), exact: true })).toBeDisabled();
        await expect(page.getByTestId("run-blocked")).toContainText(m("editor.cannotRun").split("{")[0].trim());
        await expect(page.getByTestId("run-blocked")).toContainText(N.test1);
        // Recently used: the four, newest first, kept in this browser for this user across a reload (of the saved draft).
        await page.reload();
        await openPicker();
        const recent = list.getByRole("option", { name: new RegExp(`^${m("nodePicker.recent")} - `) });
        await expect(recent).toHaveCount(4);
        await expect(recent.first()).toHaveAccessibleName(/\(builtin_log\)$/);
        await expect(recent.last()).toHaveAccessibleName(/\(cus_test_1\)$/);
        if (!wide) await picker.getByRole("button", { name: m("editorLayout.closePicker") }).click();

        const refused = await page.request.post(`/api/processes/${id}/runs`, { data: {} });
        expect(refused.status()).toBe(422);
        await flowNode(page, N.test1).click();
        await openInspector(N.test1);
        await expect(inspector.getByRole("button", { name: m("editor.inspector.test") })).toBeDisabled();
        await expect(inspector.getByTestId("test-blocked")).toContainText(m("editor.cannotRun").split("{")[0].trim());
        await shot(page, `editor-draft-${lang.id}-${width}`);
        await closeInspector();

        // An upstream output by a click: Sum's A gets Test 1's length as a chip.
        await flowNode(page, N.sum).click();
        await openInspector(N.sum);
        const outputs = inspector.getByTestId("upstream-outputs");
        await expect(outputs).toContainText("length");
        await inspector.getByRole("textbox", { name: "A", exact: true }).focus();
        await outputs.getByRole("button", { name: m("upstreamOutputs.insert", { node: N.test1, output: "length", field: "A" }) }).click();
        await expect(inspector.getByRole("textbox", { name: "A", exact: true })).toHaveValue(/^\{\{nodes\.[a-z0-9]+\.outputs\.length\}\}$/);
        await expect(inspector.getByRole("list", { name: m("editor.inspector.referencesIn", { field: "A" }) })).toContainText(m("editor.inspector.referenceChip", { node: N.test1, output: "length" }));
        await shot(page, `editor-output-click-${lang.id}-${width}`);
        await closeInspector();

        // Delete Sum: it and its two connections go; Ctrl+Z restores all three.
        const edge = (from: string, to: string) => page.locator(`.react-flow__edge[aria-label="${m("editor.edgeLabel", { from, to })}"]`);
        await flowNode(page, N.sum).click();
        await page.keyboard.press("Delete");
        await expect(flowNode(page, N.sum)).toHaveCount(0);
        await expect(page.locator(".react-flow__edge")).toHaveCount(3);
        await page.keyboard.press("Control+z");
        await expect(flowNode(page, N.sum)).toHaveCount(1);
        await expect(edge(N.test1, N.sum)).toHaveCount(1);
        await expect(edge(N.sum, N.greet)).toHaveCount(1);
        await expect(page.locator(".react-flow__edge")).toHaveCount(5);
        await expect.poll(() => nodesOutsideView(page, lang.id)).toEqual([]);
        expect(await page.evaluate(pageOverflow)).toBeLessThanOrEqual(0);
      });
    }
  });
}
