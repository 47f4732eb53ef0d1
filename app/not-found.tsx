import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { AuthFrame } from "@/components/layout/auth-frame";

/**
 * Every 404 (an unknown path, or a process, run, source or credential the user may not see). Next.js's built-in
 * page styles itself with inline style attributes, which the nonce CSP refuses: this one uses the app's classes.
 */
export default async function NotFound() {
  const t = await getTranslations("notFoundPage");
  return (
    <AuthFrame title={t("title")} subtitle={t("body")} footer={null}>
      <Link href="/" className="block text-center text-sm font-medium text-indigo-600 hover:underline">
        {t("home")}
      </Link>
    </AuthFrame>
  );
}
