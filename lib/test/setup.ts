import { vi } from "vitest";
import { testCookies } from "./request";

// Server actions and route handlers read cookies through next/headers; tests drive them with a cookie jar.
vi.mock("next/headers", () => ({
  cookies: async () => testCookies,
  headers: async () => new Headers(testCookies.requestHeaders()),
}));
// Outside a Next request there is no cache to revalidate.
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));
