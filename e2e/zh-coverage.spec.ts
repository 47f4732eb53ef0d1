import fs from "node:fs";
import { IntlMessageFormat } from "intl-messageformat";
import { expect, test, type Page } from "./fixtures/test";
import { E2E_ADMIN, login, saveLanguage, shot, waitForExamples } from "./fixtures/helpers";
import { createSleepProcess, ensureMember } from "./fixtures/runs";

/**
 * Every screen in Simplified Chinese shows no English word of the app's own catalog: each visible text (and each
 * segment of it between separators such as "·" or "：") is compared, case-insensitively, with every en.json message
 * (and every literal branch of a select/plural) whose zh-CN counterpart differs. Text that is not the app's own is
 * left out: <code>/<pre> (technical tokens: codes, paths, revisions) and the few strings in ALLOWED below.
 */

test.use({ locale: "zh-CN", extraHTTPHeaders: { "Accept-Language": "zh-CN,zh;q=0.9" } });
test.describe.configure({ mode: "serial" });

type Json = string | { [k: string]: Json };
const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, Json>;

interface Node { type: number; value?: string; options?: Record<string, { value: Node[] }> }
const LITERAL = 0;
const SELECT_OR_PLURAL = new Set([5, 6]);

/** The literal-only texts of a message: the whole message, or each branch of its selects/plurals. */
function literals(ast: Node[], path = ""): Map<string, string> {
  const out = new Map<string, string>();
  if (ast.every((n) => n.type === LITERAL)) out.set(path, ast.map((n) => n.value).join(""));
  ast.forEach((n, i) => {
    if (!SELECT_OR_PLURAL.has(n.type)) return;
    for (const [branch, opt] of Object.entries(n.options ?? {})) {
      for (const [p, text] of literals(opt.value, `${path}/${i}:${branch}`)) out.set(p, text);
    }
  });
  return out;
}

function flatten(obj: Record<string, Json>, prefix = "", out = new Map<string, string>()) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else flatten(v, key, out);
  }
  return out;
}

/** Segments of the Chinese catalog's own texts: "Ref" in "引用（Ref）" is how the catalog says it, not a gap. */
const zhSegments = new Set<string>();

/** English text of the catalog (lower case) → the key it comes from, for texts whose Chinese differs. */
function englishOnly(): Map<string, string> {
  const en = flatten(read("messages/en.json"));
  const zh = flatten(read("messages/zh-CN.json"));
  for (const value of zh.values()) for (const part of value.split(SEPARATORS)) zhSegments.add(part.trim().toLowerCase());
  const out = new Map<string, string>();
  for (const [key, enValue] of en) {
    const zhValue = zh.get(key) ?? "";
    const enTexts = literals(new IntlMessageFormat(enValue, "en").getAst() as unknown as Node[]);
    const zhTexts = literals(new IntlMessageFormat(zhValue, "zh-CN").getAst() as unknown as Node[]);
    for (const [p, text] of enTexts) {
      const t = text.trim();
      // One letter or glyph ("—", "#") says nothing about the language.
      if (t.length < 2 || !/[a-z]/i.test(t) || zhTexts.get(p)?.trim() === t) continue;
      out.set(t.toLowerCase(), p ? `${key}${p}` : key);
    }
  }
  return out;
}

/**
 * Strings that are not the app's text though they equal an English message. Keep this short, each with its reason.
 */
const ALLOWED = new Set<string>([
  // The header's language switcher names each language in that language ("English" is not in the catalog today,
  // listed so that adding it there does not flag the switcher).
  "english",
  // The e2e admin's username (user data, shown as owner and actor). Role values are still caught: "member" is
  // not allowed, and a role shown raw would show it.
  "admin",
]);

/** What a person can read on the page: visible text nodes, option labels of visible selects, placeholders, titles. */
async function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out = new Set<string>();
    const shown = (el: Element) => {
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      return style.visibility !== "hidden" && style.display !== "none" && box.width > 0 && box.height > 0;
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const parent = n.parentElement;
      const text = n.textContent?.trim();
      if (!parent || !text || parent.closest("code, pre, script, style, noscript, option, [hidden]") || !shown(parent)) continue;
      out.add(text);
    }
    for (const select of document.querySelectorAll("select")) {
      if (shown(select)) for (const o of select.options) out.add(o.text.trim());
    }
    for (const el of document.querySelectorAll("[placeholder], [title], [aria-label]")) {
      if (!shown(el)) continue;
      for (const attr of ["placeholder", "title", "aria-label"]) {
        const v = el.getAttribute(attr)?.trim();
        if (v) out.add(v);
      }
    }
    return [...out];
  });
}

// Not "/" or ".": paths and dotted codes are technical tokens, their parts are not words of the interface.
const SEPARATORS = /\s*(?:[·•|→←∅›]|[：，、；（）()【】「」“”]|: |, |; )\s*/;

/** Each English catalog text found on the page, as `"text" (catalog key)`. */
async function englishOnScreen(page: Page, catalog: Map<string, string>): Promise<string[]> {
  const found = new Set<string>();
  for (const text of await visibleTexts(page)) {
    for (const [i, part] of [text, ...text.split(SEPARATORS)].entries()) {
      const t = part.trim().replace(/[.。…:：]+$/, "").toLowerCase();
      if (i > 0 && zhSegments.has(t)) continue;
      const key = catalog.get(t) ?? catalog.get(`${t}.`) ?? catalog.get(`${t}…`);
      if (key && !ALLOWED.has(t)) found.add(`"${part.trim()}" (${key})`);
    }
  }
  return [...found].sort();
}

