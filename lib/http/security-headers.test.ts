import { describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "./security-headers";

const directive = (csp: string, name: string) => csp.split("; ").find((d) => d.startsWith(`${name} `));

describe("contentSecurityPolicy", () => {
  it("production: scripts and styles only from this origin or with the response's nonce, nothing inline", () => {
    const csp = contentSecurityPolicy("abc123", { dev: false, https: false });
    expect(directive(csp, "script-src")).toBe("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(directive(csp, "style-src")).toBe("style-src 'self' 'nonce-abc123'");
    expect(csp).not.toContain("unsafe-");
    expect(csp).not.toContain("upgrade-insecure-requests");
  });

  it("development: inline styles allowed without a nonce (a nonce makes browsers ignore 'unsafe-inline', which left next dev's own indicator unstyled)", () => {
    const csp = contentSecurityPolicy("abc123", { dev: true, https: false });
    expect(directive(csp, "style-src")).toBe("style-src 'self' 'unsafe-inline'");
    expect(directive(csp, "script-src")).toBe("script-src 'self' 'nonce-abc123' 'strict-dynamic' 'unsafe-eval'");
    expect(directive(csp, "connect-src")).toBe("connect-src 'self' ws: wss:");
  });

  it("https: upgrade-insecure-requests", () => {
    expect(contentSecurityPolicy("n", { dev: false, https: true })).toContain("upgrade-insecure-requests");
  });
});
