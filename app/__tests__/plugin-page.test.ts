import { afterAll, beforeAll, describe, expect, it } from "vitest";
import PluginPage from "@/app/(admin)/plugins/[code]/page";
import { signInAs, signOut } from "@/lib/test/auth";
import { createTestDatabase } from "@/lib/test/database";

/** The page of one plugin: admins only, checked by the page itself; a hostile code is a 404 before any lookup. */

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const open = (code: string) => PluginPage({ params: Promise.resolve({ code }) });
const NOT_FOUND = { digest: expect.stringMatching(/^NEXT_HTTP_ERROR_FALLBACK;404/) };

describe("/plugins/[code]", () => {
  it("renders nothing for a member (the admin layout shows Forbidden) and sends a visitor to sign in", async () => {
    await signInAs("member");
    expect(await open("builtin_log")).toBeNull();
    signOut();
    await expect(open("builtin_log")).rejects.toMatchObject({ digest: expect.stringMatching(/^NEXT_REDIRECT;/) });
  });

  it("answers 404 for what is not a plugin code: traversal, escapes, control characters, upper case, length", async () => {
    await signInAs("admin");
    for (const code of ["../../etc/passwd", "%E0%A4%A", "a%00b", "a\u0000b", "Builtin_log", "x".repeat(65), "", "no_such_plugin"]) {
      await expect(open(code), JSON.stringify(code)).rejects.toMatchObject(NOT_FOUND);
    }
  });
});
