import { expect, test } from "./fixtures/test";
import { E2E_ADMIN, login, waitForExamples } from "./fixtures/helpers";
import { contextAt, deleteViaApi, LOCALES, setImportModules, syncViaApi, WIDTHS, windowShot } from "./fixtures/journey";

/**
 * Activation with impact: a generation that drops a plugin version a member's saved process pins is activated
 * only through a dialog that names the process (and links to it), at every width and in both languages; Escape
 * and Cancel change nothing, and the API's dry run gives the same answer.
 */

test.use({ locale: "en-US" });

const MEMBER = { username: "impact_member", password: "impact-member-pass-1" };
const PROCESS = "Greeting pipeline";

test("the activation dialog lists the member's process that the generation would break; nothing changes until confirmed", async ({ page, browser }) => {
  test.setTimeout(240_000); // the dialog at three widths in two languages, on a loaded 2-core machine
  await login(page, E2E_ADMIN);
  await waitForExamples(page);
  const created = await page.request.post("/api/users", { data: { ...MEMBER, role: "member" } });
  expect(test.info().retry > 0 ? [201, 422] : [201]).toContain(created.status());

  // The member saves a process that pins cus_greet@1.0.0.
  const member = await browser.newContext({ locale: "en-US" });
  const memberPage = await member.newPage();
  await login(memberPage, MEMBER);
  const made = await memberPage.request.post("/api/processes", { data: { name: PROCESS } });
  expect(made.status()).toBe(201);
  const { id: processId } = (await made.json()) as { id: string };
  const graph = {
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 } },
      { id: "greet1", type: "plugin", position: { x: 200, y: 0 }, data: { code: "cus_greet", version: "1.0.0", inputs: { name: "Ada" } } },
      { id: "end", type: "end", position: { x: 400, y: 0 } },
    ],
    edges: [{ id: "e1", source: "start", target: "greet1" }, { id: "e2", source: "greet1", target: "end" }],
  };
  expect((await memberPage.request.put(`/api/processes/${processId}`, { data: { version: 1, graph } })).status()).toBe(200);

  // A generation without greet.mjs, built but not activated.
  await setImportModules(page, "custom_plugins.collections.test1");
  const sync = await syncViaApi(page.request, { activate: false });
  expect(sync.status).toBe("succeeded");
  const target = sync.generation!;
  const active = () => page.request.get("/api/plugins").then(async (r) => ((await r.json()) as { generation: number | null }).generation);
  const before = await active();
  expect(before).not.toBe(target);

  try {
    // The API's dry run: what the dialog shows, and nothing activated.
    const dry = await page.request.post(`/api/generations/${target}/activate?dryRun=1`, { data: {} });
    expect(dry.status()).toBe(200);
    const impact = await dry.json();
    expect(impact).toMatchObject({ from: before, to: target, removed: [{ code: "cus_greet", before: ["1.0.0"], after: [] }], processes: [{ id: processId, name: PROCESS, owner: MEMBER.username, plugins: ["cus_greet@1.0.0"] }] });
    expect(await active()).toBe(before);

    for (const locale of LOCALES) {
      for (const width of WIDTHS) {
        const context = await contextAt(browser, page.context(), width, locale);
        const p = await context.newPage();
        await p.goto("/plugins");
        const zh = locale === "zh-CN";
        const open = p.getByTestId(`generation-${target}`).getByRole("button", { name: zh ? "激活…" : "Activate…" });
        await open.click();
        const dialog = p.getByRole("dialog", { name: zh ? `激活第 ${target} 代？` : `Activate generation ${target}?` });
        await expect(dialog).toBeVisible();
        const processes = dialog.getByTestId("impact-processes");
        await expect(processes).toContainText(zh ? "1 个已保存的流程" : "1 saved process uses a plugin version this removes");
        await expect(processes.getByRole("link", { name: PROCESS })).toHaveAttribute("href", `/editor/${processId}`);
        await expect(dialog.getByTestId("impact-removed")).toContainText("cus_greet");
        const confirm = dialog.getByRole("button", { name: zh ? `激活第 ${target} 代` : `Activate generation ${target}`, exact: true });
        await expect(confirm).toBeEnabled();
        // Inside the window at every width.
        const box = (await dialog.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(width);
        // Focus starts on Cancel (the safe choice) and stays in the dialog.
        await expect(dialog.getByRole("button", { name: zh ? "取消" : "Cancel" })).toBeFocused();
        for (let i = 0; i < 12; i++) await p.keyboard.press("Tab");
        expect(await p.evaluate(() => Boolean(document.activeElement?.closest("dialog")) || document.activeElement === document.body)).toBe(true);
        await windowShot(p, `activation-impact-${locale}-${width}`);
        await p.keyboard.press("Escape");
        await expect(dialog).toBeHidden();
        await context.close();
      }
    }
    expect(await active()).toBe(before);

    // The link opens the member's process in the editor; the rollback button names its target.
    await page.goto("/plugins");
    await page.getByTestId(`generation-${target}`).getByRole("button", { name: "Activate…" }).click();
    await page.getByTestId("impact-processes").getByRole("link", { name: PROCESS }).click();
    await expect(page).toHaveURL(new RegExp(`/editor/${processId}$`));
    await page.goto("/plugins");
    const rollback = page.getByRole("button", { name: /^Roll back to generation \d+…$/ });
    if (await rollback.count()) {
      await rollback.click();
      await expect(page.getByRole("dialog", { name: /^Roll back to generation \d+\?$/ })).toBeVisible();
      await page.getByRole("button", { name: "Cancel" }).click();
    }
    expect(await active()).toBe(before);
  } finally {
    // Leave the example source and the processes as the other specs expect them.
    await setImportModules(page, "custom_plugins.collections.test1, custom_plugins/collections/greet.mjs");
    expect.soft(await deleteViaApi(memberPage.request, `/api/processes/${processId}`)).toBeLessThan(300);
    await member.close();
  }
});
