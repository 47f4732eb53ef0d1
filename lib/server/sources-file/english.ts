import "server-only";
import { createTranslator } from "use-intl/core";
import en from "../../../messages/en.json";

/**
 * English catalog text for the sources-file messages (CLI, release, server log). The same translator as lib/i18n's
 * `translator("en")`, taken from use-intl/core: next-intl's entry point pulls in its React provider, which cannot
 * load under `node --conditions=react-server` outside Next (React's server build has no createContext).
 */
export const english = createTranslator({ locale: "en", messages: en });
