import { expect, test } from "./fixtures/test";
import { E2E_ADMIN, login, shot } from "./fixtures/helpers";

// The browser asks for Chinese: the whole interface follows Accept-Language until a preference is saved.
test.use({ locale: "zh-CN", extraHTTPHeaders: { "Accept-Language": "zh-CN,zh;q=0.9" } });

test("the source form and the editor in Simplified Chinese, field errors included; the switcher saves English", async ({ page }) => {
  await page.goto("/login");
  await expect(page.getByRole("heading", { name: "登录 Opsflow" })).toBeVisible();
  await login(page, E2E_ADMIN);

  // Source form: the same two mistakes as the English e2e, with the Chinese messages from the same schema.
  await page.goto("/sources/new");
  await expect(page.getByRole("heading", { name: "新建插件源" })).toBeVisible();
  await page.locator("#name").fill("zh-source");
  await page.locator("#url").fill("http://git.example.com/team/plugins.git");
  await page.getByRole("button", { name: "添加插件集" }).click();
  await page.locator("[id='pluginSets.0.submodule']").fill("../escape");
  await page.locator("[id='pluginSets.0.importModules']").fill("escape.mod");
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.locator("#url-error")).toHaveText(/仅允许 https:\/\//);
  await expect(page.locator("[id='pluginSets.0.submodule-error']")).toHaveText(/必须是相对目录/);
  await shot(page, "zh-source-form-errors");

  // Editor: create a process, add Test 1 from the picker, and see the required-field error in Chinese.
  await page.goto("/editor");
  await page.getByLabel("名称", { exact: true }).fill("中文流程");
  await page.getByRole("button", { name: "创建并打开" }).click();
  await expect(page).toHaveURL(/\/editor\/[a-z0-9]+$/);
  const search = page.getByRole("combobox", { name: "添加节点" });
  await search.fill("test 1");
  await search.press("Enter");
  const form = page.getByRole("complementary", { name: "选中的节点" });
  await expect(form.getByLabel("消息")).toBeVisible();
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await expect(form.getByText("必填。")).toBeVisible();
  await shot(page, "zh-editor-inspector");

  // The header switcher saves the preference on the user: English from now on, whatever the browser says.
  await page.getByRole("combobox", { name: "语言" }).selectOption("en");
  await expect(page.getByRole("link", { name: "Plugin sources" })).toBeVisible();
  await page.goto("/sources");
  await expect(page.getByRole("heading", { name: "Plugin sources" })).toBeVisible();
});
