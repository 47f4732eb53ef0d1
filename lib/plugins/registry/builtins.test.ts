import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describePlugin, pluginsOf } from "../contract";
import { BUILTIN_DESCRIPTORS, BUILTIN_MODULE_FILE } from "./builtins";

type Plugin = { code: string; execute: (inputs: Record<string, unknown>, ctx?: unknown) => Promise<Record<string, unknown>> };

// Tests may import the module; the server never does (a plugin host runs it).
let plugins: Plugin[];
const run = (code: string, inputs: Record<string, unknown>, ctx?: unknown) => plugins.find((p) => p.code === code)!.execute(inputs, ctx);

let server: http.Server;
let base: string;
beforeAll(async () => {
  plugins = pluginsOf(await import(pathToFileURL(BUILTIN_MODULE_FILE).href)) as Plugin[];
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (req.url === "/slow") return; // never answers
      res.setHeader("x-echo-method", req.method ?? "");
      res.setHeader("content-type", "application/json");
      res.statusCode = req.url === "/missing" ? 404 : 200;
      res.end(JSON.stringify({ method: req.method, url: req.url, auth: req.headers.authorization ?? null, body }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server?.closeAllConnections();
  server?.close();
});

describe("built-in plugins", () => {
  it("the module file is builtins/builtin-plugins.mjs, beside only its descriptors' data (all the built-ins' host may read)", () => {
    expect(BUILTIN_MODULE_FILE).toBe(path.resolve("lib/plugins/builtins/builtin-plugins.mjs"));
    expect(fs.readdirSync(path.dirname(BUILTIN_MODULE_FILE))).toEqual(["builtin-descriptors.d.mts", "builtin-descriptors.mjs", "builtin-plugins.mjs"]);
    expect(fs.existsSync(BUILTIN_MODULE_FILE)).toBe(true);
  });

  it("the declared descriptors are exactly what the contract reads from the module", () => {
    const described = plugins.map((p) => {
      const r = describePlugin(p);
      if (!r.ok) throw new Error(r.error);
      return r.descriptor;
    });
    expect(described).toEqual(BUILTIN_DESCRIPTORS);
    expect(BUILTIN_DESCRIPTORS.map((d) => d.code)).toEqual(["builtin_log", "builtin_sleep", "builtin_http_request"]);
    expect(new Set(BUILTIN_DESCRIPTORS.map((d) => d.group.code))).toEqual(new Set(["BUILTIN"]));
  });

  it("builtin_log writes to the run log", async () => {
    const lines: unknown[][] = [];
    await expect(run("builtin_log", { message: "hello", level: "warn" }, { log: (...a: unknown[]) => lines.push(a) })).resolves.toEqual({ logged: true });
    expect(lines).toEqual([["hello", "warn"]]);
    await expect(run("builtin_log", { message: "x", level: "loud" }, {})).rejects.toThrow(/level/);
  });

  it("builtin_sleep waits, within 0..60000 ms", async () => {
    const started = Date.now();
    await expect(run("builtin_sleep", { ms: 30 })).resolves.toEqual({ sleptMs: 30 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    await expect(run("builtin_sleep", { ms: 60_001 })).rejects.toThrow(/0 to 60000/);
    await expect(run("builtin_sleep", { ms: -1 })).rejects.toThrow(/0 to 60000/);
    await expect(run("builtin_sleep", {})).rejects.toThrow(/ms/);
    const ctrl = new AbortController();
    const pending = run("builtin_sleep", { ms: 10_000 }, { signal: ctrl.signal });
    ctrl.abort(new Error("cancelled"));
    await expect(pending).rejects.toThrow("cancelled");
  });

  it("builtin_http_request sends the request and returns status, headers and body", async () => {
    const get = await run("builtin_http_request", { url: `${base}/a?b=1` });
    expect(get.status).toBe(200);
    expect((get.headers as Record<string, string>)["x-echo-method"]).toBe("GET");
    expect(JSON.parse(get.body as string)).toMatchObject({ method: "GET", url: "/a?b=1" });

    const post = await run("builtin_http_request", { url: `${base}/p`, method: "POST", headers: '{"Authorization":"Bearer t"}', body: "payload" });
    expect(JSON.parse(post.body as string)).toEqual({ method: "POST", url: "/p", auth: "Bearer t", body: "payload" });
    const put = await run("builtin_http_request", { url: `${base}/missing`, method: "PUT", headers: { Authorization: "x" } });
    expect(put.status).toBe(404);
  });

  it("builtin_http_request refuses other schemes and bad input, and times out", async () => {
    await expect(run("builtin_http_request", { url: "file:///etc/passwd" })).rejects.toThrow(/only http/);
    await expect(run("builtin_http_request", { url: "not a url" })).rejects.toThrow(/not a valid URL/);
    await expect(run("builtin_http_request", { url: base, method: "TRACE" })).rejects.toThrow(/method/);
    await expect(run("builtin_http_request", { url: base, headers: "[1]" })).rejects.toThrow(/headers/);
    await expect(run("builtin_http_request", { url: `${base}/slow`, timeoutMs: 200 })).rejects.toThrow(/no complete response within 200 ms/);
  });
});
