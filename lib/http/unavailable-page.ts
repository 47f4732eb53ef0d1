import en from "../../messages/en.json";
import zhCN from "../../messages/zh-CN.json";
import type { DatabaseProblem } from "../db/unavailable";
import type { Locale } from "../i18n/config";

const TEXT: Record<Locale, typeof en.unavailable> = { en: en.unavailable, "zh-CN": zhCN.unavailable };

/**
 * The 503 page proxy.ts answers every page with while the database is down: self-contained HTML (it cannot rely
 * on anything the app renders, which needs the database), styled by one <style> carrying the response's CSP
 * nonce. "Try again" reloads the page that was asked for.
 */
export function unavailablePage(opts: { locale: Locale; nonce: string; problem: DatabaseProblem; path: string }): string {
  const t = TEXT[opts.locale];
  return `<!doctype html>
<html lang="${opts.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(t.title)}</title>
<style nonce="${escape(opts.nonce)}">${STYLE}</style></head>
<body><main><div class="logo">O</div><h1>${escape(t.title)}</h1>
<p>${escape(opts.problem === "unreachable" ? t.unreachable : t.migrationsPending)}</p>
<a class="button" href="${escape(opts.path)}">${escape(t.retry)}</a>
<p class="hint">${escape(t.hint)}</p></main></body></html>`;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The login page's look (zinc, indigo) in plain CSS.
const STYLE = `
*{box-sizing:border-box}body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
background:#fafafa;color:#18181b;font:15px/1.55 ui-sans-serif,system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC","PingFang SC",sans-serif;padding:16px}
main{width:100%;max-width:32rem;background:#fff;border:1px solid #e4e4e7;border-radius:.5rem;padding:2rem;box-shadow:0 1px 2px rgba(0,0,0,.05);text-align:center}
.logo{margin:0 auto 1rem;width:2.5rem;height:2.5rem;border-radius:.5rem;background:#4f46e5;color:#fff;font-weight:700;font-size:1.125rem;display:flex;align-items:center;justify-content:center}
h1{font-size:1.25rem;font-weight:600;margin:0 0 .75rem}p{margin:0 0 1.25rem;color:#52525b}
.button{display:inline-block;background:#4f46e5;color:#fff;text-decoration:none;font-weight:500;font-size:.875rem;padding:.5rem 1rem;border-radius:.375rem}
.button:hover{background:#4338ca}.hint{margin:1.25rem 0 0;font-size:.8125rem;color:#71717a}`;
