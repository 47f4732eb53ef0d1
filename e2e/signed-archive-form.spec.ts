import { expect, test } from "./fixtures/test";
import { E2E_ADMIN, login, shot } from "./fixtures/helpers";

test.use({ locale: "en-US" });

/** The signature-policy fields of the http and s3 kinds come from their specs, with the shared schema's field errors. Nothing is saved. */
test("http and s3 sources show the signature policy (and s3 the SHA256SUMS pin), with field errors from the shared schema", async ({ page }) => {
  await login(page, E2E_ADMIN);
  await page.goto("/sources/new");
  await page.locator("#name").fill("signed-archive");
  await page.locator("#kind").selectOption("http");
  await expect(page.locator("#signature")).toHaveValue("off");
  await expect(page.locator("#signingKeys")).toHaveCount(0);
  await page.locator("#signature").selectOption("keys");
  await expect(page.locator("#signingKeys")).toBeVisible();
  await expect(page.getByText("the archive URL with .sig appended")).toBeVisible();
  await page.locator("#url").fill("https://artifacts.example.com/plugins-1.4.0.tar.gz");
  await page.getByRole("button", { name: "Add plugin set" }).click();
  await page.locator("[id='pluginSets.0.submodule']").fill("custom_plugins");
  await page.locator("[id='pluginSets.0.version']").fill("1.4.0");
  await page.locator("[id='pluginSets.0.importModules']").fill("custom_plugins.collections.test1");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("#signingKeys-error")).toHaveText("Required.");
  await shot(page, "source-http-signature");

  await page.locator("#kind").selectOption("s3");
  await expect(page.locator("#sha256")).toBeVisible();
  await page.locator("#endpoint").fill("https://s3.example.com");
  await page.locator("#bucket").fill("plugins");
  await page.locator("#sha256").fill("not-a-digest");
  await page.locator("#signature").selectOption("any");
  await expect(page.locator("#signingKeys")).toHaveCount(0);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("#sha256-error")).toHaveText("Must be 64 hexadecimal characters (a sha256).");
  await expect(page.getByText("Require the prefix's SHA256SUMS to carry a detached signature")).toBeVisible();
  await shot(page, "source-s3-signature");
});
