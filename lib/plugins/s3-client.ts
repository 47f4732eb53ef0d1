import https from "node:https";
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { S3Settings } from "./types";

export interface S3ClientOptions extends S3Settings {
  secretAccessKey?: string;
  /** Extra CA certificates (PEM) for an https endpoint with a private CA. */
  ca?: string;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/** One way to build an S3 client for sources and the cache: path-style option, timeouts, optional CA and keys. */
export function createS3Client(o: S3ClientOptions): S3Client {
  return new S3Client({
    endpoint: o.endpoint,
    region: o.region || "us-east-1",
    forcePathStyle: o.pathStyle,
    // Anonymous access (public bucket): placeholder credentials stop the SDK's provider chain from looking for
    // credentials elsewhere on the machine, and the no-op signer sends the requests unsigned.
    credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.accessKeyId ? (o.secretAccessKey ?? "") : "" },
    ...(o.accessKeyId ? {} : { signer: { sign: async (request) => request } }),
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: o.connectTimeoutMs ?? 10_000,
      requestTimeout: o.requestTimeoutMs ?? 60_000,
      ...(o.ca ? { httpsAgent: new https.Agent({ ca: o.ca, keepAlive: true }) } : {}),
    }),
  });
}
