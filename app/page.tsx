import { redirect } from "next/navigation";
import { pageUser } from "@/lib/server/auth/page-guard";

export const dynamic = "force-dynamic";

/** Admins land on the sources, members on the editor. */
export default async function Home() {
  const user = await pageUser("member");
  redirect(user?.role === "admin" ? "/sources" : "/editor");
}
