import { execFile, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const execFileP = promisify(execFile);

/** A file's content, or a symlink with the given target. */
export type RepoFile = string | { symlink: string };

export interface CommitOptions {
  message?: string;
  /** Paths to delete in this commit. */
  remove?: string[];
  /** Lightweight tag pointing at the new commit. */
  tag?: string;
  /** Annotated tag pointing at the new commit. */
  annotatedTag?: string;
}

export interface GitServer {
  /** Base URL, e.g. `http://127.0.0.1:12345`; a repo named `demo` is at `${url}/demo.git`. */
  url: string;
  /** GIT_PROJECT_ROOT (bare repos `<name>.git`) — work trees live in `${root}/.work`. */
  root: string;
  /** Requests received so far (every request, including refused ones). */
  readonly requests: number;
  /** Creates `<name>.git` with one commit of `files` on `main` (or opts.branch); returns the repo URL and commit. */
  createRepo(
    name: string,
    files: Record<string, RepoFile>,
    opts?: CommitOptions & { branch?: string },
  ): Promise<{ url: string; commits: string[] }>;
  /** Commits `files` (added/overwritten) on top of the repo's branch; returns the new commit SHA. */
  commit(name: string, files: Record<string, RepoFile>, opts?: CommitOptions): Promise<string>;
  close(): Promise<void>;
}

const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
};

const backendPath = path.join(execFileSync("git", ["--exec-path"], { encoding: "utf8" }).trim(), "git-http-backend");

/**
 * A real smart-HTTP git server for tests: a Node http(s) server on 127.0.0.1:0 that runs `git http-backend` per
 * request as CGI. With `token`, every request needs HTTP Basic auth whose password is the token.
 */
export async function startGitServer(opts: { https?: { key: string; cert: string }; token?: string } = {}): Promise<GitServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-git-"));
  const workRoot = path.join(root, ".work");
  fs.mkdirSync(workRoot);
  let requests = 0;
  const branches = new Map<string, string>();

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    requests++;
    let remoteUser: string | undefined;
    if (opts.token !== undefined) {
      const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? "");
      const decoded = m ? Buffer.from(m[1], "base64").toString("utf8") : "";
      const i = decoded.indexOf(":");
      if (!m || i < 0 || decoded.slice(i + 1) !== opts.token) {
        req.resume();
        res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"', "Content-Type": "text/plain" });
        res.end("authentication required\n");
        return;
      }
      remoteUser = decoded.slice(0, i) || "user";
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      ...GIT_ENV,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? "GET",
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      CONTENT_LENGTH: req.headers["content-length"] ?? "",
      GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""),
      HTTP_CONTENT_ENCODING: req.headers["content-encoding"] ?? "",
      REMOTE_ADDR: req.socket.remoteAddress ?? "",
      SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
      ...(remoteUser ? { REMOTE_USER: remoteUser, AUTH_TYPE: "Basic" } : {}),
    };
    const child = spawn(backendPath, [], { env: env as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.on("error", () => undefined);
    child.stderr.resume();
    req.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    const fail = (status: number, text: string) => {
      if (!res.headersSent) res.writeHead(status, { "Content-Type": "text/plain" });
      res.end(text);
    };
    child.on("error", (e) => fail(500, String(e)));
    child.stdout.on("data", (chunk: Buffer) => {
      if (headersDone) {
        if (!res.write(chunk)) {
          child.stdout.pause();
          res.once("drain", () => child.stdout.resume());
        }
        return;
      }
      head = Buffer.concat([head, chunk]);
      let end = head.indexOf("\r\n\r\n");
      let sepLen = 4;
      const lf = head.indexOf("\n\n");
      if (lf >= 0 && (end < 0 || lf < end)) {
        end = lf;
        sepLen = 2;
      }
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      let statusText: string | undefined;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString("latin1").split(/\r?\n/)) {
        const c = line.indexOf(":");
        if (c <= 0) continue;
        const name = line.slice(0, c).trim();
        const value = line.slice(c + 1).trim();
        if (name.toLowerCase() === "status") {
          status = parseInt(value, 10) || 500;
          statusText = value.replace(/^\d+\s*/, "") || undefined;
        } else headers[name] = value;
      }
      res.writeHead(status, statusText, headers);
      const rest = head.subarray(end + sepLen);
      if (rest.length) res.write(rest);
    });
    child.stdout.on("end", () => {
      if (!headersDone) fail(502, "git http-backend sent no headers\n");
      else res.end();
    });
    res.on("close", () => {
      if (child.exitCode === null) child.kill();
    });
  };

  const server = opts.https
    ? https.createServer({ key: opts.https.key, cert: opts.https.cert }, handler)
    : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const base = `${opts.https ? "https" : "http"}://127.0.0.1:${port}`;

  const git = async (cwd: string, ...args: string[]) =>
    (await execFileP("git", args, { cwd, env: { ...process.env, ...GIT_ENV }, maxBuffer: 64 << 20 })).stdout.trim();

  const writeAndCommit = async (name: string, files: Record<string, RepoFile>, o: CommitOptions = {}) => {
    const work = path.join(workRoot, name);
    for (const rel of o.remove ?? []) fs.rmSync(path.join(work, rel), { recursive: true, force: true });
    for (const [rel, content] of Object.entries(files)) {
      const p = path.join(work, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.rmSync(p, { force: true });
      if (typeof content === "string") fs.writeFileSync(p, content);
      else fs.symlinkSync(content.symlink, p);
    }
    await git(work, "add", "-A");
    await git(work, "commit", "-q", "--allow-empty", "-m", o.message ?? "commit");
    const sha = await git(work, "rev-parse", "HEAD");
    const branch = branches.get(name)!;
    if (o.tag) await git(work, "tag", o.tag);
    if (o.annotatedTag) await git(work, "tag", "-a", o.annotatedTag, "-m", `tag ${o.annotatedTag}`);
    await git(work, "push", "-q", "--tags", "origin", `HEAD:refs/heads/${branch}`);
    return sha;
  };

  return {
    url: base,
    root,
    get requests() {
      return requests;
    },
    async createRepo(name, files, o = {}) {
      const bare = path.join(root, `${name}.git`);
      const work = path.join(workRoot, name);
      const branch = o.branch ?? "main";
      branches.set(name, branch);
      await git(root, "init", "-q", "--bare", `--initial-branch=${branch}`, bare);
      await git(bare, "config", "uploadpack.allowReachableSHA1InWant", "true");
      await git(bare, "config", "uploadpack.allowAnySHA1InWant", "true");
      await git(bare, "config", "http.receivepack", "false");
      await git(root, "init", "-q", `--initial-branch=${branch}`, work);
      await git(work, "config", "user.name", "Opsflow Test");
      await git(work, "config", "user.email", "test@opsflow.invalid");
      await git(work, "config", "commit.gpgsign", "false");
      await git(work, "config", "core.symlinks", "true");
      await git(work, "remote", "add", "origin", bare);
      const sha = await writeAndCommit(name, files, o);
      return { url: `${base}/${name}.git`, commits: [sha] };
    },
    commit: writeAndCommit,
    async close() {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
