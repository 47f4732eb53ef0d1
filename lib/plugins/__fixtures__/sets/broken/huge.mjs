export const plugins = new Array(300_000).fill(0);
