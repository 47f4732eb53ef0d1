import { expect, test } from "./fixtures/test";
import { E2E_ADMIN, login, logout, shot, waitForExamples } from "./fixtures/helpers";
import { createSleepProcess, ensureMember, pageText } from "./fixtures/runs";

test.use({ locale: "en-US" });
test.describe.configure({ mode: "serial" });

const OWNER = { username: "runs-owner", password: "owns-the-runs-pw-1" };
const VIEWER = { username: "runs-viewer", password: "reads-the-runs-pw-1" };
const OUTSIDER = { username: "runs-outsider", password: "stays-outside-pw-1" };
const CANARY = "e2e-canary-7f3a91c2d4";
const PROCESS = "Nightly deploy";

const flowNode = (page: import("@playwright/test").Page, text: string) => page.locator(".react-flow__node").filter({ hasText: text });

test("a credential is created, chosen for a node's secret input and used by the plugin; its value is never shown", async ({ page }) => {
  await login(page, E2E_ADMIN);
  await waitForExamples(page);
  for (const u of [OWNER, VIEWER, OUTSIDER]) await ensureMember(page, u);
  await logout(page);
  await login(page, OWNER);

  await page.getByRole("link", { name: "Credentials" }).click();
  await expect(page.getByRole("heading", { name: "Credentials", exact: true })).toBeVisible();
  // The same schema as the server: a value is required.
  await page.getByLabel("Name", { exact: true }).fill("Deploy token");
  await page.getByRole("button", { name: "Create credential" }).click();
  await expect(page.locator("#cred-value-error")).toHaveText("Required.");
  await page.getByLabel("Value", { exact: true }).fill(CANARY);
  await page.getByRole("button", { name: "Create credential" }).click();
  await expect(page.getByTestId("credential-notice")).toContainText("Credential “Deploy token” created.");
  await expect(page.getByTestId("credential-list")).toContainText("Deploy token");
  await shot(page, "credentials-list");

  const id = await createSleepProcess(page, PROCESS, 30_000);
  await page.goto(`/editor/${id}`);
  await flowNode(page, "Test 1").click();
  const form = page.getByRole("complementary", { name: "Selected node" });
  await form.getByRole("combobox", { name: "API key" }).selectOption({ label: "Deploy token (owner: runs-owner)" });
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("save-state")).toContainText("Saved");
  await shot(page, "editor-credential-input");

  // The run: Test 1 gets the value (it says how long it is), then Sleep runs until it is cancelled.
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const run = page.getByTestId("run-panel");
  await expect(run.getByTestId("run-node-t1")).toContainText(`API key received (${CANARY.length} characters)`, { timeout: 20_000 });
  await expect(run.getByTestId("run-node-nap")).toContainText("Running", { timeout: 20_000 });
  await run.getByRole("button", { name: "Cancel run" }).click();
  await expect(run.getByTestId("run-status")).toHaveText("Cancelled");
  await expect(run.getByTestId("run-node-nap")).toContainText("Cancelled");
  await expect(run.getByTestId("run-cancelled-by")).toHaveText("Cancelled by runs-owner.");
  await shot(page, "editor-run-cancelled");
  for (const text of [await pageText(page), await page.content()]) expect(text).not.toContain(CANARY);

  await page.goto("/credentials");
  await page.getByRole("link", { name: "Deploy token" }).click();
  await expect(page.getByLabel("New value")).toHaveValue("");
  await expect(page.getByText("Set — leave blank to keep the stored value.")).toBeVisible();
  for (const text of [await pageText(page), await page.content()]) expect(text).not.toContain(CANARY);
  await shot(page, "credential-detail");
});

