import type { Browser, Page } from "@playwright/test";
import { E2E_ADMIN, login, shot } from "./fixtures/helpers";
import { expect, test } from "./fixtures/test";

/**
 * Accounts in the browser: signing out ends the session for good (the old cookie answers 401); a password change
 * signs the user's other browsers out; an admin resets a password, changes a role, signs a user out everywhere;
 * a reset password must be changed at the next sign-in. Screenshots of each page in English and Chinese, wide
 * and narrow. Users of their own: the admin's password stays as the other specs expect it.
 */
test.describe.configure({ mode: "serial" });

const ALICE = { username: "alice", password: "first-of-hers-pw-1" };
const LEAVER = { username: "leaver", password: "walks-away-pw-01" };

/** Full page at 1280 px, then at 390 px (a phone), back to 1280. */
async function shots(page: Page, name: string) {
  await shot(page, `${name}-1280`);
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, `${name}-390`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function createUser(page: Page, user: { username: string; password: string }, role = "member") {
  const res = await page.request.post("/api/users", { data: { ...user, role } });
  // A retry runs against the same server, where the first attempt may already have created it.
  if (res.status() !== 201) expect(await res.json()).toMatchObject({ fieldErrors: { username: expect.stringMatching(/already exists/) } });
}

async function signedIn(browser: Browser, user: { username: string; password: string }, locale = "en-US") {
  const context = await browser.newContext({ locale, extraHTTPHeaders: { "Accept-Language": locale } });
  const page = await context.newPage();
  await login(page, user);
  return page;
}

test.describe("in English", () => {
  test.use({ locale: "en-US" });

  test("signing out ends the session: the old cookie answers 401 afterwards", async ({ page, browser }) => {
    await login(page, E2E_ADMIN);
    await createUser(page, LEAVER);
    const leaver = await signedIn(browser, LEAVER);
    const cookies = await leaver.context().cookies();
    expect((await leaver.request.get("/api/processes")).status()).toBe(200);
    await leaver.getByRole("button", { name: "Log out" }).click();
    await expect(leaver).toHaveURL(/\/login$/);

    // Someone who kept a copy of the cookie: refused.
    const copy = await browser.newContext();
    await copy.addCookies(cookies);
    expect((await copy.request.get("/api/processes")).status()).toBe(401);
    const stale = await copy.newPage();
    await stale.goto("/editor");
    await expect(stale).toHaveURL(/\/login$/);
    await copy.close();
    await leaver.context().close();
  });

  test("the account page: a wrong current password is a field error; a change signs the other browsers out", async ({ page, browser }) => {
    await login(page, E2E_ADMIN);
    await createUser(page, ALICE);
    const laptop = await signedIn(browser, ALICE);
    const phone = await signedIn(browser, ALICE);

    await laptop.getByRole("link", { name: "Account" }).click();
    await expect(laptop.getByRole("heading", { name: "Your account" })).toBeVisible();
    await laptop.locator("#currentPassword").fill("not-my-password");
    await laptop.locator("#newPassword").fill("aaaaaaaaaaaaaa");
    await laptop.locator("#confirmPassword").fill("something else");
    await laptop.getByRole("button", { name: "Change password" }).click();
    await expect(laptop.locator("#newPassword-error")).toHaveText(/Too easy to guess/);
    await expect(laptop.locator("#confirmPassword-error")).toHaveText("The two passwords differ.");
    await shots(laptop, "account-errors");

    await laptop.locator("#newPassword").fill("better-one-pw-22");
    await laptop.locator("#confirmPassword").fill("better-one-pw-22");
    await laptop.getByRole("button", { name: "Change password" }).click();
    await expect(laptop.locator("#currentPassword-error")).toHaveText("This is not your current password.");
    await laptop.locator("#currentPassword").fill(ALICE.password);
    await laptop.getByRole("button", { name: "Change password" }).click();
    await expect(laptop.getByRole("status").filter({ hasText: "Password changed." })).toBeVisible();
    await shots(laptop, "account-changed");

    await phone.goto("/editor");
    await expect(phone).toHaveURL(/\/login$/);
    await laptop.goto("/editor");
    await expect(laptop).toHaveURL(/\/editor$/); // this browser stays signed in
    ALICE.password = "better-one-pw-22";
    await laptop.context().close();
    await phone.context().close();
  });

  test("users page: reset a password, change a role, sign out everywhere; the reset password must be changed", async ({ page, browser }) => {
    await login(page, E2E_ADMIN);
    const alice = await signedIn(browser, ALICE);
    await page.goto("/users");
    const row = page.getByRole("row", { name: /alice/ });
    await shots(page, "users");

    await row.getByRole("button", { name: "Reset password" }).click();
    const dialog = page.getByRole("dialog", { name: "Reset the password of alice" });
    await dialog.getByLabel("New password").fill("has-alice-in-it");
    await dialog.getByRole("button", { name: "Reset password" }).click();
    await expect(dialog.getByText("Must not contain the username.")).toBeVisible();
    await shot(page, "users-reset-dialog");
    await dialog.getByLabel("New password").fill("temporary-pw-7788");
    await dialog.getByRole("button", { name: "Reset password" }).click();
    await expect(row.getByRole("status")).toHaveText("Password of alice reset; their sessions have ended.");
    await expect(row).toContainText("must be changed at next sign-in");
    await alice.goto("/editor");
    await expect(alice).toHaveURL(/\/login$/);

    await row.getByRole("button", { name: "Make admin" }).click();
    await page.getByRole("dialog", { name: "Change the role of alice?" }).getByRole("button", { name: "Change role" }).click();
    await expect(row.getByRole("cell", { name: "admin", exact: true })).toBeVisible();
    await row.getByRole("button", { name: "Make member" }).click();
    await page.getByRole("dialog", { name: "Change the role of alice?" }).getByRole("button", { name: "Change role" }).click();
    await expect(row.getByRole("cell", { name: "member", exact: true })).toBeVisible();
    await row.getByRole("button", { name: "Sign out everywhere" }).click();
    await page.getByRole("dialog", { name: "Sign alice out everywhere?" }).getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(row.getByRole("status")).toHaveText("alice was signed out everywhere.");
    await shots(page, "users-after");

    // Alice signs in with the reset password: she has to choose her own before anything else.
    await alice.locator("#username").fill(ALICE.username);
    await alice.locator("#password").fill("temporary-pw-7788");
    await alice.locator("form button[type=submit]").click();
    await expect(alice).toHaveURL(/\/account\/password$/);
    await alice.goto("/editor");
    await expect(alice).toHaveURL(/\/account\/password$/);
    expect((await alice.request.get("/api/processes")).status()).toBe(403);
    await shots(alice, "password-required");
    await alice.locator("#currentPassword").fill("temporary-pw-7788");
    await alice.locator("#newPassword").fill("own-again-pw-333");
    await alice.locator("#confirmPassword").fill("own-again-pw-333");
    await alice.getByRole("button", { name: "Save and continue" }).click();
    await expect(alice).toHaveURL(/\/editor$/);
    ALICE.password = "own-again-pw-333";
    await alice.context().close();
  });
});

test.describe("in Chinese", () => {
  test.use({ locale: "zh-CN", extraHTTPHeaders: { "Accept-Language": "zh-CN,zh;q=0.9" } });

  test("the account, users and required-change pages", async ({ page, browser }) => {
    const admin = await signedIn(browser, E2E_ADMIN, "zh-CN");
    await admin.goto("/users");
    await expect(admin.getByRole("heading", { name: "用户", exact: true })).toBeVisible();
    await shots(admin, "zh-users");
    const res = await admin.request.get("/api/users");
    const alice = ((await res.json()) as { id: string; username: string }[]).find((u) => u.username === ALICE.username)!;
    expect((await admin.request.patch(`/api/users/${alice.id}`, { data: { password: "zh-temporary-pw-1" } })).status()).toBe(200);

    await login(page, { username: ALICE.username, password: "zh-temporary-pw-1" });
    await expect(page).toHaveURL(/\/account\/password$/);
    await expect(page.getByRole("heading", { name: "设置您自己的密码" })).toBeVisible();
    await page.locator("#currentPassword").fill("zh-temporary-pw-1");
    await page.locator("#newPassword").fill("short");
    await page.getByRole("button", { name: "保存并继续" }).click();
    await expect(page.locator("#newPassword-error")).toBeVisible();
    await shots(page, "zh-password-required");
    await page.locator("#newPassword").fill("chinese-one-pw-44");
    await page.locator("#confirmPassword").fill("chinese-one-pw-44");
    await page.getByRole("button", { name: "保存并继续" }).click();
    await expect(page).toHaveURL(/\/editor$/);
    ALICE.password = "chinese-one-pw-44";

    await page.getByRole("link", { name: "我的账号" }).click();
    await expect(page.getByRole("heading", { name: "我的账号", exact: true })).toBeVisible();
    await shots(page, "zh-account");
    await admin.context().close();
  });
});
