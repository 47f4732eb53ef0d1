const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The text without its first reference to that output (written with or without spaces inside the braces). */
export function withoutReference(text: string, nodeId: string, key: string): string {
  return text.replace(new RegExp(String.raw`\{\{\s*nodes\.${escape(nodeId)}\.outputs\.${escape(key)}\s*\}\}`), "");
}
