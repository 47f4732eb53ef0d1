import { createHmac, randomUUID } from "node:crypto";
import { expect, test, type Page } from "./fixtures/test";
import { E2E_ADMIN, login, restoreAdminEnglish, saveLanguage, shot } from "./fixtures/helpers";

/** Sync on push: the source form sets the write-only webhook secret and shows the payload URL to copy. */

const SECRET = "e2e-webhook-secret-0123456789abcdef";
const NAME = "hooked";

async function screenshots(page: Page, name: string) {
  await page.setViewportSize({ width: 1440, height: 900 });
  await shot(page, `${name}-1440`);
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, `${name}-390`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

test.describe("en", () => {
  test.use({ locale: "en-US" });

  test("admin sets a webhook secret, copies the hook URL; the host's delivery is checked by signature, not by origin", async ({ page, context, baseURL, request }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await login(page, E2E_ADMIN);
    await page.goto("/sources/new");
    await page.locator("#name").fill(NAME);
    await page.locator("#url").fill("https://git.example.com/team/plugins.git");
    await expect(page.getByText("The URL appears here once the source is saved.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Copy" })).toBeDisabled();
    await page.locator("#webhookSecret").fill("too-short");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.locator("#webhookSecret-error")).toHaveText("At least 16 characters (a random string: see the hint).");
    await page.locator("#webhookSecret").fill(SECRET);
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page).toHaveURL(/\/sources\?saved=hooked/);
    expect(await page.content()).not.toContain(SECRET);

    await page.getByRole("row", { name: /hooked/ }).getByRole("link", { name: NAME }).click();
    await expect(page.getByText("On: a webhook secret is set.")).toBeVisible();
    await expect(page.locator("#webhookSecret")).toHaveValue("");
    await expect(page.locator("#webhookSecret")).toHaveAttribute("placeholder", "set — leave blank to keep");
    const url = await page.locator("#webhookUrl").inputValue();
    expect(url).toMatch(new RegExp(`^${baseURL}/api/hooks/[\\w-]+$`));
    await page.getByRole("button", { name: "Copy" }).click();
    await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
    expect(await page.content()).not.toContain(SECRET);
    await screenshots(page, "source-webhook");

    // A delivery as GitHub sends it, through the real server: no cookie; a browser-like cross-site origin does not
    // matter (the signature is the authentication). A push of another branch is accepted and starts nothing.
    const body = JSON.stringify({ ref: "refs/heads/feature", after: "a".repeat(40) });
    const headers = (signature: string) => ({
      "content-type": "application/json",
      "x-github-event": "push",
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": signature,
      origin: "https://evil.example",
      "sec-fetch-site": "cross-site",
    });
    const api = request; // its own context: none of the admin's cookies
    const good = await api.fetch(url, { method: "POST", data: body, headers: headers(`sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`) });
    expect(good.status()).toBe(202);
    expect(await good.json()).toEqual({ status: "ignored", reason: "ref", source: NAME });
    const bad = await api.fetch(url, { method: "POST", data: body, headers: headers(`sha256=${"0".repeat(64)}`) });
    expect(bad.status()).toBe(401);
    const unknown = await api.fetch(`${baseURL}/api/hooks/nosuchsource`, { method: "POST", data: body, headers: headers(`sha256=${"0".repeat(64)}`) });
    expect([unknown.status(), await unknown.json()]).toEqual([401, await bad.json()]);
  });
});

test.describe("zh-CN", () => {
  test.use({ locale: "zh-CN", extraHTTPHeaders: { "Accept-Language": "zh-CN,zh;q=0.9" } });

  test.afterAll(async ({ browser }) => restoreAdminEnglish(browser));

  test("the same card in Chinese; the source is cleared and deleted again", async ({ page }) => {
    await login(page, E2E_ADMIN);
    await saveLanguage(page, "zh-CN");
    await page.goto("/sources");
    await page.getByRole("row", { name: /hooked/ }).getByRole("link", { name: NAME }).click();
    await expect(page.getByText("推送时同步")).toBeVisible();
    await expect(page.getByText("开启：已设置 Webhook 密钥。")).toBeVisible();
    await screenshots(page, "source-webhook-zh");
    await page.locator("#clearWebhookSecret").check();
    await page.getByRole("button", { name: "保存" }).click();
    await expect(page).toHaveURL(/\/sources\?saved=hooked/);
    await page.getByRole("row", { name: /hooked/ }).getByRole("link", { name: NAME }).click();
    await expect(page.getByText("关闭：未设置 Webhook 密钥。")).toBeVisible();
    await page.getByRole("button", { name: "删除" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "删除" }).click();
    await expect(page).toHaveURL(/\/sources\?deleted=hooked/);
  });
});
