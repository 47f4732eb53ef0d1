import { z } from "zod";

/**
 * zod, configured for the app: every module that builds schemas imports `z` from here, so this runs before any
 * schema exists. In the browser zod must not probe for eval: to pick its fast path it tries `new Function("")`
 * when a schema is built, and under the app's Content-Security-Policy (no 'unsafe-eval') that is a reported
 * violation on every page with a form, although zod catches the error. `jitless` skips the probe (zod's own
 * advice for strict CSPs); the server keeps the fast path.
 */
if (typeof window !== "undefined") z.config({ jitless: true });

export { z };
