/**
 * HTTP archive sources: one .tar.gz / .zip at an http(s) URL. `revision()` is a conditional GET against the
 * validator the last generation recorded (ETag, else Last-Modified): a 304 costs one round trip and no body. With a
 * pinned sha256 the revision is the pin itself and no request is needed; a download that does not match it fails.
 * Under a signature policy the archive's detached signature is checked before extraction (./signature.ts).
 */
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PluginSourceError, type FetchResult, type SourceFetcher } from "../../types";
import { Budget, Operation } from "../common";
import { Staging } from "../staging";
import { mapHttpError, openArchive, saveBody, validatorOf } from "./download";
import { DEFAULT_MAX_RATIO, extractArchive } from "./extract";
import { logLine } from "../../log-line";
import { verifyArchiveSignature } from "./signature";

export const httpFetcher: SourceFetcher<"http"> = {
  async revision(settings, secret, ctx) {
    if (settings.sha256) return `sha256:${settings.sha256}`;
    const op = new Operation(ctx.limits, ctx.signal);
    try {
      const { res } = await op.run(() => openArchive(settings, secret, ctx, op, ctx.previous));
      res.destroy(); // the headers say it: the body is the fetch's business
      if (res.statusCode === 304 && ctx.previous) return ctx.previous;
      // No validator: nothing says it is unchanged, so it is fetched again.
      return validatorOf(res.headers) ?? `unvalidated:${Date.now()}`;
    } catch (e) {
      throw op.settle(e, (err) => mapHttpError(err, settings, secret));
    } finally {
      await op.close();
    }
  },

  async fetch(settings, secret, ctx): Promise<FetchResult> {
    const op = new Operation(ctx.limits, ctx.signal);
    // The archive waits outside the source root, which holds only what it extracts to.
    const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), `opsflow-archive-${process.pid}-`));
    try {
      return await op.run(async () => {
        const { res, url } = await openArchive(settings, secret, ctx, op);
        const archive = path.join(tmp, "archive");
        const { sha256, bytes } = await saveBody(res, archive, new Budget(ctx.limits), op);
        if (settings.sha256 && sha256 !== settings.sha256) {
          throw new PluginSourceError(`the archive's sha256 is ${sha256}, not the pinned ${settings.sha256}`, "integrity");
        }
        // Under a signature policy nothing is extracted before the archive's exact bytes are verified.
        const signer = ctx.signature ? await verifyArchiveSignature(archive, settings, secret, ctx, op, ctx.signature) : undefined;
        if (signer) ctx.log(logLine("httpSigned", { sha256: sha256.slice(0, 12), name: signer.name, fingerprint: signer.fingerprint }));
        const limits = { maxBytes: ctx.limits.maxBytes, maxEntries: ctx.limits.maxFiles, maxRatio: DEFAULT_MAX_RATIO };
        const staging = new Staging(ctx.submodules);
        const out = await extractArchive(archive, bytes, ctx.dir, Number(settings.strip), limits, op, staging);
        ctx.log(logLine("httpFetched", { host: url.host, bytes, files: out.files }));
        const revision = settings.sha256 ? `sha256:${settings.sha256}` : (validatorOf(res.headers) ?? `sha256:${sha256}`);
        return { revision, files: out.files, bytes: out.bytes, digests: out.digests, rejected: staging.rejected, ...(signer ? { signer } : {}) };
      });
    } catch (e) {
      throw op.settle(e, (err) => mapHttpError(err, settings, secret));
    } finally {
      await op.close();
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  },
};
