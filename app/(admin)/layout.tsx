import { AppShell } from "@/components/layout/app-shell";
import { Forbidden } from "@/components/layout/forbidden";
import { pageSession, pageUser } from "@/lib/server/auth/page-guard";

export const dynamic = "force-dynamic";

/** Admin frame. Each page checks the role again itself (layouts are not re-run on client navigation). */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const admin = await pageUser("admin");
  const user = admin ?? (await pageSession())!;
  return <AppShell user={user}>{admin ? children : <Forbidden username={user.username} />}</AppShell>;
}
