import { notFound } from "next/navigation";
import { AppShell } from "@/components/layout/app-shell";
import { ProcessEditor } from "@/components/editor/process-editor";
import { pageUser } from "@/lib/server/auth/page-guard";
import { ExpectedError } from "@/lib/server/errors";
import { getProcess } from "@/lib/server/processes/get-process";
import { findLatestRun } from "@/lib/server/processes/get-process-run";
import { findShares } from "@/lib/server/sharing/set-share";
import { ShareCard } from "@/components/sharing/share-card";
import { cancelRunAction, saveProcessAction, shareProcessAction, startRunAction } from "../actions";

export const dynamic = "force-dynamic";

/** The process editor for one process (members and admins). */
export default async function ProcessEditorPage({ params }: { params: Promise<{ id: string }> }) {
  const user = (await pageUser("member"))!;
  const { id } = await params;
  const process = await getProcess(id, user).catch((err) => {
    if (err instanceof ExpectedError && err.status === 404) notFound();
    throw err;
  });
  const latestRun = await findLatestRun(id);
  return (
    <AppShell user={user}>
      <ProcessEditor
        process={process}
        userId={user.id}
        latestRun={latestRun}
        save={saveProcessAction.bind(null, id)}
        startRun={startRunAction.bind(null, id)}
        cancelRun={cancelRunAction.bind(null, id)}
        footer={process.access === "owner" ? <ShareCard kind="process" owner={process.owner} shares={await findShares("process", id)} share={shareProcessAction.bind(null, id)} /> : undefined}
      />
    </AppShell>
  );
}
