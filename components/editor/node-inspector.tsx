"use client";

import { useTranslations } from "next-intl";
import { useId } from "react";
import { Alert, Badge, Button, Field, Select } from "@/components/ui";
import { pluginText } from "@/components/sources/source-preview";
import type { PluginDescriptor } from "@/lib/plugins/contract";
import type { NodeRunView } from "@/lib/server/processes/process-view";
import { MAX_RETRIES } from "@/lib/processes/graph";
import { referenceText } from "@/lib/processes/templates";
import { isPluginFlowNode, type FlowNode } from "./flow-graph";
import { InputForm, type ReferenceSource } from "./input-form";
import { NodeRunDetails } from "./run-panel";

export interface Connection {
  edgeId: string;
  nodeId: string;
  title: string;
}

/**
 * The selected node: for a plugin node, its plugin (version choice, description), the generated input form, the
 * outputs it offers to later nodes, its connections, "Test node" and its last result. A node whose plugin version
 * is not in the active generation says so and why, and keeps its stored inputs.
 */
export function NodeInspector(props: {
  node: FlowNode | undefined;
  /** undefined: loading; null: not in the active generation. */
  descriptor: PluginDescriptor | null | undefined;
  versions: string[];
  title: string;
  locale: string;
  references: ReferenceSource[];
  incoming: Connection[];
  candidates: { nodeId: string; title: string }[];
  lastRun?: NodeRunView;
  showErrors: number;
  serverErrors?: Record<string, string>;
  testing: boolean;
  /** Changes when undo or redo restored the graph: the form starts again from the node's values. */
  revision: number;
  /** Why this node cannot be tested now; "Test node" is disabled and this is shown beside it. */
  testBlocked?: string;
  onInputsChange: (nodeId: string, inputs: Record<string, unknown>) => void;
  onRetriesChange: (nodeId: string, retries: number) => void;
  onVersionChange: (nodeId: string, version: string) => void;
  onConnect: (source: string, target: string) => void;
  onDisconnect: (edgeId: string) => void;
  onRemove: (nodeId: string) => void;
  onTest: (nodeId: string) => void;
}) {
  const t = useTranslations("editor.inspector");
  const id = useId();
  const { node, descriptor, locale } = props;

  if (!node) return <p className="text-sm text-zinc-500">{t("empty")}</p>;

  const connections = node.type !== "start" && (
    <section className="space-y-2" aria-labelledby={`${id}-conn`}>
      <h3 id={`${id}-conn`} className="text-sm font-semibold text-zinc-900">{t("runsAfter")}</h3>
      {props.incoming.length === 0 && <p className="text-sm text-zinc-500">{t("noIncoming")}</p>}
      <ul className="space-y-1">
        {props.incoming.map((c) => (
          <li key={c.edgeId} className="flex items-center justify-between gap-2 text-sm">
            <span className="truncate">{c.title}</span>
            <Button size="sm" variant="ghost" onClick={() => props.onDisconnect(c.edgeId)} aria-label={t("disconnect", { node: c.title })}>×</Button>
          </li>
        ))}
      </ul>
      {props.candidates.length > 0 && (
        <Select aria-label={t("connectFrom")} className="h-8 text-xs" value="" onChange={(e) => e.target.value && props.onConnect(e.target.value, node.id)}>
          <option value="">{t("connectFrom")}</option>
          {props.candidates.map((c) => (
            <option key={c.nodeId} value={c.nodeId}>{c.title}</option>
          ))}
        </Select>
      )}
    </section>
  );

  if (!isPluginFlowNode(node)) {
    return (
      <div className="space-y-4">
        <h2 className="text-base font-semibold text-zinc-900">{props.title}</h2>
        <p className="text-sm text-zinc-600">{node.type === "start" ? t("startHelp") : t("endHelp")}</p>
        {connections}
      </div>
    );
  }

  const { code, version, inputs } = node.data;
  return (
    <div className="space-y-5" data-testid="node-inspector">
      <div className="space-y-1">
        <div className="flex items-start justify-between gap-2">
          <h2 className="text-base font-semibold text-zinc-900">{props.title}</h2>
          {descriptor === null && <Badge tone="red">{t("missingBadge")}</Badge>}
        </div>
        <p className="font-mono text-xs text-zinc-500">{t("nodeId", { id: node.id })}</p>
        {descriptor?.description && <p className="text-sm text-zinc-600">{pluginText(descriptor.description, locale)}</p>}
      </div>

      <div className="flex items-center gap-2">
        <label htmlFor={`${id}-version`} className="shrink-0 text-sm text-zinc-700">{t("version")}</label>
        <Select id={`${id}-version`} className="h-8 w-auto text-sm" value={version} onChange={(e) => props.onVersionChange(node.id, e.target.value)}>
          {!props.versions.includes(version) && <option value={version}>{t("versionMissing", { version })}</option>}
          {props.versions.map((v, i) => (
            <option key={v} value={v}>{i === 0 ? t("latest", { version: v }) : v}</option>
          ))}
        </Select>
      </div>

      {descriptor === null && (
        <Alert tone="error" title={t("missingTitle")}>
          <p>{props.versions.length ? t("missingVersion", { code, version, available: props.versions.join(", ") }) : t("missingCode", { code, version })}</p>
          <p className="mt-1">{t("missingHelp")}</p>
          {Object.keys(inputs).length > 0 && (
            <pre className="mt-2 max-h-40 overflow-auto rounded bg-white/70 p-2 font-mono text-xs text-zinc-800">{JSON.stringify(inputs, null, 2)}</pre>
          )}
        </Alert>
      )}
      {descriptor === undefined && <p className="text-sm text-zinc-500">{t("loading")}</p>}

      {descriptor && (
        <section className="space-y-3" aria-labelledby={`${id}-inputs`}>
          <h3 id={`${id}-inputs`} className="text-sm font-semibold text-zinc-900">{t("inputs")}</h3>
          <InputForm
            key={`${node.id}@${version}#${props.revision}`}
            nodeId={node.id}
            fields={descriptor.inputs}
            inputs={inputs}
            onChange={(next) => props.onInputsChange(node.id, next)}
            references={props.references}
            showErrors={props.showErrors}
            serverErrors={props.serverErrors}
            locale={locale}
          />
        </section>
      )}

      {descriptor && (
        <section className="space-y-2" aria-labelledby={`${id}-outputs`}>
          <h3 id={`${id}-outputs`} className="text-sm font-semibold text-zinc-900">{t("outputs")}</h3>
          {descriptor.outputs.length === 0 ? (
            <p className="text-sm text-zinc-500">{t("noOutputs")}</p>
          ) : (
            <ul className="space-y-1.5" data-testid="node-outputs">
              {descriptor.outputs.map((o) => (
                <li key={o.key} className="text-sm">
                  <span className="font-medium">{pluginText(o.label, locale)}</span> <Badge>{o.type}</Badge>
                  <code className="mt-0.5 block truncate font-mono text-[11px] text-zinc-500" title={referenceText(node.id, o.key)}>{referenceText(node.id, o.key)}</code>
                </li>
              ))}
            </ul>
          )}
          {descriptor.outputs.length > 0 && <p className="text-xs text-zinc-500">{t("outputsHint")}</p>}
        </section>
      )}

      {descriptor && (
        <Field label={t("retries")} htmlFor={`${id}-retries`} hint={t("retriesHint")}>
          <Select id={`${id}-retries`} aria-describedby={`${id}-retries-hint`} className="h-8 w-auto text-sm" value={String(node.data.retries ?? 0)} onChange={(e) => props.onRetriesChange(node.id, Number(e.target.value))}>
            {Array.from({ length: MAX_RETRIES + 1 }, (_, n) => (
              <option key={n} value={n}>{n === 0 ? t("retriesNone") : n}</option>
            ))}
          </Select>
        </Field>
      )}

      {connections}

      <div className="flex flex-wrap gap-2">
        <Button size="sm" variant="secondary" loading={props.testing} disabled={!descriptor || !!props.testBlocked} onClick={() => props.onTest(node.id)} aria-describedby={props.testBlocked ? `${id}-test-blocked` : undefined}>
          {props.testing ? t("testing") : t("test")}
        </Button>
        <Button size="sm" variant="ghost" onClick={() => props.onRemove(node.id)}>{t("remove")}</Button>
      </div>
      {props.testBlocked && descriptor && <p id={`${id}-test-blocked`} className="text-sm text-amber-800" data-testid="test-blocked">{props.testBlocked}</p>}

      {props.lastRun && (
        <section className="space-y-2" aria-labelledby={`${id}-last`}>
          <h3 id={`${id}-last`} className="text-sm font-semibold text-zinc-900">{t("lastRun")}</h3>
          <NodeRunDetails node={props.lastRun} />
        </section>
      )}
    </div>
  );
}
