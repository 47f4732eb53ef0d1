import fs from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/**
 * The lint rule for user-visible strings (eslint.config.mjs: eslint-plugin-i18next's no-literal-string and the
 * HTML attributes beside it) catches what must be translated and leaves technical text alone. The fixtures are
 * linted as if they were in components/ (the normal lint run leaves their folder out); `npm run lint` applies the
 * same rule to app/ and components/ themselves.
 */

const FIXTURES = path.resolve("lib/i18n/__fixtures__/literal-strings");
const RULES = new Set(["i18next/no-literal-string", "no-restricted-syntax"]);
const eslint = new ESLint({ cwd: path.resolve(".") });

/** `line: text` for every literal the rule reports in the fixture. */
async function reports(name: string): Promise<string[]> {
  const source = fs.readFileSync(path.join(FIXTURES, name), "utf8");
  const [result] = await eslint.lintText(source, { filePath: path.resolve("components/__lint-fixtures__", name) });
  const lines = source.split("\n");
  return result.messages
    .filter((m) => m.ruleId !== null && RULES.has(m.ruleId))
    .map((m) => {
      const text = m.endLine === m.line ? lines[m.line - 1].slice(m.column - 1, (m.endColumn ?? m.column) - 1) : lines[m.line - 1].slice(m.column - 1);
      return `${m.line}: ${text.trim()}`;
    });
}

describe("no literal user-visible strings (lint rule)", () => {
  it("reports text, rendered string expressions and text attributes; not glyphs, the brand or technical values", async () => {
    expect(await reports("demo.tsx")).toEqual(['6: "Main area"', "7: Hello", '8: "Search"', '11: "Yes"', '15: "Done"', '16: "Name"']);
  }, 60_000);

  it("technical-looking values are recognised, prose is not", async () => {
    expect(await reports("technical.tsx")).toEqual(['9: "Search"', '10: "Save."', '11: "Repository URL"', '12: "e g"']);
  }, 60_000);

  it("inside a callback (rows.map) and on plain HTML elements' text attributes too; not class names or call arguments", async () => {
    expect(await reports("nested.tsx")).toEqual(['9: "Outputs"', '10: "No"', "11: Pending"]);
  }, 60_000);
});
