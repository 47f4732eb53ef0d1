import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "./fixtures/test";
import { E2E_ADMIN, login, shot, waitForExamples } from "./fixtures/helpers";
import { contextAt, deleteViaApi, LOCALES, syncViaApi, WIDTHS } from "./fixtures/journey";

/**
 * The plugin catalogue with 8 sets of 15 plugins (one plugin in two versions) and a set that fails: search,
 * filters and pages in the URL (also without JavaScript), a page per plugin with the processes using it, the
 * sync run's sets folded with the failed one open, at every width and in both languages.
 */

test.use({ locale: "en-US" });

const SETS = 8;
const PER_SET = 15;
const SOURCE = "catalogue";
const GROUPS = ["Alpha", "Beta"];

/** Plugin packages under the e2e DATA_DIR (the server may read it; it is removed with the server). */
function writePackages(): string {
  const root = path.join(process.env.E2E_DATA_DIR!, "catalogue-plugins");
  fs.rmSync(root, { recursive: true, force: true });
  for (let s = 0; s < SETS; s++) {
    const plugins = Array.from({ length: PER_SET }, (_, p) => ({
      code: `cat_${s}_${p}`,
      name: { en: `Catalogue ${s}.${p}`, "zh-CN": `目录 ${s}.${p}` },
      version: "1.0.0",
      group: { code: GROUPS[s % 2].toUpperCase(), name: { en: GROUPS[s % 2], "zh-CN": s % 2 ? "乙组" : "甲组" } },
      description: { en: `Plugin ${p} of set ${s}`, "zh-CN": `第 ${s} 集的插件 ${p}` },
      inputs: [{ key: "message", label: { en: "Message", "zh-CN": "消息" }, type: "text", required: true }],
      outputs: [{ key: "echo", label: { en: "Echo", "zh-CN": "回显" }, type: "string" }],
    }));
    if (s === 0) plugins.push({ ...plugins[0], code: "cat_multi", name: { en: "Multi", "zh-CN": "多版本" }, version: "1.0.0" }, { ...plugins[0], code: "cat_multi", name: { en: "Multi", "zh-CN": "多版本" }, version: "1.1.0" });
    fs.mkdirSync(path.join(root, `set_${s}`), { recursive: true });
    fs.writeFileSync(path.join(root, `set_${s}`, "plugins.mjs"), `export const plugins = ${JSON.stringify(plugins)}.map((p) => ({ ...p, async execute(i) { return { echo: String(i.message) }; } }));\n`);
  }
  fs.mkdirSync(path.join(root, "broken"), { recursive: true });
  return root;
}

const pluginSets = [
  ...Array.from({ length: SETS }, (_, s) => ({ submodule: `set_${s}`, version: "1.0.0", importModules: `set_${s}/plugins.mjs` })),
  { submodule: "broken", version: "2.0.0", importModules: "broken/missing.mjs" },
];

/** Soft: in a `finally`, a failed clean-up is reported without hiding the error that got there. */
async function removeSource(page: Page) {
  const list = (await (await page.request.get("/api/sources")).json()) as { id: string; name: string }[];
  const mine = list.find((s) => s.name === SOURCE);
  if (mine) expect.soft(await deleteViaApi(page.request, `/api/sources/${mine.id}`)).toBeLessThan(300);
}

