import { describe, expect, it } from "vitest";
import { sourceErrorOf } from "../../__fixtures__/source-error";
import { Staging } from "../staging";
import { checkDigest, checkListed, checksummed, parseSums } from "./checksums";

const A = "a".repeat(64);
const B = "B".repeat(64);

describe("SHA256SUMS", () => {
  it("reads what sha256sum prints: text and binary mode, a leading ./, CRLF, blank lines; digests lower-cased", () => {
    const sums = parseSums(`${A}  p/one.js\r\n\n${B} *./p/two.js\n`);
    expect([...sums]).toEqual([
      ["p/one.js", A],
      ["p/two.js", "b".repeat(64)],
    ]);
  });

  it.each([
    ["a short digest", `${"a".repeat(63)}  p/x.js`, "integrity", /line 1 is not "<sha256>  <path>"/],
    ["one space only", `${A} p/x.js`, "integrity", /line 1 is not/],
    ["a path leaving the prefix", `${A}  ../other/x.js`, "unsafe_path", /unsafe path in SHA256SUMS line 1: "\.\.\/other\/x\.js"/],
    ["an absolute path", `${A}  /etc/passwd`, "unsafe_path", /unsafe path/],
    ["a backslash (sha256sum's escaped names)", `\\${A}  p\\\\x.js`, "integrity", /line 1 is not/],
    ["a dot segment inside", `${A}  p/./../../x.js`, "unsafe_path", /unsafe path/],
    ["one path twice with different digests", `${A}  p/x.js\n${B}  p/x.js`, "integrity", /lists "p\/x\.js" twice/],
  ])("refuses %s", async (_what, text, code, message) => {
    const err = await sourceErrorOf(Promise.resolve().then(() => parseSums(text)));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it("every staged object listed, every listed staged path present, each digest as listed", () => {
    const sums = parseSums(`${A}  p/x.js\n${A}  elsewhere/ignored.js\n`);
    const staging = new Staging(["p"]);
    expect(() => checkListed([{ key: "pre/p/x.js", rel: "p/x.js" }], sums, staging)).not.toThrow();
    expect(() => checkListed([{ key: "pre/p/x.js", rel: "p/x.js" }, { key: "pre/p/y.js", rel: "p/y.js" }], sums, staging)).toThrow(/"pre\/p\/y\.js" is not listed in SHA256SUMS/);
    expect(() => checkListed([], sums, staging)).toThrow(/"p\/x\.js" is listed in SHA256SUMS but not in the bucket/);
    expect(() => checkDigest({ key: "pre/p/x.js", rel: "p/x.js" }, A, sums)).not.toThrow();
    expect(() => checkDigest({ key: "pre/p/x.js", rel: "p/x.js" }, "c".repeat(64), sums)).toThrow(/has sha256 c{64}, not a{64} as SHA256SUMS lists/);
  });

  it("is checked with a pin or a signature policy, not otherwise (sources saved before have neither)", () => {
    const base = { endpoint: "", region: "us-east-1", bucket: "b", prefix: "", accessKeyId: "", pathStyle: true };
    expect(checksummed(base)).toBe(false);
    expect(checksummed({ ...base, signature: "off", sha256: "" })).toBe(false);
    expect(checksummed({ ...base, sha256: A })).toBe(true);
    expect(checksummed({ ...base, signature: "any" })).toBe(true);
    expect(checksummed({ ...base, signature: "keys", signingKeys: "x" })).toBe(true);
  });
});
