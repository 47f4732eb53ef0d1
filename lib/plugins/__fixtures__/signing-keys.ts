/**
 * Real signing keys for tests: `ssh-keygen` keys and `gpg` keys in a temp GNUPGHOME, detached signatures made by
 * the same tools, and signed git commits and tags made by `git` (gpg.format=ssh or openpgp).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface SshTestKey {
  path: string;
  publicKey: string;
}

export interface GpgTestKey {
  home: string;
  fingerprint: string;
  publicKey: string;
}

const GIT_ENV = { GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_TERMINAL_PROMPT: "0" };

export function keyDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-keys-"));
}

export function sshKey(dir: string, name: string, type: "ed25519" | "rsa" | "ecdsa" = "ed25519", bits?: number): SshTestKey {
  const p = path.join(dir, name);
  execFileSync("ssh-keygen", ["-q", "-t", type, ...(bits ? ["-b", String(bits)] : []), "-N", "", "-C", `${name}@test`, "-f", p]);
  return { path: p, publicKey: fs.readFileSync(`${p}.pub`, "utf8").trim() };
}

/** An SSHSIG over `data` (armored), as `ssh-keygen -Y sign` makes it. */
export function sshSign(key: SshTestKey, data: Buffer | string, namespace = "git"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-sig-"));
  const file = path.join(dir, "data");
  fs.writeFileSync(file, data);
  execFileSync("ssh-keygen", ["-q", "-Y", "sign", "-n", namespace, "-f", key.path, file], { stdio: "ignore" });
  const sig = fs.readFileSync(`${file}.sig`, "utf8");
  fs.rmSync(dir, { recursive: true, force: true });
  return sig;
}

const gpg = (home: string, args: string[], input?: string | Buffer, faked?: string) =>
  execFileSync("gpg", ["--homedir", home, "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", "", ...(faked ? ["--faked-system-time", faked] : []), ...args], {
    input,
    stdio: ["pipe", "pipe", "ignore"],
  });

/** A gpg signing key in its own GNUPGHOME. `faked`: gpg's clock (e.g. "20200101T000000") for an already expired key. */
export function gpgKey(uid: string, opts: { expire?: string; faked?: string } = {}): GpgTestKey {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-gnupg-"));
  fs.chmodSync(home, 0o700);
  gpg(home, ["--quick-gen-key", uid, "ed25519", "sign", opts.expire ?? "never"], undefined, opts.faked);
  const listing = gpg(home, ["--with-colons", "--list-keys"]).toString();
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(listing)![1];
  return { home, fingerprint, publicKey: gpg(home, ["--armor", "--export", fingerprint]).toString() };
}

export function gpgSign(key: GpgTestKey, data: Buffer | string, faked?: string): string {
  return gpg(key.home, ["--armor", "--detach-sign", "--local-user", key.fingerprint], data, faked).toString();
}

export function gpgRevoke(key: GpgTestKey): string {
  gpg(key.home, ["--yes", "--quick-revoke-sig", key.fingerprint, key.fingerprint]).toString();
  const rev = fs.readdirSync(path.join(key.home, "openpgp-revocs.d"))[0];
  const cert = fs.readFileSync(path.join(key.home, "openpgp-revocs.d", rev), "utf8").replace(/^:-----/m, "-----");
  gpg(key.home, ["--import"], cert);
  return gpg(key.home, ["--armor", "--export", key.fingerprint]).toString();
}

export type Signer = { ssh: SshTestKey } | { gpg: GpgTestKey } | null;

/** `git -c …` arguments that make `commit -S` / `tag -s` sign with this key. */
export function signingConfig(signer: Exclude<Signer, null>): { args: string[]; env: Record<string, string> } {
  if ("ssh" in signer) return { args: ["-c", "gpg.format=ssh", "-c", `user.signingkey=${signer.ssh.path}`], env: {} };
  return { args: ["-c", "gpg.format=openpgp", "-c", `user.signingkey=${signer.gpg.fingerprint}`], env: { GNUPGHOME: signer.gpg.home } };
}

/**
 * Commits `files` in the work tree of a repo made by startGitServer (`<root>/.work/<name>`), signed by `signer`
 * (null: unsigned), optionally with a signed annotated tag, and pushes. Returns the commit SHA.
 */
export function signedCommit(root: string, name: string, files: Record<string, string>, signer: Signer, opts: { tag?: string; message?: string; unsignedCommit?: boolean } = {}): string {
  const work = path.join(root, ".work", name);
  const cfg = signer ? signingConfig(signer) : { args: [], env: {} };
  const git = (...args: string[]) =>
    execFileSync("git", [...cfg.args, ...args], { cwd: work, env: { ...process.env, ...GIT_ENV, ...cfg.env }, stdio: ["ignore", "pipe", "pipe"] }).toString().trim();
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(work, rel)), { recursive: true });
    fs.writeFileSync(path.join(work, rel), content);
  }
  git("add", "-A");
  git("commit", "-q", "--allow-empty", ...(signer && !opts.unsignedCommit ? ["-S"] : []), "-m", opts.message ?? "signed commit");
  if (opts.tag) git("tag", ...(signer ? ["-s"] : ["-a"]), opts.tag, "-m", `tag ${opts.tag}`);
  git("push", "-q", "--tags", "-f", "origin", "HEAD:refs/heads/main");
  return git("rev-parse", "HEAD");
}

/**
 * Rewrites the work tree's HEAD commit with another message, keeping its gpgsig header (so the signature no longer
 * matches), writes it with `git hash-object -t commit -w`, and force-pushes it as main. Returns the forged SHA.
 */
export function tamperHead(root: string, name: string, message: string): string {
  const work = path.join(root, ".work", name);
  const git = (args: string[], input?: string) => execFileSync("git", args, { cwd: work, env: { ...process.env, ...GIT_ENV }, input }).toString().trim();
  const raw = git(["cat-file", "commit", "HEAD"]);
  const at = raw.indexOf("\n\n");
  const forged = `${raw.slice(0, at)}\n\n${message}\n`;
  const sha = git(["hash-object", "-t", "commit", "-w", "--stdin"], forged);
  git(["update-ref", "refs/heads/main", sha]);
  git(["push", "-q", "-f", "origin", "HEAD:refs/heads/main"]);
  return sha;
}
