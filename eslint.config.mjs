import i18next from "eslint-plugin-i18next";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/**
 * Every user-visible string in app/ and components/ comes from the message catalogs (messages/*.json through
 * next-intl), so the Chinese interface has no English left in it: eslint-plugin-i18next's no-literal-string on
 * JSX text, string expressions rendered in JSX (`{ok ? "Yes" : t("no")}`, `{ok && "Done"}`) and the attributes
 * below. components/ui/ is left out: those primitives get their text through props. The cases it must catch are
 * lint fixtures in lib/i18n/__fixtures__/literal-strings/ (checked by lib/i18n/literal-strings.test.ts).
 */

/**
 * Attributes whose value is shown to (or read out to) the user: the HTML ones, then the text props of the
 * components/ui primitives (PageHeader/CardHeader/EmptyState: title, description; Field: label, hint, error;
 * ConfirmButton: message, confirmLabel, cancelLabel).
 */
const TEXT_ATTRIBUTES = [
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
];

/**
 * Text that is not prose, so it needs no translation: made of words none of which has a letter (glyphs, digits),
 * is the brand (Opsflow, its logo letter O), or looks technical — a URL, a path (/mnt/x, ./x, ~/x, plugins/), a
 * dotted or slashed identifier (a.b.c, custom_plugins/collections/test1.js); or the whole text is a URL. ("Save."
 * with only a trailing period is prose.)
 */
const WORD = String.raw`(?:[^\s\p{L}]+|Opsflow|O|[A-Za-z][A-Za-z0-9+.\-]*:\/\/\S*|(?:\/|\.\.?\/|~\/)\S*|\S*\w[./]\w\S*|\S*\w\/)`;
const NOT_PROSE = new RegExp(String.raw`^(?:[A-Za-z][A-Za-z0-9+.\-]*:\/\/[\s\S]*|(?:${WORD}(?:\s+|$))*)$`, "u");

/** The same attributes on plain HTML elements, which the plugin checks only for placeholder, alt, aria-label and title. */
const HTML_TEXT_ATTRIBUTE = `JSXOpeningElement[name.name=/^[a-z]/] > JSXAttribute[name.name=/^(${TEXT_ATTRIBUTES.filter((a) => !["placeholder", "title", "aria-label", "alt"].includes(a)).join("|")})$/]`;

/** The rules for user-visible strings, also used by the fixtures' test. */
export const literalStringRules = {
  "i18next/no-literal-string": [
    "error",
    {
      framework: "react",
      mode: "jsx-only",
      "jsx-attributes": { include: TEXT_ATTRIBUTES },
      "jsx-components": { exclude: [] },
      // Arguments of these are not shown as they are: message keys of translators (t, tc, tp…; t.rich), form
      // field names (register, errorAt, err), format options, class names, and the values of a literal list
      // iterated to render (`["git", "s3", "fs"].map(…)`). JSX inside any other call (`.map(…)`) is checked.
      callees: { exclude: ["t[a-z]?", "t[a-z]?\\.\\w+", "errorAt", "register", "err", "format\\.\\w+", "cn", "\\(?\\[[^\\]]*\\]( as const)?\\)?\\.map"] },
      words: { exclude: [NOT_PROSE] },
      message: "a literal user-visible string (move it to messages/*.json and use t())",
    },
  ],
  "no-restricted-syntax": [
    "error",
    {
      selector: `${HTML_TEXT_ATTRIBUTE} > Literal[value=/\\p{L}/u]`,
      message: "a literal user-visible string (move it to messages/*.json and use t())",
    },
    {
      selector: `${HTML_TEXT_ATTRIBUTE} > JSXExpressionContainer > Literal[value=/\\p{L}/u]`,
      message: "a literal user-visible string (move it to messages/*.json and use t())",
    },
  ],
};

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      ".data/**",
      "next-env.d.ts",
      "test-results/**",
      "e2e/screenshots/**",
      "lib/plugins/__fixtures__/sets/**",
      // Linted by lib/i18n/literal-strings.test.ts, which expects their reports.
      "lib/i18n/__fixtures__/literal-strings/**",
    ],
  },
  {
    rules: {
      // `_name` marks values destructured only to drop them.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    },
  },
  {
    files: ["app/**/*.tsx", "components/**/*.tsx"],
    ignores: ["components/ui/**", "**/*.test.tsx"],
    plugins: { i18next },
    rules: literalStringRules,
  },
];

export default config;
