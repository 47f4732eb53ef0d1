import net from "node:net";
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import type { Browser } from "@playwright/test";
import { E2E_ADMIN, shot } from "./fixtures/helpers";
import { dbTool, freePort, startApp, type AppServer } from "./fixtures/app-server";
import { expect, test } from "./fixtures/test";
import en from "../messages/en.json";
import zh from "../messages/zh-CN.json";

/**
 * Production servers on PostgreSQL (TEST_DATABASE_URL; skipped without it), a scratch database per spec:
 * - two instances: a password change or a role change made through one ends the user's sessions on the other at
 *   its very next request;
 * - the database goes away (a TCP proxy in front of it is cut): pages, the login page included, answer 503 with
 *   the unavailable page, the API 503 with a JSON error, /api/ready names the database; all is well again once it
 *   is back.
 */
const SERVER = process.env.TEST_DATABASE_URL;
test.skip(!SERVER, "needs TEST_DATABASE_URL (PostgreSQL)");
test.describe.configure({ mode: "serial" });
test.use({ locale: "en-US" });

const CHANGED = "changed-on-a-pw-1";
const name = `opsflow_e2e_${randomBytes(4).toString("hex")}`;
let url: string;
const admin = async (sql: string) => {
  const c = new Client({ connectionString: SERVER });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
};

test.beforeAll(async () => {
  await admin(`CREATE DATABASE "${name}"`);
  const u = new URL(SERVER!);
  u.pathname = `/${name}`;
  url = u.toString();
  await dbTool(["migrate", url]); // production servers refuse a database with pending migrations
});
test.afterAll(async () => {
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
});

async function signIn(browser: Browser, server: AppServer, user: { username: string; password: string }, locale = "en-US") {
  const context = await browser.newContext({ baseURL: server.url, locale, extraHTTPHeaders: { "Accept-Language": locale } });
  const page = await context.newPage();
  await page.goto("/login");
  await page.locator("#username").fill(user.username);
  await page.locator("#password").fill(user.password);
  await page.locator("form button[type=submit]").click();
  await expect(page).not.toHaveURL(/\/login/);
  return page;
}

test("two instances: a password change and a role change on one end the sessions on the other at once", async ({ browser }) => {
  const [a, b] = await Promise.all([startApp({ DATABASE_URL: url }), startApp({ DATABASE_URL: url })]);
  try {
    const adminA = await signIn(browser, a, E2E_ADMIN);
    const adminB = await signIn(browser, b, E2E_ADMIN);
    const member = { username: "pg-member", password: "two-servers-pw-1" };
    expect((await adminA.request.post("/api/users", { data: { ...member, role: "member" } })).status()).toBe(201);
    const memberB = await signIn(browser, b, member);
    expect((await memberB.request.get("/api/processes")).status()).toBe(200);

    const users = (await (await adminA.request.get("/api/users")).json()) as { id: string; username: string }[];
    const id = users.find((u) => u.username === member.username)!.id;
    expect((await adminA.request.patch(`/api/users/${id}`, { data: { role: "admin" } })).status()).toBe(200);
    expect((await memberB.request.get("/api/processes")).status()).toBe(401); // on B, the next request

    expect((await adminB.request.get("/api/users")).status()).toBe(200);
    const change = await adminA.request.put("/api/account/password", { data: { currentPassword: E2E_ADMIN.password, newPassword: CHANGED } });
    expect(change.status()).toBe(200);
    expect((await adminB.request.get("/api/users")).status()).toBe(401); // on B, the next request
    expect((await adminA.request.get("/api/users")).status()).toBe(200); // A's own session was renewed
    await adminB.goto("/users");
    await expect(adminB).toHaveURL(/\/login$/);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test("the database goes away: 503 page (login too), 503 JSON, /api/ready says unreachable; back when it returns", async ({ browser }) => {
  // A TCP proxy in front of PostgreSQL, to cut the database off and let it back.
  const target = new URL(SERVER!);
  const sockets = new Set<net.Socket>();
  const port = await freePort();
  const listen = () =>
    new Promise<net.Server>((resolve) => {
      const server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on("close", () => sockets.delete(s));
          s.on("error", () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, "127.0.0.1", () => resolve(server));
    });
  let proxy = await listen();
  const cut = async () => {
    await new Promise<void>((resolve) => {
      proxy.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  };
  const viaProxy = new URL(url);
  viaProxy.host = `127.0.0.1:${port}`;
  const app = await startApp({ DATABASE_URL: viaProxy.toString() });
  try {
    // The admin changed the password on instance A above.
    const page = await signIn(browser, app, { username: E2E_ADMIN.username, password: CHANGED });
    await page.goto("/sources");
    await expect(page.getByRole("heading", { name: "Plugin sources" })).toBeVisible();

    await cut();
    const sources = await page.goto("/sources");
    expect(sources!.status()).toBe(503);
    await expect(page.getByRole("heading", { name: en.unavailable.title })).toBeVisible();
    await expect(page.getByText(en.unavailable.unreachable)).toBeVisible();
    await shot(page, "unavailable-1280");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, "unavailable-390");
    await page.setViewportSize({ width: 1280, height: 900 });

    const api = await page.request.get("/api/sources");
    expect(api.status()).toBe(503);
    expect(await api.json()).toEqual({ error: en.errors.dbUnreachable });
    const ready = await page.request.get("/api/ready");
    expect(ready.status()).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { db: "unreachable" } });

    const anonymous = await browser.newContext({ baseURL: app.url, locale: "zh-CN", extraHTTPHeaders: { "Accept-Language": "zh-CN" } });
    const login = await anonymous.newPage();
    expect((await login.goto("/login"))!.status()).toBe(503);
    await expect(login.getByRole("heading", { name: zh.unavailable.title })).toBeVisible();
    await shot(login, "zh-unavailable-1280");
    await login.setViewportSize({ width: 390, height: 844 });
    await shot(login, "zh-unavailable-390");

    // Back: "Try again" shows the page again once the last failure's mark has lapsed (a couple of seconds).
    proxy = await listen();
    await expect(async () => {
      await page.getByRole("link", { name: en.unavailable.retry }).click();
      await expect(page.getByRole("heading", { name: "Plugin sources" })).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    expect((await page.request.get("/api/sources")).status()).toBe(200);
    await anonymous.close();
  } finally {
    await test.info().attach("server output", { body: app.output(), contentType: "text/plain" });
    await app.stop();
    await cut();
  }
});
