import { expect, test } from "./fixtures/test";
import { E2E_ADMIN, login, shot, waitForExamples } from "./fixtures/helpers";
import { createSleepProcess, ensureMember, pageText } from "./fixtures/runs";

// The browser asks for Chinese; these users have saved no preference, so the interface follows it.
test.use({ locale: "zh-CN", extraHTTPHeaders: { "Accept-Language": "zh-CN,zh;q=0.9" } });

const OWNER = { username: "zh-owner", password: "owns-it-in-zh-pw-1" };
const EDITOR = { username: "zh-editor", password: "edits-it-in-zh-pw-1" };
const CANARY = "zh-canary-52be07aa19";

test("凭据、运行记录、取消与共享（简体中文）", async ({ page }) => {
  await login(page, E2E_ADMIN);
  await waitForExamples(page);
  for (const u of [OWNER, EDITOR]) await ensureMember(page, u);
  // All cookies, the admin's saved language too (another spec saved English on the admin).
  await page.context().clearCookies();
  await login(page, OWNER);

  // Credentials page: the field error and the notice in Chinese, from the same schema as the server.
  await page.getByRole("link", { name: "凭据" }).click();
  await expect(page.getByRole("heading", { name: "凭据", exact: true })).toBeVisible();
  await page.getByLabel("名称", { exact: true }).fill("发布令牌");
  await page.getByRole("button", { name: "创建凭据" }).click();
  await expect(page.locator("#cred-value-error")).toHaveText("必填。");
  await page.getByLabel("值", { exact: true }).fill(CANARY);
  await page.getByRole("button", { name: "创建凭据" }).click();
  await expect(page.getByTestId("credential-notice")).toContainText("凭据“发布令牌”已创建。");
  await expect(page.getByTestId("credential-list")).toContainText("发布令牌");
  await shot(page, "zh-credentials");

  // The credential used by a node; the run cancelled from the editor.
  const id = await createSleepProcess(page, "中文发布", 30_000);
  await page.goto(`/editor/${id}`);
  await page.locator(".react-flow__node").filter({ hasText: "Test 1" }).click();
  const form = page.getByRole("complementary", { name: "选中的节点" });
  await form.getByRole("combobox", { name: "API 密钥" }).selectOption({ label: "发布令牌（所有者：zh-owner）" });
  await page.getByRole("button", { name: "保存", exact: true }).click();
  await expect(page.getByTestId("save-state")).toContainText("已保存");
  await page.getByRole("button", { name: "运行", exact: true }).click();
  const run = page.getByTestId("run-panel");
  await expect(run.getByTestId("run-node-t1")).toContainText(`API key received (${CANARY.length} characters)`, { timeout: 20_000 });
  await expect(run.getByTestId("run-node-nap")).toContainText("运行中", { timeout: 20_000 });
  await run.getByRole("button", { name: "取消运行" }).click();
  await expect(run.getByTestId("run-status")).toHaveText("已取消");
  await expect(run.getByTestId("run-cancelled-by")).toHaveText("已由 zh-owner 取消。");
  for (const text of [await pageText(page), await page.content()]) expect(text).not.toContain(CANARY);
  await shot(page, "zh-editor-run-cancelled");

  // Sharing as editor, in Chinese.
  const share = page.getByTestId("share-card");
  await share.getByLabel("用户名").fill(EDITOR.username);
  await share.getByLabel("角色").selectOption("editor");
  await share.getByRole("button", { name: "共享" }).click();
  await expect(share.getByTestId(`share-${EDITOR.username}`)).toContainText("编辑者");
  await shot(page, "zh-editor-sharing");

  // The editor sees the history, filters it and re-runs the cancelled run.
  await page.context().clearCookies();
  await login(page, EDITOR);
  await page.goto(`/editor/${id}/runs`);
  await expect(page.getByRole("heading", { name: "中文发布 的运行记录" })).toBeVisible();
  await page.getByRole("link", { name: "已取消", exact: true }).click();
  const history = page.getByTestId("run-history");
  await expect(history.locator("tbody tr")).toHaveCount(1);
  await expect(history).toContainText("zh-owner（由 zh-owner 取消）");
  await shot(page, "zh-run-history");
  await page.getByRole("link", { name: "失败", exact: true }).click();
  await expect(page.getByText("没有状态为“失败”的运行。")).toBeVisible();
  await page.getByRole("link", { name: "已取消", exact: true }).click();
  await history.locator("tbody tr a").first().click();
  await page.getByRole("button", { name: "重新运行" }).click();
  await expect(page.getByText("这是先前一次运行的重新运行，使用相同的输入。")).toBeVisible();
  await expect(page.getByTestId("run-panel").getByTestId("run-node-nap")).toContainText("运行中", { timeout: 20_000 });
  await page.getByTestId("run-panel").getByRole("button", { name: "取消运行" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "取消运行" }).click();
  await expect(page.getByTestId("run-panel").getByTestId("run-status")).toHaveText("已取消");
  await expect(page.getByTestId("run-panel").getByTestId("run-node-nap")).toContainText("已取消", { timeout: 20_000 });
  await shot(page, "zh-run-page");
});
