import http from "node:http";
import https from "node:https";
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { caBundle } from "./sources/common";
import type { S3Settings } from "./types";

export interface S3ClientOptions extends S3Settings {
  secretAccessKey?: string;
  /** Extra CA certificates (PEM) for an https endpoint with a private CA, added to the default roots. */
  ca?: string;
  /** Connecting, and the first byte of an answer. */
  connectTimeoutMs?: number;
  /** Silence on an open request. */
  requestTimeoutMs?: number;
}

/**
 * The one way to build an S3 client, for sources and the cache: path-style option, timeouts that fail the
 * request, keep-alive agents (destroyed with the client), an extra CA added to Node's roots, keys or anonymous.
 */
export function createS3Client(o: S3ClientOptions): S3Client {
  return new S3Client({
    endpoint: o.endpoint || undefined,
    region: o.region || "us-east-1",
    forcePathStyle: o.pathStyle,
    // Anonymous access (public bucket) never signs with credentials found elsewhere on the machine (env, profile,
    // instance role) on behalf of a bucket an admin configured: the SDK resolves an identity before it calls the
    // signer, so this needs both a placeholder identity and a no-op signer.
    credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.accessKeyId ? (o.secretAccessKey ?? "") : "" },
    ...(o.accessKeyId ? {} : { signer: { sign: async (request) => request } }),
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: o.connectTimeoutMs ?? 10_000,
      requestTimeout: o.requestTimeoutMs ?? 60_000,
      throwOnRequestTimeout: true,
      httpsAgent: new https.Agent({ keepAlive: true, ca: caBundle(o.ca) }),
      httpAgent: new http.Agent({ keepAlive: true }),
    }),
  });
}
