/**
 * React's reply encoding (react-server-dom's ReactFlightReplyServer): a string starting with "$" is a tag. These
 * stand for themselves: "$$…" an escaped "$", "$T…" a temporary reference (resolved by Next), "$D" a date, "$n" a
 * bigint, and undefined, NaN, ±Infinity, -0. Every other tag ("$1", "$@1", "$Q1", "$K1", "$F1", "$B1", …)
 * points at another part of a multipart reply.
 */
const SELF_CONTAINED = /^\$(?:\$|T|D|n|undefined$|NaN$|Infinity$|-Infinity$|-0$)/;

function refersToParts(value: unknown): boolean {
  if (typeof value === "string") return value.startsWith("$") && !SELF_CONTAINED.test(value);
  if (Array.isArray(value)) return value.some(refersToParts);
  if (typeof value === "object" && value !== null) return Object.values(value).some(refersToParts);
  return false;
}

/**
 * Next answers a server action whose body it cannot decode with a 500 (a JSON.parse or form-parser exception in
 * its action handler). proxy.ts checks the body first, the way React's client encodes it, and answers 400:
 * - text/plain: the arguments as one JSON array (React sends this when no argument needs a form part), whose
 *   "$"-strings are only the self-contained ones (see SELF_CONTAINED): any other refers to a part that a text body
 *   cannot have, and Next fails on it ("Connection closed", a 500);
 * - multipart/form-data: a form that parses (files, or the no-JavaScript form posts of progressive enhancement).
 * Anything else is no server action body. Next keeps its own checks (action id, size limit) after this one.
 */
export async function serverActionBodyProblem(request: Request): Promise<string | null> {
  const type = request.headers.get("content-type")?.toLowerCase() ?? "";
  if (type.startsWith("text/plain")) {
    let args: unknown;
    try {
      args = JSON.parse(await request.clone().text());
    } catch {
      return "the server action's arguments are not JSON.";
    }
    if (!Array.isArray(args)) return "the server action's arguments are not a JSON array.";
    return refersToParts(args) ? "the server action's arguments refer to parts a text body does not have." : null;
  }
  if (type.startsWith("multipart/form-data")) {
    try {
      await request.clone().formData();
      return null;
    } catch {
      return "the server action's form data cannot be parsed.";
    }
  }
  return "a server action is sent as text/plain or multipart/form-data.";
}
