import { markDatabaseUp } from "@/lib/db/health";
import { NONCE_HEADER, PATH_HEADER } from "@/lib/http/request-headers";
import { checkDatabase } from "@/lib/server/health/check-database";
import { requestLocale } from "@/lib/server/locale";
import { translator } from "@/lib/i18n";

export const dynamic = "force-dynamic";

// GET /unavailable - the 503 page proxy.ts shows for every page while the database is down; back to the page once it answers
export async function GET(request: Request): Promise<Response> {
  const problem = await checkDatabase();
  const back = pagePath(request.headers.get(PATH_HEADER));
  if (problem === "ok") {
    markDatabaseUp();
    return new Response(null, { status: 307, headers: { location: back, "cache-control": "no-store" } });
  }
  const locale = await requestLocale();
  const t = translator(locale);
  const nonce = request.headers.get(NONCE_HEADER) ?? "";
  const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(t("unavailable.title"))}</title>
<style nonce="${escape(nonce)}">${STYLE}</style></head>
<body><main><div class="logo">O</div><h1>${escape(t("unavailable.title"))}</h1>
<p>${escape(t(problem === "unreachable" ? "unavailable.unreachable" : "unavailable.migrationsPending"))}</p>
<a class="button" href="${escape(back)}">${escape(t("unavailable.retry"))}</a>
<p class="hint">${escape(t("unavailable.hint"))}</p></main></body></html>`;
  return new Response(html, {
    status: 503,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "retry-after": "10" },
  });
}

/** Where "Try again" leads: the page that was asked for (a local path only), never this page itself. */
function pagePath(value: string | null): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/unavailable")) return "/";
  return value;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The login page's look (zinc, indigo) in plain CSS: this page cannot rely on anything the app renders.
const STYLE = `
*{box-sizing:border-box}body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
background:#fafafa;color:#18181b;font:15px/1.55 ui-sans-serif,system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC","PingFang SC",sans-serif;padding:16px}
main{width:100%;max-width:28rem;background:#fff;border:1px solid #e4e4e7;border-radius:.5rem;padding:2rem;box-shadow:0 1px 2px rgba(0,0,0,.05);text-align:center}
.logo{margin:0 auto 1rem;width:2.5rem;height:2.5rem;border-radius:.5rem;background:#4f46e5;color:#fff;font-weight:700;font-size:1.125rem;display:flex;align-items:center;justify-content:center}
h1{font-size:1.25rem;font-weight:600;margin:0 0 .75rem}p{margin:0 0 1.25rem;color:#52525b}
.button{display:inline-block;background:#4f46e5;color:#fff;text-decoration:none;font-weight:500;font-size:.875rem;padding:.5rem 1rem;border-radius:.375rem}
.button:hover{background:#4338ca}.hint{margin:1.25rem 0 0;font-size:.8125rem;color:#71717a}`;
