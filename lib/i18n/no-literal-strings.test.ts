import { type Dirent, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * Every user-visible string in app/ and components/ must come from the message catalogs
 * (messages/*.json via next-intl), so that the Chinese interface has no English left in it.
 *
 * Parses each .tsx file with the TypeScript compiler and reports:
 *  - JSX text children containing a letter (`<p>Hello</p>`);
 *  - string literals rendered as JSX children (`{"Hello"}`, `{ok ? "Yes" : t("no")}`);
 *  - literal string values of text-carrying attributes (`placeholder="Search"`, `title={"Hi"}`).
 *
 * components/ui/ is excluded: those primitives receive their text through props.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SCAN_DIRS = ["app", "components"];
const EXCLUDED_DIRS = ["components/ui/"];

/**
 * Attributes whose value is shown to (or read out to) the user. The first five are the HTML ones;
 * the rest are the text props of this project's components/ui primitives
 * (PageHeader/CardHeader/EmptyState: title, description; Field: label, hint, error; ConfirmButton: message, confirmLabel, cancelLabel).
 */
const TEXT_ATTRIBUTES = new Set([
  "placeholder",
  "title",
  "aria-label",
  "alt",
  "label",
  "aria-description",
  "aria-roledescription",
  "aria-placeholder",
  "aria-valuetext",
  "description",
  "hint",
  "error",
  "message",
  "confirmLabel",
  "cancelLabel",
]);

/** Literal texts allowed anywhere: the brand name and single-character glyphs. */
const ALLOWED_TEXT = new Set(["Opsflow", "O", "+", "·", "—", "–", "×", "…", "→", "←", "/", "|"]);

const LETTER = /\p{L}/u;
const HTML_ENTITY = /&(?:[a-zA-Z][a-zA-Z0-9]*|#\d+|#x[0-9a-fA-F]+);/g;

/** URLs, absolute/relative paths and dotted/slashed identifiers used as examples: not prose. */
export function looksTechnical(s: string): boolean {
  const t = s.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return true; // https://…, git://…
  if (/\s/.test(t)) return false;
  if (/^(?:\/|\.\.?\/|~\/)/.test(t)) return true; // /mnt/plugins, ./x, ~/x
  // a.b.c, plugins/, custom_plugins/collections/test1.js — a "." or "/" joined to a word character
  // ("Save." with only a trailing period is prose, not technical).
  return /\w[./]\w/.test(t) || /\w\/$/.test(t);
}

export interface Offence {
  file: string;
  line: number;
  kind: "text" | "expression" | `attribute ${string}`;
  text: string;
}

function isOffending(raw: string): string | null {
  const text = raw.replace(HTML_ENTITY, " ").replace(/\s+/g, " ").trim();
  if (!text || !LETTER.test(text)) return null;
  if (ALLOWED_TEXT.has(text) || looksTechnical(text)) return null;
  // Adjacent text merges into one node ("Opsflow + "): drop allowed words and technical tokens, then look again.
  const rest = text.split(" ").filter((w) => !ALLOWED_TEXT.has(w) && !looksTechnical(w));
  return LETTER.test(rest.join(" ")) ? text : null;
}

/** String literals an expression can evaluate to (not descending into calls: `t("key")` is fine). */
function literalStrings(expr: ts.Expression | undefined): { node: ts.Node; text: string }[] {
  if (!expr) return [];
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return [{ node: expr, text: expr.text }];
  if (ts.isTemplateExpression(expr))
    return [{ node: expr, text: [expr.head.text, ...expr.templateSpans.map((s) => s.literal.text)].join(" ") }];
  if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isSatisfiesExpression(expr) || ts.isNonNullExpression(expr))
    return literalStrings(expr.expression);
  if (ts.isConditionalExpression(expr)) return [...literalStrings(expr.whenTrue), ...literalStrings(expr.whenFalse)];
  if (ts.isBinaryExpression(expr)) {
    const op = expr.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) return literalStrings(expr.right);
    if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.PlusToken)
      return [...literalStrings(expr.left), ...literalStrings(expr.right)];
  }
  return [];
}

