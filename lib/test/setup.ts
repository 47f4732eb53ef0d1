import { vi } from "vitest";
import { testCookies } from "./request";

// Server actions and route handlers read cookies through next/headers; tests drive them with a cookie jar.
vi.mock("next/headers", () => ({
  cookies: async () => testCookies,
  headers: async () => new Headers(testCookies.requestHeaders()),
}));
// Outside a Next request there is no cache to revalidate.
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

// Keep bcrypt cheap in tests and the dev secret out of the working tree.
process.env.BCRYPT_ROUNDS ??= "4";
process.env.DATA_DIR ??= (await import("node:fs")).mkdtempSync(
  (await import("node:path")).join((await import("node:os")).tmpdir(), "opsflow-test-"),
);
