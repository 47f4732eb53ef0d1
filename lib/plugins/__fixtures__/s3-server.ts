import { CreateBucketCommand, DeleteObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createHash, createHmac } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer: http.Server;
}
type S3rverCtor = new (options: Record<string, unknown>) => S3rverInstance;

export interface S3Server {
  /** e.g. `http://127.0.0.1:12345` (path-style access). */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Creates a bucket (names need ≥3 characters). */
  bucket(name: string): Promise<void>;
  put(bucket: string, key: string, body: string | Uint8Array): Promise<void>;
  remove(bucket: string, key: string): Promise<void>;
  /** s3rver's data directory (objects are stored on the file system). */
  directory: string;
  /** An outage: while down, every request's connection is cut (the client sees ECONNRESET), as when S3 is unreachable. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

const ACCESS_KEY_ID = "S3RVER";
const SECRET_ACCESS_KEY = "S3RVER";

const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/**
 * s3rver checks SigV4 requests' access key id but not their signature ("V4 signatures have incomplete support"), so
 * a wrong secret would pass. This recomputes the SigV4 header signature with the known secret. Returns false for a
 * mismatch; true when it matches or when the request is not header-signed SigV4 for our key (s3rver decides then).
 */
export function sigV4Matches(req: http.IncomingMessage, secretFor: (accessKeyId: string) => string | undefined): boolean {
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/.exec(
    req.headers.authorization ?? "",
  );
  if (!m) return true;
  const [, accessKeyId, date, region, service, signedHeaders, signature] = m;
  const secret = secretFor(accessKeyId);
  if (secret === undefined) return true; // s3rver answers InvalidAccessKeyId
  const url = req.url ?? "/";
  const qi = url.indexOf("?");
  const rawPath = qi < 0 ? url : url.slice(0, qi);
  const rawQuery = qi < 0 ? "" : url.slice(qi + 1);
  const query = rawQuery
    .split("&")
    .filter(Boolean)
    .map((part) => {
      const i = part.indexOf("=");
      return [rfc3986(safeDecode(i < 0 ? part : part.slice(0, i))), rfc3986(safeDecode(i < 0 ? "" : part.slice(i + 1)))];
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const headers = signedHeaders
    .split(";")
    .map((h) => `${h}:${String(req.headers[h] ?? "").trim().replace(/\s+/g, " ")}\n`)
    .join("");
  const payloadHash = String(req.headers["x-amz-content-sha256"] ?? "UNSIGNED-PAYLOAD");
  const canonical = [req.method, rawPath, query, headers, signedHeaders, payloadHash].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", String(req.headers["x-amz-date"] ?? ""), scope, createHash("sha256").update(canonical).digest("hex")].join("\n");
  const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
  const kSigning = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
  return createHmac("sha256", kSigning).update(toSign).digest("hex") === signature;
}

function signatureMismatch(res: http.ServerResponse): void {
  res.writeHead(403, { "Content-Type": "application/xml" });
  res.end(
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature ' +
      "we calculated does not match the signature you provided. Check your key and signing method.</Message></Error>",
  );
}

let desPatched = false;
/**
 * s3rver encrypts ListObjectsV2 continuation tokens with single DES (`createCipheriv("des", …)`), which OpenSSL 3
 * (Node ≥17) only has in its legacy provider: every truncated V2 listing fails with HTTP 500. 3DES with three equal
 * keys is single DES, so the fixture maps "des" to "des-ede3-cbc" in this (test) process. Nothing else is touched.
 */
function patchDesForS3rver(require: NodeJS.Require): void {
  if (desPatched) return;
  desPatched = true;
  const crypto = require("crypto") as typeof import("node:crypto");
  try {
    crypto.createCipheriv("des", Buffer.alloc(8), Buffer.alloc(8));
    return; // DES available (legacy provider loaded)
  } catch {
    // patch below
  }
  const triple = (key: unknown) => {
    const k = Buffer.from(key as Uint8Array);
    return Buffer.concat([k, k, k]);
  };
  const { createCipheriv, createDecipheriv } = crypto;
  const cipher = ((alg: string, key: unknown, iv: unknown, opts?: unknown) =>
    alg.toLowerCase() === "des"
      ? createCipheriv("des-ede3-cbc", triple(key), iv as Buffer)
      : (createCipheriv as (...a: unknown[]) => unknown)(alg, key, iv, opts)) as typeof createCipheriv;
  const decipher = ((alg: string, key: unknown, iv: unknown, opts?: unknown) =>
    alg.toLowerCase() === "des"
      ? createDecipheriv("des-ede3-cbc", triple(key), iv as Buffer)
      : (createDecipheriv as (...a: unknown[]) => unknown)(alg, key, iv, opts)) as typeof createDecipheriv;
  crypto.createCipheriv = cipher;
  crypto.createDecipheriv = decipher;
}

/**
 * A real S3 HTTP(S) server (s3rver, filesystem-backed, silent) on 127.0.0.1:0, path-style only; it accepts only
 * S3RVER/S3RVER credentials (and anonymous requests). s3rver itself checks only the access key id of SigV4
 * requests; the fixture adds the signature check, so a wrong secret gets SignatureDoesNotMatch (403) as on S3.
 */
export async function startS3Server(opts: { https?: { key: string; cert: string; ca: string } } = {}): Promise<S3Server> {
  const require = createRequire(import.meta.url);
  patchDesForS3rver(require);
  const S3rver = require("s3rver") as S3rverCtor;
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-s3-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    ...(opts.https ? { key: opts.https.key, cert: opts.https.cert } : {}),
  });
  const { port } = await server.run();
  let down = false;
  // Put a SigV4 signature check (and the conditional PUT s3rver lacks) in front of s3rver's own request handler.
  const [s3rverHandler] = server.httpServer.listeners("request") as ((req: http.IncomingMessage, res: http.ServerResponse) => void)[];
  server.httpServer.removeAllListeners("request");
  server.httpServer.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    if (!sigV4Matches(req, (id) => (id === ACCESS_KEY_ID ? SECRET_ACCESS_KEY : undefined))) {
      req.resume();
      signatureMismatch(res);
      return;
    }
    if (req.method === "PUT" && req.headers["if-none-match"] === "*") {
      conditionalPut(req, res, s3rverHandler);
      return;
    }
    s3rverHandler(req, res);
  });
  /**
   * s3rver 3.7 ignores `If-None-Match: *` on PUT (it overwrites); S3 answers 412 PreconditionFailed when the key
   * exists. Emulated here, one conditional PUT per key at a time, so the cache's create-once writes meet S3's rules.
   */
  const pendingKeys = new Map<string, Promise<void>>();
  const conditionalPut = (req: http.IncomingMessage, res: http.ServerResponse, next: typeof s3rverHandler) => {
    const key = (req.url ?? "/").split("?")[0];
    const before = pendingKeys.get(key) ?? Promise.resolve();
    const turn = before.then(async () => {
      const [bucket, ...rest] = safeDecode(key).slice(1).split("/");
      const exists = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: rest.join("/") })).then(
        () => true,
        () => false,
      );
      if (exists) {
        req.resume();
        res.writeHead(412, { "Content-Type": "application/xml" });
        res.end('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>');
        return;
      }
      await new Promise<void>((resolve) => {
        res.on("close", resolve);
        next(req, res);
      });
    });
    pendingKeys.set(key, turn);
    void turn.finally(() => pendingKeys.get(key) === turn && pendingKeys.delete(key));
  };
  const endpoint = `${opts.https ? "https" : "http"}://127.0.0.1:${port}`;
  const accessKeyId = ACCESS_KEY_ID;
  const secretAccessKey = SECRET_ACCESS_KEY;
  const region = "us-east-1";
  const client = new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    ...(opts.https ? { requestHandler: { httpsAgent: new https.Agent({ ca: opts.https.ca }) } } : {}),
  });
  return {
    endpoint,
    region,
    accessKeyId,
    secretAccessKey,
    directory,
    async bucket(name) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    async put(bucket, key, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: typeof body === "string" ? Buffer.from(body) : body }));
    },
    async remove(bucket, key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    setDown(value) {
      down = value;
    },
    async close() {
      client.destroy();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
