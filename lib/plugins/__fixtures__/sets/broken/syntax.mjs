export const plugins = [ { code: "fix_syntax", };
