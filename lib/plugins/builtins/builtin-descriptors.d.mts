import type { PluginDescriptor } from "../contract";

/** Types of builtin-descriptors.mjs (data shared with the built-ins' plugin host, which runs it as plain JavaScript). */
export const LEVELS: string[];
export const METHODS: string[];
export const MAX_SLEEP_MS: number;
export const DEFAULT_TIMEOUT_MS: number;
export const BUILTIN_DESCRIPTORS: PluginDescriptor[];
