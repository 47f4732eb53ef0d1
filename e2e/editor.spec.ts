import { expect, test, type Locator, type Page } from "./fixtures/test";
import { E2E_ADMIN, login, logout, shot, waitForExamples } from "./fixtures/helpers";

test.use({ locale: "en-US" });
test.describe.configure({ mode: "serial" });

/** A member of its own, so this spec does not depend on the others (the admin creates it). */
const MEMBER = { username: "editor-member", password: "picker-and-canvas-pw-1" };
const PROCESS = "Deploy demo";

const flowNode = (page: Page, text: string) => page.locator(".react-flow__node").filter({ hasText: text });
const inspector = (page: Page) => page.getByRole("complementary", { name: "Selected node" });
const edge = (page: Page, from: string, to: string) => page.locator(`.react-flow__edge[aria-label="Connection from ${from} to ${to}"]`);
const nodeIdOf = async (page: Page, text: string) => (await flowNode(page, text).getAttribute("data-id"))!;

/** The canvas nodes not wholly inside the canvas's visible area (their names). */
async function nodesOutsideView(page: Page): Promise<string[]> {
  const view = (await page.getByRole("region", { name: "Process canvas" }).boundingBox())!;
  const outside: string[] = [];
  for (const n of await page.locator(".react-flow__node").all()) {
    const b = (await n.boundingBox())!;
    if (b.x < view.x || b.y < view.y || b.x + b.width > view.x + view.width || b.y + b.height > view.y + view.height) outside.push((await n.innerText()).split("\n")[0]);
  }
  return outside;
}

/**
 * Drags a connection from one handle to another with the mouse, in steps, and only moves onto the target once the
 * canvas shows the connection line. Playwright's dragTo moves in one jump right after the button goes down: when
 * React Flow had not yet taken the pointer (a busy CI machine), the drop connected nothing.
 */
async function connect(page: Page, source: Locator, target: Locator) {
  const centre = async (l: Locator) => {
    const box = (await l.boundingBox())!;
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  };
  // Mouse coordinates are the viewport's: the canvas must be on screen (the inspector may have scrolled it away).
  await page.getByRole("region", { name: "Process canvas" }).scrollIntoViewIfNeeded();
  const from = await centre(source);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 30, from.y + 10, { steps: 5 });
  await expect(page.locator(".react-flow__connection-path")).toBeVisible();
  const to = await centre(target);
  await page.mouse.move(to.x, to.y, { steps: 10 });
  await page.mouse.up();
}

async function addFromPicker(page: Page, query: string, option: string | RegExp) {
  const search = page.getByRole("combobox", { name: "Add a node" });
  await search.fill(query);
  await expect(page.getByRole("option", { name: option })).toHaveAttribute("aria-selected", "true");
  await search.press("Enter");
}