/** Scans one TSX source text and returns its literal user-visible strings. */
export function scanSource(file: string, source: string): Offence[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const offences: Offence[] = [];
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const report = (pos: number, kind: Offence["kind"], raw: string) => {
    const text = isOffending(raw);
    if (text) offences.push({ file, line: lineOf(pos), kind, text });
  };

  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node)) {
      if (!node.containsOnlyTriviaWhiteSpaces) {
        const start = node.getStart(sf);
        const raw = sf.text.slice(start, node.end);
        report(start + (raw.length - raw.trimStart().length), "text", raw);
      }
    } else if (ts.isJsxExpression(node) && node.parent && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) {
      for (const lit of literalStrings(node.expression)) report(lit.node.getStart(sf), "expression", lit.text);
    } else if (ts.isJsxAttribute(node)) {
      const name = node.name.getText(sf);
      if (TEXT_ATTRIBUTES.has(name) && node.initializer) {
        const init = node.initializer;
        const lits = ts.isStringLiteral(init)
          ? [{ node: init as ts.Node, text: init.text }]
          : ts.isJsxExpression(init)
            ? literalStrings(init.expression)
            : [];
        for (const lit of lits) report(lit.node.getStart(sf), `attribute ${name}`, lit.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return offences;
}

function tsxFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  return (readdirSync(abs, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((d) => d.isFile() && d.name.endsWith(".tsx") && !d.name.endsWith(".test.tsx"))
    // Dirent.parentPath is Node ≥ 20.12; older 20.x only has the (deprecated) .path.
    .map((d) => path.relative(ROOT, path.join(d.parentPath ?? (d as { path?: string }).path ?? abs, d.name)).split(path.sep).join("/"))
    .filter((rel) => !EXCLUDED_DIRS.some((ex) => rel.startsWith(ex)))
    .sort();
}

const format = (o: Offence) => `${o.file}:${o.line}  ${o.kind}  ${JSON.stringify(o.text)}`;

describe("no literal user-visible strings in components", () => {
  it("the scanner finds literals (self-check)", () => {
    const snippet = [
      'import { useTranslations } from "next-intl";',
      "export function Demo({ ok }: { ok: boolean }) {",
      '  const t = useTranslations("x");',
      "  return (",
      '    <div title={t("title")} aria-label="Main area">',
      "      <p>Hello</p>",
      '      <input placeholder="Search" />',
      '      <input placeholder="https://git.example.com/team/plugins.git" />',
      '      <input placeholder="/mnt/plugins" />',
      '      <img alt={ok ? "Yes" : t("no")} />',
      '      <span className="font-bold text-white">O</span>',
      "      Opsflow",
      '      + {t("add")} · — &nbsp;',
      '      {ok && "Done"}',
      '      <Field label={"Name"} hint={t("hint")} />',
      '      <p>{t("a")} &amp; {t("b")}</p>',
      "    </div>",
      "  );",
      "}",
    ].join("\n");
    expect(scanSource("demo.tsx", snippet).map(format)).toEqual([
      'demo.tsx:5  attribute aria-label  "Main area"',
      'demo.tsx:6  text  "Hello"',
      'demo.tsx:7  attribute placeholder  "Search"',
      'demo.tsx:10  attribute alt  "Yes"',
      'demo.tsx:14  expression  "Done"',
      'demo.tsx:15  attribute label  "Name"',
    ]);
  });

  it("technical-looking values are recognised, prose is not", () => {
    for (const s of ["https://s3.example.com", "/mnt/plugins", "plugins/", "a.b.c", "custom_plugins/collections/test1.js"])
      expect(looksTechnical(s), s).toBe(true);
    for (const s of ["Search", "Save.", "Repository URL", "e g"]) expect(looksTechnical(s), s).toBe(false);
  });

  const files = SCAN_DIRS.flatMap(tsxFiles);

  it("finds the component files to scan", () => {
    expect(files.length).toBeGreaterThan(0);
    expect(files.some((f) => f.startsWith("components/ui/"))).toBe(false);
  });

  it("app/ and components/ (outside components/ui/) render only translated strings", () => {
    const offences = files.flatMap((f) => scanSource(f, readFileSync(path.join(ROOT, f), "utf8")));
    const lines = offences.map(format);
    expect(lines, `literal user-visible strings (move them to messages/*.json):\n  ${lines.join("\n  ")}`).toEqual([]);
  });
});