const MEMBER = { username: "zh-cover-member", password: "covers-every-screen-pw-7" };
const SOURCE = "zh-coverage-git";

test("no screen in Simplified Chinese shows an English word of the app's catalog, as an admin and as a member", async ({ page }) => {
  test.setTimeout(240_000);
  const catalog = englishOnly();
  const problems: string[] = [];
  const visit = async (url: string, name: string, prepare?: () => Promise<void>) => {
    await page.goto(url);
    await page.waitForLoadState("networkidle");
    await prepare?.();
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await shot(page, `zh-cover-${name}-${width}`);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    for (const hit of await englishOnScreen(page, catalog)) problems.push(`${name} (${url}): ${hit}`);
  };

  await login(page, E2E_ADMIN);
  await waitForExamples(page);
  // The admin's saved language may be English (another spec saves it); this spec's reader is Chinese.
  await page.getByRole("combobox", { name: /Language|语言/ }).selectOption("zh-CN");
  await expect(page.getByRole("combobox", { name: "语言" })).toBeVisible();

  // Events of several kinds for the audit log: a user made and its role changed back and forth, a source made
  // and edited, a credential, a process with a run, a sync through the API.
  await ensureMember(page, MEMBER);
  const users = (await (await page.request.get("/api/users")).json()) as { id: string; username: string }[];
  const member = users.find((u) => u.username === MEMBER.username)!;
  for (const role of ["admin", "member"]) expect((await page.request.patch(`/api/users/${member.id}`, { data: { role } })).ok()).toBe(true);
  const source = { name: SOURCE, kind: "git", url: "https://git.example.com/team/zh.git", ref: "main", enabled: false, pluginSets: [{ submodule: "custom_plugins", version: "2.1.0", importModules: "custom_plugins.collections.test1" }] };
  const created = await page.request.post("/api/sources", { data: source });
  expect(created.status(), await created.text()).toBe(201);
  const sourceId = ((await created.json()) as { id: string }).id;
  expect((await page.request.put(`/api/sources/${sourceId}`, { data: { ...source, ref: "release" } })).ok()).toBe(true);
  expect((await page.request.post("/api/credentials", { data: { name: `zh-cover-token-${test.info().retry}`, value: "zh-cover-value-1" } })).status()).toBe(201);
  const processId = await createSleepProcess(page, `zh-cover-process-${test.info().retry}`, 0);
  const run = await page.request.post(`/api/processes/${processId}/runs`, { data: {} });
  expect(run.status()).toBe(202);
  const { runId } = (await run.json()) as { runId: string };
  const sync = await page.request.post("/api/sync", { data: { sources: ["examples"] } });
  expect(sync.status()).toBe(202);
  const syncRunId = ((await sync.json()) as { runId: string }).runId;
  await expect.poll(async () => ((await (await page.request.get(`/api/sync/runs/${syncRunId}`)).json()) as { status: string }).status, { timeout: 60_000 }).not.toBe("running");
  const examples = ((await (await page.request.get("/api/sources")).json()) as { id: string; name: string }[]).find((s) => s.name === "examples")!;

  try {
    await visit("/sources", "sources");
    await visit("/sources/new", "source-new");
    await visit(`/sources/${examples.id}`, "source-page", async () => {
      await page.getByRole("button", { name: "预览插件" }).click();
      await expect(page.getByText("正在拉取并解析…")).toHaveCount(0, { timeout: 60_000 });
    });
    await visit(`/sources/${sourceId}`, "source-git");
    await visit("/sync", "sync");
    await visit(`/sync/${syncRunId}`, "sync-run");
    // Started with POST /api/sync and a session cookie: labelled by how it came (the API), its log in Chinese.
    await expect(page.getByText("API · admin", { exact: true })).toBeVisible();
    await expect(page.getByTestId("sync-log")).toContainText("同步结束：无变化");
    await visit("/plugins", "plugins");
    await visit("/cache", "cache");
    await visit("/users", "users");
    await visit("/audit", "audit");
    await visit("/account", "account-admin");
    await visit("/credentials", "credentials-admin");
    await visit("/editor", "editor-list-admin");
    await visit(`/editor/${processId}`, "editor-node", async () => {
      await page.locator(".react-flow__node").filter({ hasText: "Test 1" }).click();
      await expect(page.getByRole("complementary", { name: "选中的节点" })).toBeVisible();
    });
    await visit(`/editor/${processId}/runs`, "runs");
    await visit(`/editor/${processId}/runs/${runId}`, "run");

    await page.context().clearCookies();
    await login(page, MEMBER);
    const own = await createSleepProcess(page, "zh-cover-member-process", 0);
    await visit("/account", "account-member");
    await visit("/credentials", "credentials-member");
    await visit("/editor", "editor-list-member");
    await visit(`/editor/${own}`, "editor-member", async () => {
      await page.locator(".react-flow__node").filter({ hasText: "Test 1" }).click();
    });
    await visit("/sources", "member-refused");
  } finally {
    await page.context().clearCookies();
    await login(page, E2E_ADMIN);
    const removed = await page.request.delete(`/api/sources/${sourceId}`, { headers: { "content-type": "application/json" } });
    expect(removed.status(), await removed.text()).toBe(200);
    await saveLanguage(page, "en");
  }
  expect(problems, `English catalog text on zh-CN screens:\n  ${problems.join("\n  ")}`).toEqual([]);
});