test("admin builds a process: picker, generated form with a field error first, connections, save, run", async ({ page }) => {
  await login(page, E2E_ADMIN);
  await waitForExamples(page);
  const created = await page.request.post("/api/users", { data: { username: MEMBER.username, password: MEMBER.password, role: "member" } });
  // A retry runs against the same server, where the first attempt may already have created the member (422).
  expect(test.info().retry > 0 ? [201, 422] : [201]).toContain(created.status());

  await page.getByRole("link", { name: "Process editor" }).click();
  await expect(page).toHaveURL(/\/editor$/);
  await expect(page.getByText("No processes yet")).toBeVisible();
  await page.getByLabel("Name", { exact: true }).fill(PROCESS);
  await page.getByRole("button", { name: "Create and open" }).click();
  await expect(page).toHaveURL(/\/editor\/[a-z0-9]+$/);
  await expect(page.getByLabel("Process name")).toHaveValue(PROCESS);

  // "/" focuses the picker; the search narrows 1 of the groups; Enter adds the highlighted plugin.
  await page.locator("body").press("/");
  const search = page.getByRole("combobox", { name: "Add a node" });
  await expect(search).toBeFocused();
  await search.pressSequentially("test 1");
  await expect(page.getByRole("listbox", { name: "Plugins" }).getByRole("option")).toHaveCount(1);
  await expect(page.getByRole("option", { name: "Custom (CUS) - Test 1 (cus_test_1)" })).toBeVisible();
  await shot(page, "editor-picker");
  await search.press("Enter");
  await expect(flowNode(page, "Test 1")).toBeVisible();
  // The first node goes between Start and End, connected to both.
  await expect(edge(page, "Start", "Test 1")).toHaveCount(1);
  await expect(edge(page, "Test 1", "End")).toHaveCount(1);

  // The generated form: every field type. A draft with the required message empty saves, shows its problems,
  // and cannot run (nor its node be tested), with the reason beside the buttons; the server refuses too.
  const form = inspector(page);
  await expect(form.getByRole("heading", { name: "Test 1" })).toBeVisible();
  await expect(form.getByLabel("Repeat")).toHaveValue("1");
  await expect(form.getByLabel("Log level")).toHaveValue("info");
  // A secret input takes a credential, never a typed value.
  await expect(form.getByRole("combobox", { name: "API key" })).toHaveValue("");
  await expect(form.getByRole("link", { name: "Manage credentials ↗" })).toBeVisible();
  await expect(form.getByTestId("node-outputs")).toContainText("Echo");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("editor-notice")).toContainText("Saved as a draft (version 2): 1 problem to fix before it can run.");
  await expect(page.getByTestId("save-state")).toHaveText("Saved as a draft: 1 problem");
  await expect(form.getByText("Required.")).toBeVisible();
  await expect(page.getByTestId("problems")).toContainText("Test 1: required inputs are empty (Message).");
  await expect(page.getByRole("button", { name: "Run", exact: true })).toBeDisabled();
  await expect(page.getByTestId("run-blocked")).toHaveText("Cannot run yet: Test 1: required inputs are empty (Message).");
  await expect(form.getByRole("button", { name: "Test node" })).toBeDisabled();
  await expect(form.getByTestId("test-blocked")).toHaveText("Cannot run yet: Test 1: required inputs are empty (Message).");
  const draftId = page.url().split("/").pop();
  const refused = await page.request.post(`/api/processes/${draftId}/runs`, { data: {} });
  expect(refused.status()).toBe(422);
  expect(((await refused.json()) as { fieldErrors: Record<string, string> }).fieldErrors).toEqual({ [`nodes.${await nodeIdOf(page, "Test 1")}.message`]: "Required." });
  await shot(page, "editor-draft");
  await form.getByLabel("Extra data (JSON)").fill("{ not json");
  await form.getByLabel("Extra data (JSON)").blur();
  await expect(form.getByText("Not valid JSON.")).toBeVisible();
  await shot(page, "editor-inspector");
  await form.getByLabel("Message").fill("hello e2e");
  await form.getByLabel("Repeat").fill("2");
  await form.getByLabel("Upper case").check();
  await form.getByLabel("Extra data (JSON)").fill('{ "ticket": 42 }');
  await expect(form.getByText("Required.")).toHaveCount(0);
  await expect(page.getByTestId("run-blocked")).toHaveCount(0);

  // A second node, added while Test 1 is selected, goes after it: Start → Test 1 → Sum → End.
  await addFromPicker(page, "sum", "Custom (CUS) - Sum (cus_sum)");
  await expect(flowNode(page, "Sum")).toBeVisible();
  await expect(edge(page, "Test 1", "Sum")).toHaveCount(1);
  await expect(edge(page, "Sum", "End")).toHaveCount(1);
  await expect(edge(page, "Test 1", "End")).toHaveCount(0);

  // A connection removed in the inspector is made again by dragging on the canvas, Start → Test 1.
  await flowNode(page, "Test 1").click();
  await form.getByRole("button", { name: "Remove the connection from Start" }).click();
  await expect(edge(page, "Start", "Test 1")).toHaveCount(0);
  await connect(page, page.locator('.react-flow__node[data-id="start"] .react-flow__handle.source'), flowNode(page, "Test 1").locator(".react-flow__handle.target"));
  await expect(edge(page, "Start", "Test 1")).toHaveCount(1);
  await flowNode(page, "Sum").click();
  await expect(form.getByRole("heading", { name: "Sum" })).toBeVisible();
  await form.getByRole("combobox", { name: "Insert an earlier node's output into A" }).selectOption({ label: "Test 1 › Length" });
  await expect(form.getByRole("textbox", { name: "A", exact: true })).toHaveValue(/^\{\{nodes\.[a-z0-9]+\.outputs\.length\}\}$/);
  // The reference reads as a chip: the earlier node's name and the output's key.
  await expect(form.getByRole("list", { name: "References in A" }).getByRole("listitem")).toHaveText("Test 1 › length×");
  await shot(page, "editor-reference-chip");
  await form.getByRole("textbox", { name: "B", exact: true }).fill("10");
  await expect(page.locator(".react-flow__edge")).toHaveCount(3);

  await page.keyboard.press("Control+s");
  await expect(page.getByTestId("editor-notice")).toContainText("Saved as version");
  await expect(page.getByTestId("save-state")).toContainText("Saved");

  await page.getByRole("button", { name: "Run", exact: true }).click();
  const run = page.getByTestId("run-panel");
  await expect(run.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 20_000 });
  const rows = run.locator("li[data-testid^='run-node-']");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("Test 1");
  await expect(rows.nth(0)).toContainText('"echo": "HELLO E2E HELLO E2E"');
  await expect(rows.nth(0)).toContainText("echoing 19 characters at level info");
  await expect(rows.nth(1)).toContainText('"sum": 29');
  await expect(flowNode(page, "Sum")).toContainText("Succeeded");
  await shot(page, "editor-run");

  // The member may edit it once the owner shares it as editor.
  const id = page.url().split("/").pop();
  const share = page.getByTestId("share-card");
  await share.getByLabel("Username").fill(MEMBER.username);
  await share.getByLabel("Role").selectOption("editor");
  await share.getByRole("button", { name: "Share" }).click();
  await expect(share.getByTestId(`share-${MEMBER.username}`)).toContainText("Editor");
  await logout(page);
  await login(page, MEMBER);
  expect((await page.request.get(`/api/processes/${id}`)).status()).toBe(200);
});

