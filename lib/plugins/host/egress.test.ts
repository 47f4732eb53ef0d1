import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownAddresses, parseEgressAllow, policedFetch, refusal, type EgressPolicy, type EgressRequest } from "./egress";

/** Two real HTTP servers on loopback: a target that counts its visitors, and one that redirects to it. */
let target: http.Server;
let redirector: http.Server;
let targetUrl: string;
let redirectorPort: number;
let visits = 0;

const listen = (s: http.Server, host = "127.0.0.1") => new Promise<number>((r) => s.listen(0, host, () => r((s.address() as AddressInfo).port)));

beforeAll(async () => {
  target = http.createServer((req, res) => {
    visits++;
    if (req.url === "/big") return res.end(Buffer.alloc(64 * 1024, 97));
    if (req.url === "/bomb") {
      res.setHeader("content-encoding", "gzip");
      return res.end(zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024)));
    }
    if (req.url === "/gzip") {
      res.setHeader("content-encoding", "gzip");
      return res.end(zlib.gzipSync("hello, compressed"));
    }
    if (req.url === "/slow") return; // never answers
    if (req.url === "/loop") {
      res.statusCode = 302;
      res.setHeader("location", "/loop");
      return res.end();
    }
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ method: req.method, url: req.url, body, auth: req.headers.authorization ?? null }));
    });
  });
  targetUrl = `http://127.0.0.1:${await listen(target)}`;
  redirector = http.createServer((req, res) => {
    res.statusCode = req.url === "/see-other" ? 303 : 302;
    res.setHeader("location", `${targetUrl}/after-redirect`);
    res.end();
  });
  redirectorPort = await listen(redirector);
});
afterAll(() => {
  for (const s of [target, redirector]) {
    s.closeAllConnections();
    s.close();
  }
});

const policy = (over: Partial<EgressPolicy> = {}): EgressPolicy => ({ allowHosts: [], allowNets: [], maxBytes: 1024 * 1024, timeoutMs: 5_000, maxRedirects: 5, ...over });
const get = (url: string, over: Partial<EgressRequest> = {}): EgressRequest => ({ url, method: "GET", headers: [], body: null, ...over });
const text = (a: Awaited<ReturnType<typeof policedFetch>>) => ("body" in a ? Buffer.from(a.body).toString("utf8") : "");

describe("egress policy: what is refused", () => {
  it("refuses loopback in every spelling, before connecting", async () => {
    const port = new URL(targetUrl).port;
    const before = visits;
    for (const host of ["127.0.0.1", "2130706433", "0177.0.0.1", "0x7f.1", "127.1", "[::ffff:127.0.0.1]", "[::1]", "localhost"]) {
      const answer = await policedFetch(get(`http://${host}:${port}/`), policy());
      expect(answer, host).toEqual({ error: expect.stringMatching(/^refused by the egress policy: .*(loopback|::1)/) });
    }
    expect(visits).toBe(before);
  });

  it("refuses private, CGNAT, link-local (metadata), ULA, multicast, unspecified and reserved ranges", () => {
    expect(refusal("10.1.2.3", policy())).toBe("10.1.2.3 is a private (RFC 1918) address");
    expect(refusal("172.16.0.1", policy())).toMatch(/private/);
    expect(refusal("192.168.1.1", policy())).toMatch(/private/);
    expect(refusal("100.64.0.1", policy())).toMatch(/carrier-grade NAT/);
    expect(refusal("169.254.169.254", policy())).toMatch(/link-local/);
    expect(refusal("fe80::1", policy())).toMatch(/link-local/);
    expect(refusal("fd00:ec2::254", policy())).toMatch(/unique local/);
    expect(refusal("224.0.0.1", policy())).toMatch(/multicast/);
    expect(refusal("0.0.0.0", policy())).toMatch(/unspecified/);
    expect(refusal("::", policy())).toMatch(/unspecified/);
    expect(refusal("198.18.0.1", policy())).toMatch(/reserved/);
    expect(refusal("::ffff:10.0.0.1", policy())).toMatch(/private/);
    expect(refusal("64:ff9b::7f00:1", policy())).toMatch(/reserved/);
    expect(refusal("8.8.8.8", policy())).toBeNull();
    expect(refusal("2001:4860:4860::8888", policy())).toBeNull();
  });

  it("refuses this machine's own interface addresses, public ones too", () => {
    // Every real interface address is refused (by its range or as the server's own).
    for (const i of Object.values(os.networkInterfaces()).flat()) if (i) expect(refusal(i.address.replace(/%.*$/, ""), policy()), i.address).not.toBeNull();
    // A public address becomes refused once it is one of the server's.
    const own = new Set([ownAddresses(), ["93.184.216.34"]].flatMap((x) => [...x]));
    expect(refusal("93.184.216.34", policy(), own)).toBe("93.184.216.34 is an address of this server");
    expect(refusal("93.184.216.34", policy(), new Set())).toBeNull();
  });

  it("checks every address a name resolves to, and connects to the checked one", async () => {
    // A public-looking name whose DNS answer is loopback (rebinding): refused although the name looks fine.
    const rebinding = policy({ lookup: async () => [{ address: "127.0.0.1", family: 4 }] });
    expect(await policedFetch(get(`http://plugins.example.com:${new URL(targetUrl).port}/`), rebinding)).toEqual({
      error: "refused by the egress policy: plugins.example.com resolves to 127.0.0.1, a loopback address (PLUGIN_EGRESS_ALLOW lets it through)",
    });
    // One private address among public ones is enough to refuse.
    const mixed = policy({ lookup: async () => [{ address: "93.184.216.34", family: 4 }, { address: "10.0.0.7", family: 4 }] });
    expect(await policedFetch(get("http://mixed.example.com/"), mixed)).toMatchObject({ error: expect.stringContaining("10.0.0.7, a private") });
    // A name allowed by PLUGIN_EGRESS_ALLOW goes to the address the lookup gave, however the system resolves it.
    const pinned = policy({ allowHosts: ["plugins.example.com"], lookup: async () => [{ address: "127.0.0.1", family: 4 }] });
    const ok = await policedFetch(get(`http://plugins.example.com:${new URL(targetUrl).port}/pinned`), pinned);
    expect(JSON.parse(text(ok))).toMatchObject({ url: "/pinned" });
  });

  it("checks every redirect hop again: an allowed host that redirects to loopback is refused", async () => {
    const allowed = policy({ allowHosts: ["localhost"] });
    const before = visits;
    const answer = await policedFetch(get(`http://localhost:${redirectorPort}/`), allowed);
    expect(answer).toEqual({ error: expect.stringMatching(/^refused by the egress policy: 127\.0\.0\.1 is a loopback address/) });
    expect(visits).toBe(before);
  });

  it("refuses other schemes", async () => {
    expect(await policedFetch(get("file:///etc/passwd"), policy())).toEqual({ error: "file: URLs are not allowed (http and https only)" });
    expect(await policedFetch(get("not a url"), policy())).toEqual({ error: "not a valid URL" });
  });
});

