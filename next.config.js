// @ts-check
/* eslint-disable @typescript-eslint/no-require-imports -- Next loads next.config.js as CommonJS */
const createNextIntlPlugin = require("next-intl/plugin");

const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

/** @type {import("next").NextConfig} */
const nextConfig = {
  // PGlite ships WASM + data files it loads from its own package directory: never bundle it.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@prisma/client", "proper-lockfile", "pino", "pino-pretty", "isomorphic-git"],
  poweredByHeader: false,
  // `next dev` blocks its dev resources (HMR, chunks) for hosts other than localhost; 127.0.0.1 is the same machine.
  allowedDevOrigins: ["127.0.0.1", "localhost"],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

module.exports = withNextIntl(nextConfig);
