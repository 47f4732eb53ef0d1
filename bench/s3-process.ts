/**
 * s3rver in a process of its own for the benchmarks (`startS3Process()`): a real S3 is another machine, and an
 * in-process s3rver would take its CPU from the event loop of the sync or activation being measured, but not from
 * the baselines' child processes (git, tar). Run as a script, it starts the fixture server, prints its endpoint and
 * credentials as one JSON line, and exits when its stdin closes.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { startS3Server } from "../lib/plugins/__fixtures__/s3-server";

export interface S3Process {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  close(): Promise<void>;
}

export async function startS3Process(buckets: string[]): Promise<S3Process> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), ...buckets], { stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`s3rver process exited (${code}) before it was ready`)));
  });
  const info = JSON.parse(line) as Omit<S3Process, "close">;
  return {
    ...info,
    async close() {
      child.stdin!.end();
      await exited;
    },
  };
}

async function serve(): Promise<void> {
  const server = await startS3Server();
  for (const bucket of process.argv.slice(2)) await server.bucket(bucket);
  process.stdout.write(`${JSON.stringify({ endpoint: server.endpoint, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey })}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => void server.close().then(() => process.exit(0)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) void serve();
