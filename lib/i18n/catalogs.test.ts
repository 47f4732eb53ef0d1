import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";

/**
 * The message catalogs must stay in step: same keys, same ICU arguments, every message
 * parses in its own locale, and the Chinese catalog really is Chinese.
 *
 * The catalogs are read from disk (not imported) so the test always sees the current files.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CATALOGS = {
  en: "messages/en.json",
  "zh-CN": "messages/zh-CN.json",
} as const;
type CatalogLocale = keyof typeof CATALOGS;

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

function load(locale: CatalogLocale): Record<string, Json> {
  return JSON.parse(readFileSync(path.join(ROOT, CATALOGS[locale]), "utf8"));
}

/** Flattens nested namespaces to dotted keys; leaves that are not strings are reported as such. */
function flatten(obj: Record<string, Json>, prefix = "", out = new Map<string, unknown>()): Map<string, unknown> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) flatten(v, key, out);
    else out.set(key, v);
  }
  return out;
}

// Element types of @formatjs/icu-messageformat-parser's AST (TYPE enum), kept local so the
// test does not depend on that package's exports directly.
const T = { literal: 0, argument: 1, number: 2, date: 3, time: 4, select: 5, plural: 6, pound: 7, tag: 8 } as const;

interface AstNode {
  type: number;
  value?: string;
  options?: Record<string, { value: AstNode[] }>;
  children?: AstNode[];
}

/** Argument names of a message, with their kind (plain / number / plural / select / tag …), from the parsed AST. */
function argumentsOf(ast: AstNode[], out = new Set<string>()): Set<string> {
  for (const el of ast) {
    switch (el.type) {
      case T.argument:
        out.add(`${el.value}`);
        break;
      case T.number:
        out.add(`${el.value}:number`);
        break;
      case T.date:
        out.add(`${el.value}:date`);
        break;
      case T.time:
        out.add(`${el.value}:time`);
        break;
      case T.select:
        out.add(`${el.value}:select`);
        break;
      case T.plural:
        out.add(`${el.value}:plural`);
        break;
      case T.tag:
        out.add(`<${el.value}>`);
        break;
    }
    for (const opt of Object.values(el.options ?? {})) argumentsOf(opt.value, out);
    if (el.children) argumentsOf(el.children, out);
  }
  return out;
}

/** Select keys of each select argument (e.g. `loose` → {true, other}); the branches must match across locales. */
function selectKeysOf(ast: AstNode[], out = new Map<string, string[]>()): Map<string, string[]> {
  for (const el of ast) {
    if (el.type === T.select && el.options) out.set(`${el.value}`, Object.keys(el.options).sort());
    for (const opt of Object.values(el.options ?? {})) selectKeysOf(opt.value, out);
    if (el.children) selectKeysOf(el.children, out);
  }
  return out;
}

/** Parses as next-intl does at runtime (use-intl constructs IntlMessageFormat with tags enabled). */
function parse(message: string, locale: string): AstNode[] {
  return new IntlMessageFormat(message, locale).getAst() as unknown as AstNode[];
}

const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

/** zh-CN keys whose value is legitimately free of Chinese characters (brand, technical names, glyphs). */
const NON_CJK_ALLOWED = new Set(["common.appName", "common.none", "kinds.git", "kinds.s3", "sync.triggeredBy", "labels.trigger.api", "labels.field.url", "labels.field.sha256"]);

const en = flatten(load("en"));
const zh = flatten(load("zh-CN"));

describe("message catalogs", () => {
  it("have exactly the same keys", () => {
    const missingInZh = [...en.keys()].filter((k) => !zh.has(k));
    const missingInEn = [...zh.keys()].filter((k) => !en.has(k));
    const report = [
      missingInZh.length ? `missing in ${CATALOGS["zh-CN"]}:\n  ${missingInZh.join("\n  ")}` : "",
      missingInEn.length ? `missing in ${CATALOGS.en}:\n  ${missingInEn.join("\n  ")}` : "",
    ]
      .filter(Boolean)
      .join("\n");
    expect(report, report).toBe("");
  });

  it("contain only string messages", () => {
    const bad = [
      ...[...en].filter(([, v]) => typeof v !== "string").map(([k]) => `en: ${k}`),
      ...[...zh].filter(([, v]) => typeof v !== "string").map(([k]) => `zh-CN: ${k}`),
    ];
    expect(bad, `non-string leaves:\n  ${bad.join("\n  ")}`).toEqual([]);
  });

  it("parse as ICU messages in their locale", () => {
    const errors: string[] = [];
    for (const [locale, messages] of [["en", en], ["zh-CN", zh]] as const) {
      for (const [key, value] of messages) {
        if (typeof value !== "string") continue;
        try {
          parse(value, locale);
        } catch (e) {
          errors.push(`${locale} ${key}: ${(e as Error).message} — ${JSON.stringify(value)}`);
        }
      }
    }
    expect(errors, errors.join("\n")).toEqual([]);
  });

  it("use the same ICU arguments (and select branches) for every key", () => {
    const diffs: string[] = [];
    for (const [key, enValue] of en) {
      const zhValue = zh.get(key);
      if (typeof enValue !== "string" || typeof zhValue !== "string") continue;
      let enAst: AstNode[], zhAst: AstNode[];
      try {
        enAst = parse(enValue, "en");
        zhAst = parse(zhValue, "zh-CN");
      } catch {
        continue; // reported by the parse test
      }
      const a = [...argumentsOf(enAst)].sort();
      const b = [...argumentsOf(zhAst)].sort();
      if (a.join() !== b.join()) diffs.push(`${key}: en {${a.join(", ")}} ≠ zh-CN {${b.join(", ")}}`);
      const sa = selectKeysOf(enAst);
      const sb = selectKeysOf(zhAst);
      for (const [arg, keys] of sa) {
        const other = sb.get(arg);
        if (other && other.join() !== keys.join())
          diffs.push(`${key}: select "${arg}" branches en [${keys.join(", ")}] ≠ zh-CN [${other.join(", ")}]`);
      }
    }
    expect(diffs, diffs.join("\n")).toEqual([]);
  });

  it("translate every non-empty zh-CN message into Chinese (except an explicit allowlist)", () => {
    const untranslated = [...zh]
      .filter(([k, v]) => typeof v === "string" && v.trim() !== "" && !NON_CJK_ALLOWED.has(k) && !CJK.test(v))
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
    expect(untranslated, `zh-CN messages without any Chinese character:\n  ${untranslated.join("\n  ")}`).toEqual([]);
  });

  it("keeps the non-Chinese allowlist honest (every allowlisted key exists)", () => {
    const stale = [...NON_CJK_ALLOWED].filter((k) => !zh.has(k));
    expect(stale).toEqual([]);
  });
});

describe("catalog checks can fail", () => {
  it("argument extraction sees plural, select and plain arguments, nested ones included", () => {
    const ast = parse("{count, plural, one {# x {name}} other {# y {name}}} {loose, select, true {a} other {b}} {n}", "en");
    expect([...argumentsOf(ast)].sort()).toEqual(["count:plural", "loose:select", "n", "name"]);
    expect(() => parse("{count, plural, other {unclosed}", "en")).toThrow();
  });
});
