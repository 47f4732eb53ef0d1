import type { ReactNode } from "react";

/** The frame of the pages before the app: sign-in and the required password change. Centered, no navigation. */
export function AuthFrame({ title, subtitle, footer, children }: { title: string; subtitle: string; footer: ReactNode; children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-8">
      <div className="w-full max-w-sm space-y-6">
        <div className="space-y-2 text-center">
          <div className="mx-auto flex size-10 items-center justify-center rounded-lg bg-indigo-600 text-lg font-bold text-white">O</div>
          <h1 className="text-2xl font-semibold">{title}</h1>
          <p className="text-sm text-zinc-500">{subtitle}</p>
        </div>
        <div className="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">{children}</div>
        <div className="flex items-center justify-center gap-4">{footer}</div>
      </div>
    </main>
  );
}
