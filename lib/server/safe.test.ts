import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ExpectedError } from "./errors";
import { runSafely } from "./safe";

// Counts the translators built: a catalog lookup per request is pure waste when nothing fails.
vi.mock("./locale", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./locale")>();
  return { ...actual, requestTranslator: vi.fn(actual.requestTranslator) };
});
const { requestTranslator } = await import("./locale");
const built = vi.mocked(requestTranslator);

describe("runSafely builds a translator only for failures", () => {
  beforeEach(() => built.mockClear());

  it("builds none for a successful call", async () => {
    expect(await runSafely("public", z.number(), 1, async (n) => n + 1)).toEqual({ ok: true, data: 2 });
    expect(built).not.toHaveBeenCalled();
  });

  it("builds one for a validation failure, an expected error and an unexpected one", async () => {
    const invalid = await runSafely("public", z.number(), "x", async () => 0);
    expect(invalid).toMatchObject({ ok: false, status: 422, error: expect.any(String) });
    const expected = await runSafely("public", z.unknown(), 1, async () => {
      throw new ExpectedError(404, "errors.notFound");
    });
    expect(expected).toMatchObject({ ok: false, status: 404, error: expect.any(String) });
    const unexpected = await runSafely("public", z.unknown(), 1, async () => {
      throw new Error("boom");
    });
    expect(unexpected).toMatchObject({ ok: false, status: 500, error: expect.any(String) });
    expect(built).toHaveBeenCalledTimes(3);
  });
});
