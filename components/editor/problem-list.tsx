"use client";

import { useTranslations } from "next-intl";
import { Alert } from "@/components/ui";
import { problemMessage } from "@/lib/processes/problem-message";
import type { GraphProblem } from "@/lib/processes/validate-graph";

type Names = { titleOf: (nodeId: string) => string; inputName: (nodeId: string, key: string) => string };

/**
 * What stops the process from being saved (red) or run (amber); a problem of one node is a button that selects it.
 */
export function ProblemList({ problems, onSelect, ...names }: { problems: GraphProblem[]; onSelect: (nodeId: string) => void } & Names) {
  const t = useTranslations("editor");
  const save = problems.filter((p) => p.blocks === "save");
  const run = problems.filter((p) => p.blocks === "run");
  return (
    <>
      {save.length > 0 && (
        <Alert tone="error" title={t("problemsSave")} data-testid="problems-save">
          <Problems problems={save} onSelect={onSelect} {...names} />
        </Alert>
      )}
      {run.length > 0 && (
        <Alert tone="warning" title={t("problemsRun")} data-testid="problems">
          <Problems problems={run} onSelect={onSelect} {...names} />
        </Alert>
      )}
    </>
  );
}

function Problems({ problems, onSelect, titleOf, inputName }: { problems: GraphProblem[]; onSelect: (nodeId: string) => void } & Names) {
  const t = useTranslations("editor");
  return (
    <ul className="list-disc space-y-0.5 pl-5">
      {problems.map((p, i) => {
        const { key, values } = problemMessage(p, titleOf, inputName);
        const text = t(key as never, values as never);
        return (
          <li key={i}>
            {p.nodeId ? (
              <button type="button" className="text-left underline decoration-dotted underline-offset-2" onClick={() => onSelect(p.nodeId!)}>{text}</button>
            ) : (
              text
            )}
          </li>
        );
      })}
    </ul>
  );
}
