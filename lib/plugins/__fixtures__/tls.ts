import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface TestTls {
  /** PEM of the throwaway CA that signed `cert`. */
  ca: string;
  /** PEM private key of the server certificate. */
  key: string;
  /** PEM server certificate for 127.0.0.1 / localhost / ::1. */
  cert: string;
}

/**
 * A throwaway CA and a server certificate for 127.0.0.1, ::1 and localhost, made with the `openssl` CLI in a temp dir
 * (removed before returning). EC P-256 keys: generating them takes a few milliseconds.
 */
export function makeTestTls(): TestTls {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-tls-"));
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  try {
    run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key");
    run(
      "req", "-x509", "-new", "-key", "ca.key", "-sha256", "-days", "2", "-subj", "/CN=Opsflow Test CA",
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
      "-out", "ca.pem",
    );
    run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "server.key");
    run("req", "-new", "-key", "server.key", "-subj", "/CN=localhost", "-out", "server.csr");
    fs.writeFileSync(
      path.join(dir, "ext.cnf"),
      [
        "basicConstraints=CA:FALSE",
        "keyUsage=critical,digitalSignature,keyEncipherment",
        "extendedKeyUsage=serverAuth",
        "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost",
        "",
      ].join("\n"),
    );
    run(
      "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
      "-sha256", "-extfile", "ext.cnf", "-out", "server.pem",
    );
    const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
    return { ca: read("ca.pem"), key: read("server.key"), cert: read("server.pem") };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