test("a member opens the existing process, edits it, saves, runs and tests one node", async ({ page }) => {
  await logout(page);
  await login(page, MEMBER);
  await page.goto("/editor");
  await page.getByRole("link", { name: PROCESS }).click();
  await expect(flowNode(page, "Test 1")).toBeVisible();
  await expect(page.getByTestId("run-panel")).toContainText('"sum": 29');

  await flowNode(page, "Test 1").click();
  const form = inspector(page);
  await expect(form.getByLabel("Message")).toHaveValue("hello e2e");
  await form.getByLabel("Message").fill("from member");
  await expect(page.getByTestId("save-state")).toHaveText("Unsaved changes");
  // Run saves first.
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const run = page.getByTestId("run-panel");
  await expect(run.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 20_000 });
  await expect(run).toContainText('"echo": "FROM MEMBER FROM MEMBER"');
  await expect(run).toContainText('"sum": 33');
  await expect(page.getByTestId("save-state")).toContainText("Saved");

  // Test node: only Sum, with Test 1's output from the run above.
  await flowNode(page, "Sum").click();
  // The reference chip shows what Test 1 returned in that run.
  await expect(form.getByRole("list", { name: "References in A" })).toContainText("Test 1 › length= 23");
  await form.getByRole("textbox", { name: "B", exact: true }).fill("100");
  await form.getByRole("button", { name: "Test node" }).click();
  await expect(run).toContainText("Test of Sum");
  await expect(run.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 20_000 });
  await expect(run).toContainText('"sum": 123');
  await expect(form).toContainText('"sum": 123');
  await shot(page, "editor-member-test-node");

  // Delete removes the selected node (and its connections).
  await flowNode(page, "Sum").click();
  await page.keyboard.press("Delete");
  await expect(flowNode(page, "Sum")).toHaveCount(0);
  await expect(page.getByTestId("problems")).toContainText("Test 1 is not on a path from Start to End.");
  // What is left is checked on the saved graph (the canvas may still be re-measuring its edges): Start → Test 1 only.
  await page.keyboard.press("Control+s");
  await expect(page.getByTestId("save-state")).toContainText("Saved");
  const id = page.url().split("/").pop();
  const saved = (await (await page.request.get(`/api/processes/${id}`)).json()) as { graph: { nodes: { id: string; type: string }[]; edges: { source: string; target: string }[] } };
  const testNode = saved.graph.nodes.find((n) => n.type === "plugin")!;
  expect(saved.graph.nodes).toHaveLength(3);
  expect(saved.graph.edges.map((e) => [e.source, e.target])).toEqual([["start", testNode.id]]);
});