test("run history: newest first, filtered by status; a run's page re-runs it with the same inputs and cancels it", async ({ page }) => {
  await login(page, OWNER);
  await page.goto("/editor");
  await page.getByRole("link", { name: PROCESS }).click();
  await page.getByRole("link", { name: "Run history" }).click();
  await expect(page.getByRole("heading", { name: `Runs of ${PROCESS}` })).toBeVisible();
  const history = page.getByTestId("run-history");
  await expect(history.locator("tbody tr")).toHaveCount(1);
  await expect(history).toContainText("Cancelled");
  await expect(history).toContainText("runs-owner (cancelled by runs-owner)");

  await history.locator("tbody tr a").first().click();
  await expect(page.getByRole("heading", { name: `Run of ${PROCESS}` })).toBeVisible();
  await page.getByRole("button", { name: "Re-run" }).click();
  await expect(page.getByText("A re-run of an earlier run, with its inputs.")).toBeVisible();
  const run = page.getByTestId("run-panel");
  await expect(run.getByTestId("run-node-t1")).toContainText("API key received", { timeout: 20_000 });
  await expect(run.getByTestId("run-node-nap")).toContainText("Running", { timeout: 20_000 });
  await shot(page, "run-page-running");
  await run.getByRole("button", { name: "Cancel run" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel run" }).click();
  await expect(run.getByTestId("run-status")).toHaveText("Cancelled");
  await expect(run.getByTestId("run-node-nap")).toContainText("Cancelled", { timeout: 20_000 });

  await page.getByRole("link", { name: "All runs" }).click();
  await expect(history.locator("tbody tr")).toHaveCount(2);
  await expect(history.locator("tbody tr").first()).toContainText("Re-run");
  await page.getByRole("link", { name: "Succeeded", exact: true }).click();
  await expect(page).toHaveURL(/status=succeeded/);
  await expect(page.getByText("No run is Succeeded.")).toBeVisible();
  await page.getByRole("link", { name: "Cancelled", exact: true }).click();
  await expect(history.locator("tbody tr")).toHaveCount(2);
  await shot(page, "run-history-filtered");
});

test("sharing: an outsider gets 404; a viewer reads the process and its runs but cannot save or run", async ({ page }) => {
  await login(page, OWNER);
  await page.goto("/editor");
  await page.getByRole("link", { name: PROCESS }).click();
  await expect(page).toHaveURL(/\/editor\/[a-z0-9]+$/);
  const id = page.url().split("/").pop()!;
  expect((await page.request.get(`/api/processes/${id}`)).status()).toBe(200);
  const share = page.getByTestId("share-card");
  await share.getByLabel("Username").fill("nobody-at-all");
  await share.getByRole("button", { name: "Share" }).click();
  await expect(share.locator("#share-username-error")).toHaveText("There is no user named “nobody-at-all”.");
  await share.getByLabel("Username").fill(VIEWER.username);
  await share.getByRole("button", { name: "Share" }).click();
  await expect(share.getByTestId(`share-${VIEWER.username}`)).toContainText("Viewer");
  await shot(page, "editor-sharing");

  await logout(page);
  await login(page, OUTSIDER);
  expect((await page.request.get(`/api/processes/${id}`)).status()).toBe(404);
  expect((await page.request.get(`/api/processes/${id}/runs`)).status()).toBe(404);
  const missing = await page.goto(`/editor/${id}/runs`);
  expect(missing?.status()).toBe(404);

  await logout(page);
  await login(page, VIEWER);
  await page.goto("/editor");
  await expect(page.getByRole("row", { name: new RegExp(PROCESS) })).toContainText("shared with you · viewer");
  await page.getByRole("link", { name: PROCESS }).click();
  await expect(page.getByTestId("save-state")).toHaveText("Read only: shared with you as viewer by runs-owner");
  await expect(page.getByTestId("read-only")).toContainText("runs-owner shared this process with you as viewer");
  await expect(page.getByRole("button", { name: "Save", exact: true })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Run", exact: true })).toBeDisabled();
  await expect(page.getByTestId("share-card")).toHaveCount(0);
  // The server refuses what the disabled buttons would do.
  expect((await page.request.post(`/api/processes/${id}/runs`, { data: {} })).status()).toBe(403);
  await shot(page, "editor-viewer");
  await page.getByRole("link", { name: "Run history" }).click();
  await expect(page.getByTestId("run-history").locator("tbody tr")).toHaveCount(2);
});