test("search, filters and pages in the URL; a page per plugin; the run's sets folded", async ({ page, browser }) => {
  test.setTimeout(240_000); // six widths × languages of three pages, on a loaded 2-core machine
  await login(page, E2E_ADMIN);
  await waitForExamples(page);
  await removeSource(page); // a retry finds the first attempt's source
  const made = await page.request.post("/api/sources", { data: { name: SOURCE, kind: "fs", path: writePackages(), pluginSets } });
  expect(made.status(), await made.text()).toBe(201);
  let processId: string | null = null;
  try {
    const run = await syncViaApi(page.request);
    expect(run.status).toBe("partial");
    await expect.poll(async () => ((await (await page.request.get("/api/plugins")).json()) as { generation: number }).generation, { timeout: 30_000 }).toBe(run.generation);

    const made2 = await page.request.post("/api/processes", { data: { name: "Uses multi" } });
    processId = ((await made2.json()) as { id: string }).id;
    const graph = { nodes: [{ id: "start", type: "start", position: { x: 0, y: 0 } }, { id: "m1", type: "plugin", position: { x: 200, y: 0 }, data: { code: "cat_multi", version: "1.0.0", inputs: { message: "hi" } } }, { id: "end", type: "end", position: { x: 400, y: 0 } }], edges: [] };
    expect((await page.request.put(`/api/processes/${processId}`, { data: { version: 1, graph } })).status()).toBe(200);

    // Page 1 of the whole catalogue: 50 rows, a pager; the HTML stays small.
    const res = await page.request.get("/plugins");
    expect((await res.body()).length).toBeLessThan(200 * 1024);
    await page.goto("/plugins");
    const count = page.getByTestId("catalogue-count");
    await expect(count).toContainText(/plugins match .* page 1 of 3/);
    await expect(page.getByTestId("catalogue").locator("tbody tr")).toHaveCount(50);
    await page.getByTestId("catalogue-pager").getByRole("link", { name: "Next →" }).click();
    await expect(page).toHaveURL(/\/plugins\?page=2$/);
    await expect(count).toContainText("page 2 of 3");

    // Search and filters: the form is a GET, the URL keeps them, a new search starts at page 1.
    await page.getByRole("searchbox", { name: "Search" }).fill("cat_3_");
    await page.getByRole("combobox", { name: "Group" }).selectOption("BETA");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/q=cat_3_&.*group=BETA/);
    await expect(count).toContainText(`${PER_SET} plugins match`);
    await page.goto("/plugins?set=catalogue%2Fset_0&status=current");
    await expect(count).toContainText(`${PER_SET + 1} plugins match`);
    await expect(page.getByRole("row", { name: /cat_multi/ })).toContainText("1.1.0 +1 older");
    // A bad parameter is named and ignored; the rest of the search stands.
    await page.goto("/plugins?q=multi&page=abc");
    await expect(page.getByTestId("catalogue-invalid")).toContainText("page");
    await expect(count).toContainText("1 plugin matches");

    // The failed set: its configured version, its reason once.
    const problems = page.getByTestId("problem-sets");
    await expect(problems.getByRole("row", { name: /catalogue\/broken/ })).toContainText("2.0.0 (configured; nothing synced)");

    // The plugin's own page: versions, inputs, outputs, source, set, revision, the process that uses it.
    await page.getByRole("link", { name: "Multi", exact: true }).click();
    await expect(page).toHaveURL(/\/plugins\/cat_multi$/);
    await expect(page.getByTestId("plugin-code")).toContainText("cat_multi · 2 versions");
    await expect(page.getByTestId("plugin-version-1.1.0")).toContainText("latest");
    await expect(page.getByTestId("plugin-version-1.0.0")).toContainText("message");
    await expect(page.getByTestId("plugin-version-1.0.0")).toContainText("catalogue");
    const users = page.getByTestId("plugin-users");
    await expect(users).toContainText("Used by 1 saved process");
    await expect(users.getByRole("link", { name: "Uses multi" })).toHaveAttribute("href", `/editor/${processId}`);

    // Without JavaScript: the form and the pager still work (server-side).
    const noJs = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState(), locale: "en-US" });
    const plain = await noJs.newPage();
    await plain.goto("/plugins");
    await plain.getByRole("searchbox", { name: "Search" }).fill("Catalogue 7.1");
    await plain.getByRole("button", { name: "Apply" }).click();
    await expect(plain).toHaveURL(/q=Catalogue\+7\.1/);
    await expect(plain.getByTestId("catalogue-count")).toContainText(/plugins? match/);
    await expect(plain.getByRole("row", { name: /cat_7_1\b/ })).toBeVisible();
    await noJs.close();

    // The sync run: 9 sets, the 8 good ones folded, the failed one open.
    await page.goto(`/sync/${run.id}`);
    const row = page.getByRole("row", { name: new RegExp(`^${SOURCE}`) });
    await expect(row.getByTestId("failed-sets")).toContainText("broken");
    const folded = row.getByTestId("run-sets");
    await expect(folded).not.toHaveAttribute("open");
    await expect(folded.locator("summary")).toHaveText(`${SETS} sets, ${SETS * PER_SET + 2} plugins`);

    for (const locale of LOCALES) {
      for (const width of WIDTHS) {
        const context = await contextAt(browser, page.context(), width, locale);
        const p = await context.newPage();
        const zh = locale === "zh-CN";
        await p.goto("/plugins?group=ALPHA");
        await expect(p.getByTestId("catalogue-count")).toContainText(zh ? "匹配" : "plugins match");
        await shot(p, `catalogue-${locale}-${width}`);
        await p.goto("/plugins/cat_multi");
        await expect(p.getByTestId("plugin-users")).toContainText(zh ? "被 1 个已保存的流程使用" : "Used by 1 saved process");
        await shot(p, `plugin-page-${locale}-${width}`);
        await p.goto(`/sync/${run.id}`);
        await expect(p.getByRole("row", { name: new RegExp(`^${SOURCE}`) }).getByTestId("run-sets").locator("summary")).toHaveText(zh ? `${SETS} 个插件集，${SETS * PER_SET + 2} 个插件` : `${SETS} sets, ${SETS * PER_SET + 2} plugins`);
        await shot(p, `sync-run-sets-${locale}-${width}`);
        await context.close();
      }
    }
  } finally {
    if (processId) expect.soft(await deleteViaApi(page.request, `/api/processes/${processId}`)).toBeLessThan(300);
    await removeSource(page);
    await syncViaApi(page.request);
  }
});