test("a node whose plugin is missing shows why; the process saves but does not run", async ({ page }) => {
  await logout(page);
  await login(page, MEMBER);
  const created = await page.request.post("/api/processes", { data: { name: "Uses a removed plugin" } });
  const p = (await created.json()) as { id: string; version: number };
  const graph = {
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 100 } },
      { id: "end", type: "end", position: { x: 600, y: 100 } },
      { id: "gone1", type: "plugin", position: { x: 250, y: 100 }, data: { code: "cus_retired", version: "2.0.0", inputs: { target: "prod" } } },
    ],
    edges: [
      { id: "a", source: "start", target: "gone1" },
      { id: "b", source: "gone1", target: "end" },
    ],
  };
  expect((await page.request.put(`/api/processes/${p.id}`, { data: { version: p.version, graph } })).status()).toBe(200);
  await page.goto(`/editor/${p.id}`);
  await expect(page.getByTestId("missing-plugins")).toContainText("cus_retired@2.0.0");
  await expect(flowNode(page, "cus_retired")).toContainText("Missing");
  await flowNode(page, "cus_retired").click();
  await expect(inspector(page)).toContainText("No plugin with the code cus_retired is loaded");
  await expect(inspector(page)).toContainText('"target": "prod"');
  await page.getByLabel("Process name").fill("Uses a removed plugin (kept)");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("editor-notice")).toContainText("Saved as a draft");
  await expect(page.getByRole("button", { name: "Run", exact: true })).toBeDisabled();
  await expect(page.getByTestId("run-blocked")).toHaveText("Cannot run yet: cus_retired: the plugin cus_retired@2.0.0 is not in the active generation.");
  const refused = await page.request.post(`/api/processes/${p.id}/runs`, { data: {} });
  expect(refused.status()).toBe(422);
  expect(await refused.json()).toMatchObject({ error: "This process cannot run: this plugin is not in the active generation: cus_retired@2.0.0." });
  await shot(page, "editor-missing-plugin");
});

