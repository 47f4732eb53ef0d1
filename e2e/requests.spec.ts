import fs from "node:fs";
import http from "node:http";
import { once } from "node:events";
import { E2E_ADMIN, login } from "./fixtures/helpers";
import { startApp, type AppServer } from "./fixtures/app-server";
import { expect, test } from "./fixtures/test";

test.use({ locale: "en-US" });

/**
 * Bad requests against the production server answer 4xx, never 500 (Next's own 500s included), and a streamed
 * body past the limit costs the server no memory; a production start without a usable APP_SECRET stops at once.
 */

const actionId = (name: string) => {
  const manifest = JSON.parse(fs.readFileSync(".next/server/server-reference-manifest.json", "utf8")) as { node: Record<string, { exportedName?: string }> };
  return Object.entries(manifest.node).find(([, v]) => v.exportedName === name)![0];
};

test("the app has an icon: pages link it and it is served (no favicon 404 in the console)", async ({ page }) => {
  const res = await page.goto("/login");
  const href = await page.locator("link[rel=icon]").first().getAttribute("href");
  expect(href).toMatch(/^\/icon\.svg/);
  const icon = await page.request.get(href!);
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toContain("image/svg+xml");
  expect(res?.status()).toBe(200);
});

test("malformed paths, ids, numbers and server-action bodies answer 400/403/404", async ({ page }) => {
  await login(page, E2E_ADMIN);
  const api = page.request;
  for (const [path, status] of [["/api/sources/%ff", 400], ["/api/sources/%E0%A4%A", 400], ["/sources/%E0%A4%A", 400], ["/sources/%ff", 400], ["/api/sources/%00", 404], ["/sources/%00", 404]] as const) {
    const res = await api.get(path);
    expect(res.status(), path).toBe(status);
  }
  expect(await (await api.get("/api/sources/%ff")).json()).toEqual({ error: expect.stringMatching(/Malformed URL/) });
  for (const id of ["99999999999999999999", "1e3", "abc"]) {
    const res = await api.post(`/api/generations/${id}/activate`, { headers: { "content-type": "application/json" } });
    expect(res.status(), id).toBe(404);
  }
  expect((await api.get("/api/sync/runs/x?after=99999999999999999999")).status()).toBe(400);

  const login_ = actionId("loginAction");
  const action = (body: string, headers: Record<string, string> = {}) =>
    api.post("/login", { headers: { "next-action": login_, "content-type": "text/plain;charset=UTF-8", ...headers }, data: body });
  expect((await action("{{{ not json")).status()).toBe(400);
  expect((await action('["$Q1"]')).status()).toBe(400);
  expect((await action("garbage", { "content-type": "multipart/form-data; boundary=x" })).status()).toBe(400);
  expect((await action('[{"username":"a","password":"b"}]', { origin: "http://evil.example" })).status()).toBe(403);
  expect((await action('[{"username":"a","password":"b"}]')).status()).toBe(200); // the same, well-formed: Next answers
});

test.describe("a server of its own", () => {
  let app: AppServer | undefined;
  test.afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  test("production start without APP_SECRET, or with a short one: exits non-zero with one line", async () => {
    for (const secret of ["", "too-short-secret"]) {
      app = await startApp({ APP_SECRET: secret }, { waitReady: false });
      const code = await app.exited;
      expect(code, app.output()).not.toBe(0);
      const lines = app.stderr().trim().split("\n");
      expect(lines, app.output()).toHaveLength(1);
      expect(lines[0]).toMatch(secret ? /cannot start: APP_SECRET must be at least 32 characters/ : /cannot start: APP_SECRET is required in production/);
    }
  });

  test("production start with an unusable variable (a LOG_LEVEL typo, a garbage number): exits non-zero with one line naming it", async () => {
    for (const [name, value, message] of [
      ["LOG_LEVEL", "verbose", /cannot start: LOG_LEVEL: must be one of trace, debug, info, warn, error, fatal, silent \(got \\"verbose\\"\)/],
      ["PLUGIN_POLL_INTERVAL_MS", "5s", /cannot start: PLUGIN_POLL_INTERVAL_MS: must be a whole number from 500 to 3600000 \(got \\"5s\\"\)/],
    ] as const) {
      app = await startApp({ [name]: value }, { waitReady: false });
      const code = await app.exited;
      expect(code, app.output()).not.toBe(0);
      const lines = app.stderr().trim().split("\n");
      expect(lines, app.output()).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    }
  });

  test("a 400 MiB chunked body is refused at the limit: 413, server RSS grows by less than 50 MB", async ({ page }) => {
    app = await startApp();
    await page.goto(`${app.url}/login`);
    await page.locator("#username").fill(E2E_ADMIN.username);
    await page.locator("#password").fill(E2E_ADMIN.password);
    await page.locator("form button[type=submit]").click();
    await expect(page).toHaveURL(/\/sources$/);
    const cookie = (await page.context().cookies(app.url)).map((c) => `${c.name}=${c.value}`).join("; ");

    const status = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(`/proc/${app!.pid}/status`, "utf8"))![1]) * 1024;
    fs.writeFileSync(`/proc/${app.pid}/clear_refs`, "5"); // reset the peak (VmHWM) to the current RSS
    const before = status("VmRSS");

    const total = 400 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const url = new URL("/api/sources", app.url);
    const req = http.request(url, { method: "POST", headers: { cookie, "content-type": "application/json", "transfer-encoding": "chunked" } });
    let answered = false;
    const response = new Promise<number>((resolve, reject) => {
      req.on("response", (res) => {
        answered = true;
        res.resume();
        resolve(res.statusCode!);
      });
      req.on("error", (err) => (answered ? undefined : reject(err)));
    });
    let sent = 0;
    while (sent < total && !answered) {
      sent += chunk.length;
      if (!req.write(chunk)) await Promise.race([once(req, "drain"), response]);
    }
    expect(await response).toBe(413);
    req.destroy();
    const peak = status("VmHWM");
    console.log(`413 after sending ${(sent / 2 ** 20).toFixed(0)} MiB of ${total / 2 ** 20}; server RSS ${(before / 2 ** 20).toFixed(1)} MiB before, peak ${(peak / 2 ** 20).toFixed(1)} MiB`);
    expect(sent).toBeLessThan(total); // refused while the upload was still going
    expect(peak - before).toBeLessThan(50 * 1024 * 1024);
  });
});
