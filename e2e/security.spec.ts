import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { E2E_ADMIN } from "./fixtures/helpers";
import { dbTool, startApp, type AppServer } from "./fixtures/app-server";
import { expect, test } from "./fixtures/test";

test.use({ locale: "en-US" });
test.describe.configure({ mode: "serial" });

/**
 * Cross-site request forgery, from the browser: the admin is signed in, then visits a page on another port of
 * the same host (the same "site", so SameSite=Lax sends the cookie). That page posts forms (text/plain shaped as
 * JSON, urlencoded, multipart — to the REST API, to a page, as a no-JavaScript server action) and fetches. The
 * database is then read directly (the server stopped): nothing of it arrived. The app's own forms still work.
 * Also here: the security headers, on a server that trusts its proxy (TRUST_PROXY=1).
 */

let app: AppServer;
let evil: http.Server;
let evilUrl: string;

/** The id Next gave createUserAction in this build (a no-JavaScript form posts it as $ACTION_ID_<id>). */
function actionId(name: string): string {
  const manifest = JSON.parse(fs.readFileSync(".next/server/server-reference-manifest.json", "utf8")) as { node: Record<string, { exportedName?: string }> };
  return Object.entries(manifest.node).find(([, v]) => v.exportedName === name)![0];
}

function attackPage(target: string): string {
  // text/plain sends "name=value": a JSON document cut inside its last string, whose value ends it. The body is
  // then exactly a valid request (that string merely gains "=x"): the review's 201.
  const json = (o: Record<string, string>) => JSON.stringify(o).slice(0, -2);
  const forms = [
    `<form enctype="text/plain" method="post" action="${target}/api/users" target="f0"><input name='${json({ username: "csrf-text", role: "admin", password: "csrf-pass-word-1" })}' value='x"}'></form>`,
    `<form method="post" action="${target}/api/users" target="f1"><input name="username" value="csrf-urlencoded"><input name="password" value="csrf-pass-word-1"><input name="role" value="admin"></form>`,
    `<form enctype="multipart/form-data" method="post" action="${target}/api/sources" target="f2"><input name="name" value="csrf-multipart"><input name="kind" value="fs"><input name="path" value="/tmp"></form>`,
    `<form enctype="text/plain" method="post" action="${target}/api/processes" target="f3"><input name='${json({ name: "csrf-process" })}' value='x"}'></form>`,
    `<form method="post" action="${target}/users" target="f4"><input name="username" value="csrf-page-post"></form>`,
    `<form enctype="multipart/form-data" method="post" action="${target}/users" target="f5"><input type="hidden" name="$ACTION_ID_${actionId("createUserAction")}" value=""><input name="username" value="csrf-action"><input name="password" value="csrf-pass-word-1"><input name="role" value="admin"></form>`,
  ];
  const script = `
    const target = ${JSON.stringify(target)};
    const frames = [...document.querySelectorAll("iframe")];
    const loaded = frames.map((f) => new Promise((resolve) => f.addEventListener("load", resolve, { once: true })));
    document.querySelectorAll("form").forEach((f) => f.submit());
    const body = JSON.stringify({ username: "csrf-fetch", password: "csrf-pass-word-1", role: "admin" });
    const attempts = [
      fetch(target + "/api/users", { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body }),
      fetch(target + "/api/sync", { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body: "{}" }),
      fetch(target + "/api/users", { method: "POST", credentials: "include", headers: { "content-type": "application/json" }, body }),
      fetch(target + "/users", { method: "POST", credentials: "include", headers: { "next-action": ${JSON.stringify(actionId("createUserAction"))}, "content-type": "text/plain;charset=UTF-8" }, body: "[" + body + "]" }),
    ].map((p) => p.then(() => "sent", () => "blocked"));
    Promise.all([...loaded, ...attempts]).then(() => { document.title = "done"; });`;
  return `<!doctype html><html><head><title>prize</title></head><body>${forms.join("")}${forms.map((_, i) => `<iframe name="f${i}"></iframe>`).join("")}<script>${script}</script></body></html>`;
}

test.beforeAll(async () => {
  app = await startApp({ TRUST_PROXY: "1" });
  evil = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(attackPage(app.url));
  });
  await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
  evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
});
test.afterAll(async () => {
  evil?.close();
  await app?.stop();
});

test("forms and fetches from another origin change nothing (checked in the database); the app's own forms work", async ({ page }) => {
  await page.goto(`${app.url}/login`);
  await page.locator("#username").fill(E2E_ADMIN.username);
  await page.locator("#password").fill(E2E_ADMIN.password);
  await page.locator("form button[type=submit]").click();
  await expect(page).toHaveURL(/\/sources$/);

  // The attack: a page of another origin, same site. It reports when every form and fetch has settled.
  await page.goto(evilUrl);
  await expect(page).toHaveTitle("done", { timeout: 30_000 });

  // The app is unharmed and works: the admin adds a user through its own form (a same-origin server action).
  await page.goto(`${app.url}/users`);
  await page.locator("#username").fill("legit-user");
  await page.locator("#password").fill("own-form-works-0123");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("row", { name: /legit-user/ })).toBeVisible();

  await app.stop();
  const rows = async (sql: string) => dbTool(["query", app.dataDir, sql]);
  expect(await rows(`SELECT username FROM "User" ORDER BY username`)).toEqual([{ username: "admin" }, { username: "legit-user" }]);
  expect(await rows(`SELECT count(*)::int AS n FROM "PluginSource"`)).toEqual([{ n: 0 }]);
  expect(await rows(`SELECT count(*)::int AS n FROM "Process"`)).toEqual([{ n: 0 }]);
  expect(await rows(`SELECT count(*)::int AS n FROM "SyncRun"`)).toEqual([{ n: 0 }]);
  expect(await rows(`SELECT action, "targetName" FROM "AuditEvent" ORDER BY "createdAt"`)).toEqual([
    { action: "user.create", targetName: "admin" },
    { action: "user.create", targetName: "legit-user" },
  ]);
});

test("headers: a nonce CSP on every page (the page's scripts carry it), HSTS and upgrade-insecure-requests over https only", async ({ request }) => {
  app = await startApp({ TRUST_PROXY: "1" });
  const res = await request.get(`${app.url}/login`);
  const csp = res.headers()["content-security-policy"];
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(csp).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain("unsafe-inline");
  expect(csp).not.toContain("unsafe-eval");
  const html = await res.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  expect(res.headers()["strict-transport-security"]).toBeUndefined();
  expect(res.headers()["permissions-policy"]).toContain("camera=()");
  expect(res.headers()["x-frame-options"]).toBe("DENY");

  const again = await request.get(`${app.url}/login`);
  expect(again.headers()["content-security-policy"]).not.toContain(`'nonce-${nonce}'`);

  // Behind a TLS-terminating proxy that says so (believed with TRUST_PROXY=1).
  const https = await request.get(`${app.url}/login`, { headers: { "x-forwarded-proto": "https" } });
  expect(https.headers()["strict-transport-security"]).toBe("max-age=31536000");
  expect(https.headers()["content-security-policy"]).toContain("upgrade-insecure-requests");
});
