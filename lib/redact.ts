/**
 * The one redactor: removes credentials from free text (log lines, error messages, a sync run's log). No imports,
 * so every layer can use it (lib/plugins included).
 */

/**
 * Removes credentials from free text: the user-info part of URLs (`scheme://user:pass@host` → `scheme://host`),
 * `Authorization: …` and `Bearer …` values, `token=` / `password=` style parameters, and every value in `secrets`
 * (≥ 4 characters; shorter ones would cut ordinary words).
 */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@'"]+@/gi, "$1")
    .replace(/\b(authorization["']?\s*[:=]\s*["']?)[^\s"',}]+(\s+[^\s"',}]+)?/gi, "$1[redacted]")
    .replace(/\b(bearer)\s+[a-z0-9._~+/=-]{8,}/gi, "$1 [redacted]")
    .replace(/\b((?:access_?)?token|password|passwd|secret|x-amz-security-token|x-amz-signature)=([^&\s'"]+)/gi, "$1=[redacted]");
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s && s.length >= 4) out = out.split(s).join("[redacted]");
  return out;
}
