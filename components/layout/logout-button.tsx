"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { logoutAction } from "@/app/actions/session";
import { Button } from "@/components/ui";

export function LogoutButton({ label }: { label: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  return (
    <Button variant="ghost" size="sm" loading={pending}
      onClick={() => start(async () => { await logoutAction(); router.replace("/login"); router.refresh(); })}>
      {label}
    </Button>
  );
}
