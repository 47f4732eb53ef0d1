export const notPlugins = 1;
