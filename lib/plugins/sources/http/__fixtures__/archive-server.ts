import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

/** One archive the server offers, and how it answers. */
export interface Offer {
  body: Buffer;
  /** Default: a strong ETag of the body's sha256. null: no ETag. */
  etag?: string | null;
  lastModified?: string;
  /** Required `Authorization` header value (else 401). */
  authorization?: string;
  /** Answers a redirect to this URL instead. */
  redirect?: string;
}

export interface ArchiveServer {
  url: string;
  /** Sets what `path` serves. */
  offer(path: string, offer: Offer): void;
  /** Every request: path, conditional headers, whether it carried credentials, the status sent. */
  readonly requests: { path: string; ifNoneMatch?: string; ifModifiedSince?: string; authorization?: string; status: number }[];
  close(): Promise<void>;
}

/** A real HTTP server for archive sources: ETag / Last-Modified validators, 304s, auth, redirects. */
export async function startArchiveServer(opts: { host?: string } = {}): Promise<ArchiveServer> {
  const offers = new Map<string, Offer>();
  const requests: ArchiveServer["requests"] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const offer = offers.get(url.pathname);
    const log = (status: number) =>
      requests.push({
        path: url.pathname,
        ifNoneMatch: req.headers["if-none-match"],
        ifModifiedSince: req.headers["if-modified-since"],
        authorization: req.headers.authorization,
        status,
      });
    if (!offer) return (log(404), res.writeHead(404).end("no such archive"));
    if (offer.redirect) return (log(302), res.writeHead(302, { location: offer.redirect }).end());
    if (offer.authorization && req.headers.authorization !== offer.authorization) return (log(401), res.writeHead(401).end("who are you"));
    const etag = offer.etag === undefined ? `"${createHash("sha256").update(offer.body).digest("hex").slice(0, 16)}"` : offer.etag;
    const headers: Record<string, string> = { "content-type": "application/octet-stream" };
    if (etag) headers.etag = etag;
    if (offer.lastModified) headers["last-modified"] = offer.lastModified;
    const fresh = (etag && req.headers["if-none-match"] === etag) || (!etag && offer.lastModified && req.headers["if-modified-since"] === offer.lastModified);
    if (fresh) return (log(304), res.writeHead(304, headers).end());
    log(200);
    res.writeHead(200, { ...headers, "content-length": String(offer.body.length) }).end(offer.body);
  });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((r) => server.listen(0, host, r));
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    offer: (p, o) => offers.set(p, o),
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Files to lay out in a temp directory (a symlink as `{ symlink: target }`). */
export type Tree = Record<string, string | { symlink: string }>;

function layOut(files: Tree): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-archive-src-"));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    if (typeof content === "string") fs.writeFileSync(abs, content);
    else fs.symlinkSync(content.symlink, abs);
  }
  return dir;
}

/** A .tar.gz of `files`, made by the system's tar. */
export function tarGz(files: Tree): Buffer {
  const dir = layOut(files);
  try {
    return execFileSync("tar", ["-czf", "-", "-C", dir, "."], { maxBuffer: 256 << 20 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A .zip of `files`, made by the system's zip (`--symlinks` keeps links as links). */
export function zip(files: Tree): Buffer {
  const dir = layOut(files);
  const out = path.join(os.tmpdir(), `opsflow-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.zip`);
  try {
    execFileSync("zip", ["-q", "-r", "--symlinks", out, "."], { cwd: dir });
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(out, { force: true });
  }
}

/**
 * Archives no well-behaved tool makes (absolute and ".." names, devices, FIFOs, hard links), crafted with Python's
 * tarfile / zipfile: `script` gets `out` (the path to write) and the modules `tarfile`, `zipfile`, `io`.
 */
export function crafted(script: string): Buffer {
  const out = path.join(os.tmpdir(), `opsflow-crafted-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  try {
    execFileSync("python3", ["-c", `import tarfile, zipfile, io\nout = ${JSON.stringify(out)}\n${script}`]);
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(out, { force: true });
  }
}