describe("egress policy: what is let through, and its limits", () => {
  const loopbackAllowed = () => policy({ ...parseEgressAllow("127.0.0.0/8") });

  it("PLUGIN_EGRESS_ALLOW lets a CIDR through; method, body and headers arrive", async () => {
    const answer = await policedFetch(get(`${targetUrl}/p`, { method: "POST", headers: [["authorization", "Bearer t"], ["content-type", "text/plain"]], body: new TextEncoder().encode("payload") }), loopbackAllowed());
    expect(answer).toMatchObject({ status: 200, redirected: false });
    expect(JSON.parse(text(answer))).toEqual({ method: "POST", url: "/p", body: "payload", auth: "Bearer t" });
  });

  it("follows redirects (303 becomes GET), and says where it ended", async () => {
    const answer = await policedFetch(get(`http://127.0.0.1:${redirectorPort}/see-other`, { method: "POST", body: new Uint8Array([1]) }), loopbackAllowed());
    expect(answer).toMatchObject({ status: 200, redirected: true, url: `${targetUrl}/after-redirect` });
    expect(JSON.parse(text(answer))).toMatchObject({ method: "GET", body: "" });
    const manual = await policedFetch(get(`http://127.0.0.1:${redirectorPort}/`, { redirect: "manual" }), loopbackAllowed());
    expect(manual).toMatchObject({ status: 302 });
    expect(await policedFetch(get(`${targetUrl}/loop`), loopbackAllowed())).toEqual({ error: "more than 5 redirects" });
  });

  it("decodes gzip, and refuses a body over the cap, decoded (a compression bomb too)", async () => {
    expect(text(await policedFetch(get(`${targetUrl}/gzip`), loopbackAllowed()))).toBe("hello, compressed");
    const small = { ...loopbackAllowed(), maxBytes: 16 * 1024 };
    expect(await policedFetch(get(`${targetUrl}/big`), small)).toMatchObject({ error: expect.stringContaining("over 16384 bytes") });
    expect(await policedFetch(get(`${targetUrl}/bomb`), loopbackAllowed())).toMatchObject({ error: expect.stringContaining("over 1048576 bytes") });
  });

  it("gives up at the deadline", async () => {
    expect(await policedFetch(get(`${targetUrl}/slow`), { ...loopbackAllowed(), timeoutMs: 300 })).toEqual({ error: "no complete response within 300 ms" });
  });
});

describe("PLUGIN_EGRESS_ALLOW", () => {
  it("reads host names, wildcards, addresses and CIDRs", () => {
    const p = parseEgressAllow(" api.example.com, *.corp.example ,10.20.0.0/16, 127.0.0.1, [::1], fd00::/8 ");
    expect(p.allowHosts).toEqual(["api.example.com", "*.corp.example"]);
    expect(p.allowNets.map(([a, bits]) => `${a.toString()}/${bits}`)).toEqual(["10.20.0.0/16", "127.0.0.1/32", "::1/128", "fd00::/8"]);
    expect(refusal("10.20.3.4", { allowNets: p.allowNets })).toBeNull();
    expect(refusal("10.21.0.1", { allowNets: p.allowNets })).toMatch(/private/);
  });

  it("refuses a bad entry with one line naming it", () => {
    expect(() => parseEgressAllow("10.0.0.0/33")).toThrow('PLUGIN_EGRESS_ALLOW: "10.0.0.0/33" is not a valid CIDR');
    expect(() => parseEgressAllow("bad host!")).toThrow('PLUGIN_EGRESS_ALLOW: "bad host!" is neither a host name nor an address or CIDR');
    expect(parseEgressAllow("")).toEqual({ allowHosts: [], allowNets: [] });
  });

  it("a wildcard matches sub-domains, not the domain itself", async () => {
    const p = policy({ ...parseEgressAllow("*.corp.example"), lookup: async () => [{ address: "10.0.0.1", family: 4 }] });
    expect(await policedFetch(get("http://corp.example/"), p)).toMatchObject({ error: expect.stringContaining("refused") });
    // Let through by the policy (whatever the network then answers).
    const sub = await policedFetch(get("http://a.corp.example:1/"), { ...p, timeoutMs: 2_000 });
    expect("error" in sub ? sub.error : "").not.toContain("refused by the egress policy");
  });
});