test("the canvas: new nodes in view and in order, undo and redo of a delete, copy and paste, Tidy up", async ({ page }) => {
  await logout(page);
  await login(page, MEMBER);
  const created = await page.request.post("/api/processes", { data: { name: `Canvas ${test.info().retry}` } });
  const { id } = (await created.json()) as { id: string };
  for (const width of [1440, 1024]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`/editor/${id}`);
    await expect(page.locator(".react-flow__node")).toHaveCount(width === 1440 ? 2 : 7);
    if (width === 1440) {
      const added = [
        ["test 1", "Custom (CUS) - Test 1 (cus_test_1)", "Test 1"],
        ["sum", "Custom (CUS) - Sum (cus_sum)", "Sum"],
        ["greet", "Custom (CUS) - Greet (cus_greet)", "Greet"],
        ["builtin_log", /\(builtin_log\)$/, "Log"],
      ] as const;
      for (const [i, [query, option, title]] of added.entries()) {
        await addFromPicker(page, query, option);
        await expect(page.locator(".react-flow__node")).toHaveCount(3 + i);
        await expect(flowNode(page, title)).toBeVisible();
        await expect.poll(() => nodesOutsideView(page)).toEqual([]);
      }
      // Each added after the one before (the new node is selected): one chain, Start → … → End.
      for (const [from, to] of [["Start", "Test 1"], ["Test 1", "Sum"], ["Sum", "Greet"], ["Greet", "Log"], ["Log", "End"]]) await expect(edge(page, from, to)).toHaveCount(1);
      await expect(page.locator(".react-flow__edge")).toHaveCount(5);

      // Delete Sum: it and its two connections go; Ctrl+Z brings all three back; Ctrl+Shift+Z / Ctrl+Y redo.
      await flowNode(page, "Sum").click();
      await page.keyboard.press("Delete");
      await expect(flowNode(page, "Sum")).toHaveCount(0);
      await expect(page.locator(".react-flow__edge")).toHaveCount(3);
      await page.keyboard.press("Control+z");
      await expect(flowNode(page, "Sum")).toHaveCount(1);
      await expect(edge(page, "Test 1", "Sum")).toHaveCount(1);
      await expect(edge(page, "Sum", "Greet")).toHaveCount(1);
      await page.keyboard.press("Control+Shift+z");
      await expect(flowNode(page, "Sum")).toHaveCount(0);
      await page.getByRole("button", { name: "Undo" }).click();
      await expect(flowNode(page, "Sum")).toHaveCount(1);
      await expect(page.locator(".react-flow__edge")).toHaveCount(5);
      await page.keyboard.press("Control+y");
      await expect(flowNode(page, "Sum")).toHaveCount(0);
      await page.keyboard.press("Control+z");
      await expect(page.locator(".react-flow__edge")).toHaveCount(5);

      // An input edit is one undo step.
      await flowNode(page, "Greet").click();
      const form = inspector(page);
      await form.getByRole("textbox", { name: "Name", exact: true }).fill("Ada");
      await flowNode(page, "Greet").click();
      await page.keyboard.press("Control+z");
      await expect(form.getByRole("textbox", { name: "Name", exact: true })).toHaveValue("");
      await page.keyboard.press("Control+Shift+z");
      await expect(form.getByRole("textbox", { name: "Name", exact: true })).toHaveValue("Ada");

      // Copy and paste Greet: a new node (a new id), its input kept, selected; not connected.
      await flowNode(page, "Greet").click();
      await page.keyboard.press("Control+c");
      await page.keyboard.press("Control+v");
      await expect(flowNode(page, "Greet")).toHaveCount(2);
      await expect(form.getByRole("textbox", { name: "Name", exact: true })).toHaveValue("Ada");
      const ids = await flowNode(page, "Greet").evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));
      expect(new Set(ids).size).toBe(2);
      await expect(page.locator(".react-flow__edge")).toHaveCount(5);
      await expect.poll(() => nodesOutsideView(page)).toEqual([]);

      await page.getByRole("button", { name: "Tidy up" }).click();
      await expect.poll(() => nodesOutsideView(page)).toEqual([]);
      await page.keyboard.press("Control+s");
      await expect(page.getByTestId("save-state")).toContainText("Saved as a draft");
      // Saved left to right: every connection runs forwards.
      const saved = (await (await page.request.get(`/api/processes/${id}`)).json()) as { graph: { nodes: { id: string; position: { x: number } }[]; edges: { source: string; target: string }[] } };
      const x = new Map(saved.graph.nodes.map((n) => [n.id, n.position.x]));
      expect(saved.graph.nodes).toHaveLength(7);
      for (const e of saved.graph.edges) expect(x.get(e.target)!).toBeGreaterThan(x.get(e.source)!);
    }
    // Titles are whole, not cut.
    const title = flowNode(page, "Test 1").locator("span").first();
    expect(await title.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await expect.poll(() => nodesOutsideView(page)).toEqual([]);
    await shot(page, `editor-canvas-${width}`);
  }
});
