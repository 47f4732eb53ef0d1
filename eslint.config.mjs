import i18next from "eslint-plugin-i18next";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/**
 * Every user-visible string in app/ and components/ comes from the message catalogs (messages/*.json through
 * next-intl), so the Chinese interface has no English left in it: JSX text, string expressions rendered in JSX
 * (`{ok ? "Yes" : t("no")}`, `{ok && "Done"}`) and the attributes below are checked (literalStringRules).
 * components/ui/ is left out: those primitives get their text through props. The cases it must catch are
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
 * with only a trailing period is prose.) Written with \x2F for "/": selectors cannot hold a slash in a regex.
 */
const WORD = String.raw`(?:[^\s\p{L}]+|Opsflow|O|[A-Za-z][A-Za-z0-9+.\-]*:\x2F\x2F\S*|(?:\x2F|\.\.?\x2F|~\x2F)\S*|\S*\w[.\x2F]\w\S*|\S*\w\x2F)`;
const NOT_PROSE = String.raw`^\s*(?:[A-Za-z][A-Za-z0-9+.\-]*:\x2F\x2F[\s\S]*|(?:${WORD}(?:\s+|$))*)$`;
const MESSAGE = "a literal user-visible string (move it to messages/*.json and use t())";

/** A string literal or JSX text with a letter in it that is not technical (selector suffix). */
const PROSE = `[value=/\\p{L}/u]:not([value=/${NOT_PROSE}/u])`;
const TEXT_ATTRIBUTE = `JSXAttribute[name.name=/^(${TEXT_ATTRIBUTES.join("|")})$/]`;
/** Where a literal is rendered as it is: the expression itself, or a branch of `?:`, `&&`, `||`, `??`. */
const rendered = (container) => [`${container} > Literal${PROSE}`, `${container} > :matches(ConditionalExpression, LogicalExpression) > Literal${PROSE}`];

/**
 * The rules for user-visible strings (also run on the fixtures by their test). eslint-plugin-i18next checks JSX
 * text and the strings rendered in JSX outside any call; it leaves every call alone (`t("key")`, `cn(…)`,
 * `format.dateTime(d, { dateStyle: "medium" })`, and so the class names a `.map` callback computes), and it would
 * check only four attributes of HTML elements. So the attributes, and text inside callbacks (`rows.map((r) =>
 * <li>…</li>)`), are no-restricted-syntax selectors with the same notion of prose.
 */
export const literalStringRules = {
  "i18next/no-literal-string": [
    "error",
    {
      framework: "react",
      mode: "jsx-only",
      "jsx-attributes": { exclude: [".*"] },
      "jsx-components": { exclude: [] },
      callees: { exclude: [".*"] },
      words: { exclude: [new RegExp(NOT_PROSE, "u")] },
      message: MESSAGE,
    },
  ],
  "no-restricted-syntax": [
    "error",
    ...[
      `${TEXT_ATTRIBUTE} > Literal${PROSE}`,
      ...rendered(`${TEXT_ATTRIBUTE} > JSXExpressionContainer`),
      `CallExpression JSXText${PROSE}`,
      ...rendered("CallExpression :matches(JSXElement, JSXFragment) > JSXExpressionContainer"),
    ].map((selector) => ({ selector, message: MESSAGE })),
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
