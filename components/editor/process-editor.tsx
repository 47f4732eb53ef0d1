"use client";

import { ReactFlowProvider, useEdgesState, useNodesState, useReactFlow } from "@xyflow/react";
import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Alert, Button } from "@/components/ui";
import { pluginText } from "@/components/sources/source-preview";
import { adjacency, ancestorsOf } from "@/lib/processes/order";
import { problemMessage } from "@/lib/processes/problem-message";
import { missingPlugins, saveBlockers, validateGraph, type GraphProblem } from "@/lib/processes/validate-graph";
import type { ActionResult } from "@/lib/server/safe";
import type { ProcessDetail, ProcessRunView } from "@/lib/server/processes/process-view";
import { ZProcessName } from "@/lib/validations/process";
import { canConnect, isPluginFlowNode, toFlow, toGraph, type FlowEdge, type FlowNode, type PluginNodeData } from "./flow-graph";
import { FlowCanvas } from "./flow-canvas";
import type { NodeDisplay } from "./flow-nodes";
import { initialInputs } from "./form-values";
import { EditorToolbar } from "./editor-toolbar";
import { NodeInspector } from "./node-inspector";
import { NodePicker } from "./node-picker";
import { ProblemList } from "./problem-list";
import { RunPanel } from "./run-panel";
import { SideDrawer, useWide } from "./side-drawer";
import { useCanvasEdits } from "./use-canvas-edits";
import { useEditorKeys } from "./use-editor-keys";
import { usePluginCatalog } from "./use-plugin-catalog";
import { useProcessRun } from "./use-process-run";

type Actions = {
  save: (payload: unknown) => Promise<ActionResult<ProcessDetail>>;
  startRun: (payload: unknown) => Promise<ActionResult<{ runId: string }>>;
  cancelRun: (runId: unknown) => Promise<ActionResult<ProcessRunView>>;
};

type Props = {
  process: ProcessDetail;
  /** The signed-in user (whose "Recently used" plugins the picker shows). */
  userId: string;
  latestRun: ProcessRunView | null;
  /** Shown below the run view, at the editor's width (the owner's sharing card). */
  footer?: React.ReactNode;
} & Actions;

/** The process editor: node picker, canvas, inspector, problems and the run view. */
export function ProcessEditor(props: Props) {
  return (
    <ReactFlowProvider>
      <Editor {...props} />
    </ReactFlowProvider>
  );
}

function Editor({ process, userId, latestRun, footer, save: saveAction, startRun, cancelRun }: Props) {
  const t = useTranslations("editor");
  const tv = useTranslations("validation");
  const locale = useLocale();
  const catalog = usePluginCatalog(locale);
  const rf = useReactFlow<FlowNode, FlowEdge>();
  const [initial] = useState(() => toFlow(process.graph));
  const [nodes, setNodes, applyNodeChanges] = useNodesState<FlowNode>(initial.nodes);
  const [edges, setEdges, applyEdgeChanges] = useEdgesState<FlowEdge>(initial.edges);
  const [name, setName] = useState(process.name);
  const [version, setVersion] = useState(process.version);
  // Every edit bumps `edits`; a save records the count it saved, so edits made while it was in flight stay unsaved.
  const [edits, setEdits] = useState(0);
  const [savedEdits, setSavedEdits] = useState(0);
  const dirty = edits !== savedEdits;
  const touch = useCallback(() => setEdits((n) => n + 1), []);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<{ tone: "success" | "warning" | "error"; text: string; conflict?: boolean }>();
  const [nameError, setNameError] = useState<string>();
  const [showErrors, setShowErrors] = useState(0);
  const [serverErrors, setServerErrors] = useState<Record<string, Record<string, string>>>({});
  const searchRef = useRef<HTMLInputElement>(null);
  // Narrower than xl the picker and the inspector are drawers, opened from the bar above the canvas.
  const wide = useWide();
  const tr = useTranslations("editorLayout");
  const [pickerOpen, setPickerOpen] = useState(false);
  const [inspectorOpen, setInspectorOpen] = useState(false);
  const canvasRef = useRef<HTMLDivElement>(null);
  const edit = useCanvasEdits({ setNodes, setEdges, applyNodeChanges, applyEdgeChanges, touch });
  const runner = useProcessRun(process.id, latestRun, startRun, cancelRun);
  // Viewers read; the server refuses their saves and runs anyway.
  const readOnly = process.access === "viewer";

  useEffect(() => {
    catalog.ensure(nodes.filter(isPluginFlowNode).map((n) => n.data));
  }, [catalog, nodes]);

  const titleOf = useCallback(
    (id: string) => {
      const n = rf.getNode(id) ?? nodes.find((x) => x.id === id);
      if (!n) return id;
      if (!isPluginFlowNode(n)) return n.type === "start" ? t("start") : t("end");
      const d = catalog.descriptor(n.data.code, n.data.version);
      const known = d ?? catalog.byCode.get(n.data.code);
      return known ? pluginText(known.name, locale) : n.data.code;
    },
    [rf, nodes, catalog, locale, t],
  );

  const inputName = useCallback(
    (nodeId: string, key: string) => {
      const n = nodes.find((x) => x.id === nodeId);
      const field = n && isPluginFlowNode(n) ? catalog.descriptor(n.data.code, n.data.version)?.inputs.find((f) => f.key === key) : undefined;
      return field ? pluginText(field.label, locale) : key;
    },
    [nodes, catalog, locale],
  );

  const graph = useMemo(() => toGraph(nodes, edges), [nodes, edges]);
  const resolved = catalog.status === "ready" && graph.nodes.every((n) => n.type !== "plugin" || catalog.descriptor(n.data.code, n.data.version) !== undefined);
  const problems = useMemo(() => (resolved ? validateGraph(graph, catalog.lookup) : []), [resolved, graph, catalog.lookup]);
  const missing = missingPlugins(problems);

  const display = useMemo(() => {
    const map = new Map<string, NodeDisplay>();
    for (const n of nodes) {
      if (!isPluginFlowNode(n)) continue;
      map.set(n.id, {
        title: titleOf(n.id),
        plugin: `${n.data.code}@${n.data.version}`,
        missing: catalog.descriptor(n.data.code, n.data.version) === null,
        problem: problems.some((p) => p.nodeId === n.id),
        status: runner.results.get(n.id)?.status,
      });
    }
    return map;
  }, [nodes, titleOf, catalog, problems, runner.results]);

  const select = useCallback(
    (id: string) => {
      setNodes((ns) => ns.map((n) => ({ ...n, selected: n.id === id })));
      setEdges((es) => es.map((e) => ({ ...e, selected: false })));
    },
    [setNodes, setEdges],
  );

  const { add, updateData } = edit;
  const addNode = useCallback(
    async (code: string, v: string, at?: { x: number; y: number }) => {
      const d = await catalog.load(code, v).catch(() => null);
      if (d) add({ code, version: v, inputs: initialInputs(d.inputs) }, at);
      // In a drawer, the picker makes way for the canvas, where the new node is.
      if (!wide) setPickerOpen(false);
    },
    [catalog, add, wide],
  );

  const updateNode = useCallback((nodeId: string, data: (d: PluginNodeData) => PluginNodeData, mergeKey?: string) => updateData(nodeId, data, mergeKey), [updateData]);
  const onInputsChange = useCallback((nodeId: string, inputs: Record<string, unknown>) => updateNode(nodeId, (d) => ({ ...d, inputs }), `inputs:${nodeId}`), [updateNode]);
  const onRetriesChange = useCallback((nodeId: string, retries: number) => updateNode(nodeId, (d) => ({ ...d, retries: retries || undefined })), [updateNode]);
  const onVersionChange = useCallback(
    async (nodeId: string, v: string) => {
      const n = rf.getNode(nodeId);
      if (!n || !isPluginFlowNode(n)) return;
      const d = await catalog.load(n.data.code, v).catch(() => null);
      // Keep the values of inputs the other version also has; new inputs start from their defaults.
      const keep = (inputs: Record<string, unknown>) =>
        d ? { ...initialInputs(d.inputs), ...Object.fromEntries(Object.entries(inputs).filter(([k]) => d.inputs.some((f) => f.key === k))) } : inputs;
      updateNode(nodeId, (data) => ({ ...data, version: v, inputs: keep(data.inputs) }));
    },
    [rf, catalog, updateNode],
  );

  const save = useCallback(async (): Promise<boolean> => {
    if (saving) return false;
    const snapshot = edits;
    const g = toGraph(rf.getNodes(), rf.getEdges());
    const nameCheck = ZProcessName.safeParse(name);
    setNameError(nameCheck.success ? undefined : tv((nameCheck.error.issues[0].message === "too_long" ? "too_long" : "required") as never, { max: 100 } as never));
    const blockers = resolved ? saveBlockers(validateGraph(g, catalog.lookup)) : [];
    if (blockers.length || !nameCheck.success) {
      setShowErrors((n) => n + 1);
      const first = blockers.find((b) => b.nodeId);
      if (first?.nodeId) select(first.nodeId);
      setNotice({ tone: "error", text: t("errors.fixFirst") });
      return false;
    }
    setSaving(true);
    try {
      const res = await saveAction({ version, name: nameCheck.data, graph: g });
      if (res.ok) {
        setVersion(res.data.version);
        setSavedEdits(snapshot);
        setServerErrors({});
        // A draft: what stops it from running stays listed, and its fields show their errors.
        const left = resolved ? validateGraph(g, catalog.lookup).length : 0;
        if (left) setShowErrors((n) => n + 1);
        setNotice(left ? { tone: "warning", text: t("savedDraft", { version: res.data.version, count: left }) } : { tone: "success", text: t("saved", { version: res.data.version }) });
        return true;
      }
      const byNode: Record<string, Record<string, string>> = {};
      for (const [path, message] of Object.entries(res.fieldErrors)) {
        const [head, nodeId, key] = path.split(".");
        if (head === "nodes" && nodeId && key) (byNode[nodeId] ??= {})[key] = message;
        if (path === "name") setNameError(message);
      }
      setServerErrors(byNode);
      setNotice({ tone: "error", text: res.error, conflict: res.status === 409 });
      return false;
    } finally {
      setSaving(false);
    }
  }, [saving, edits, rf, name, tv, resolved, catalog.lookup, select, t, saveAction, version]);

  const openSearch = useCallback(() => {
    if (!wide) setPickerOpen(true);
    requestAnimationFrame(() => {
      searchRef.current?.focus();
      searchRef.current?.select();
    });
  }, [wide]);
  useEditorKeys({ save, searchRef, dirty, canvas: edit.keys, onSearch: openSearch });

  const selected = nodes.find((n) => n.selected);
  const selectedPlugin = selected && isPluginFlowNode(selected) ? selected : undefined;
  const runReason = firstReason(problems, titleOf, inputName, t);
  // What the server checks before testing one node (the rest of the process may be a draft).
  const testReason = selected
    ? firstReason(problems.filter((p) => p.blocks === "save" || (p.nodeId === selected.id && p.code !== "disconnected")), titleOf, inputName, t)
    : undefined;
  const ancestors = useMemo(() => (selected ? [...ancestorsOf(adjacency(graph), selected.id)] : []), [selected, graph]);

  return (
    <div className="relative left-1/2 w-[calc(100vw-3rem)] max-w-[1600px] -translate-x-1/2 space-y-4">
      <EditorToolbar
        processId={process.id}
        name={name}
        nameError={nameError}
        onNameChange={(next) => {
          setName(next);
          touch();
        }}
        saveState={readOnly ? t("readOnly", { owner: process.owner ?? "—" }) : dirty ? t("unsaved") : problems.length ? t("savedDraftState", { version, count: problems.length }) : t("savedState", { version })}
        readOnly={readOnly}
        saving={saving}
        starting={runner.starting === "run"}
        running={runner.run?.status === "running"}
        runBlocked={runReason}
        onSave={() => void save()}
        onRun={() => void runner.start(undefined, async () => !dirty || save())}
      />

      {notice && (
        <Alert tone={notice.tone} data-testid="editor-notice">
          {notice.text}
          {notice.conflict && (
            <Button size="sm" variant="secondary" className="ml-3" onClick={() => window.location.reload()}>{t("reload")}</Button>
          )}
        </Alert>
      )}
      {readOnly && <Alert data-testid="read-only">{t("readOnlyBanner", { owner: process.owner ?? "—" })}</Alert>}
      {missing.length > 0 && <Alert tone="warning" data-testid="missing-plugins">{t("missingPlugins", { list: missing.join(", "), count: missing.length })}</Alert>}

      <div className="flex flex-wrap gap-2 xl:hidden" data-testid="editor-drawer-bar">
        <Button size="sm" variant="secondary" aria-expanded={pickerOpen} onClick={openSearch} disabled={readOnly}>{tr("openPicker")}</Button>
        <Button size="sm" variant="secondary" aria-expanded={inspectorOpen} onClick={() => setInspectorOpen(true)}>
          {selected ? tr("openInspectorFor", { node: titleOf(selected.id) }) : tr("openInspector")}
        </Button>
      </div>

      <div className="grid grid-cols-1 items-start gap-4 xl:grid-cols-[16rem_minmax(0,1fr)_22rem]">
        <SideDrawer side="left" open={pickerOpen} onClose={() => setPickerOpen(false)} label={t("picker.region")} closeLabel={tr("closePicker")} className="xl:h-[640px] xl:overflow-visible xl:bg-transparent xl:p-0">
          <div className="min-h-0 flex-1">
            <NodePicker catalog={catalog} locale={locale} searchRef={searchRef} userId={userId} onAdd={(code, v) => void addNode(code, v)} />
          </div>
        </SideDrawer>
        <FlowCanvas
          canvasRef={canvasRef}
          nodes={nodes}
          edges={edges}
          display={display}
          titleOf={titleOf}
          onNodesChange={edit.onNodesChange}
          onEdgesChange={edit.onEdgesChange}
          onBeforeDelete={edit.onBeforeDelete}
          onConnect={edit.connect}
          history={{ ...edit.history, tidy: edit.tidy }}
          readOnly={readOnly}
          onDropPlugin={(code, v, at) => void addNode(code, v, at)}
        />
        <SideDrawer side="right" open={inspectorOpen} onClose={() => setInspectorOpen(false)} label={t("inspector.region")} closeLabel={tr("closeInspector")} className="xl:min-h-[640px] xl:overflow-visible xl:rounded-md xl:border xl:border-zinc-200">
          <NodeInspector
            node={selected}
            descriptor={selectedPlugin ? catalog.descriptor(selectedPlugin.data.code, selectedPlugin.data.version) : undefined}
            versions={selectedPlugin ? (catalog.byCode.get(selectedPlugin.data.code)?.versions ?? []) : []}
            title={selected ? titleOf(selected.id) : ""}
            locale={locale}
            references={ancestors.flatMap((id) => {
              const n = nodes.find((x) => x.id === id);
              const d = n && isPluginFlowNode(n) ? catalog.descriptor(n.data.code, n.data.version) : null;
              const last = runner.results.get(id);
              return d ? [{ nodeId: id, title: titleOf(id), outputs: d.outputs.map((o) => ({ key: o.key, label: pluginText(o.label, locale) })), last: last?.status === "succeeded" ? last.outputs : null }] : [];
            })}
            incoming={selected ? edges.filter((e) => e.target === selected.id).map((e) => ({ edgeId: e.id, nodeId: e.source, title: titleOf(e.source) })) : []}
            candidates={selected ? nodes.filter((n) => canConnect(nodes, edges, n.id, selected.id)).map((n) => ({ nodeId: n.id, title: titleOf(n.id) })) : []}
            lastRun={selected ? runner.results.get(selected.id) : undefined}
            showErrors={showErrors}
            serverErrors={selected ? serverErrors[selected.id] : undefined}
            testing={runner.starting === selected?.id}
            onInputsChange={onInputsChange}
            onRetriesChange={onRetriesChange}
            onVersionChange={(id, v) => void onVersionChange(id, v)}
            onConnect={edit.connect}
            testBlocked={testReason}
            revision={edit.revision}
            onDisconnect={(id) => void rf.deleteElements({ edges: [{ id }] })}
            onRemove={(id) => void rf.deleteElements({ nodes: [{ id }] })}
            onTest={(id) => void runner.start(id, async () => !dirty || save())}
          />
        </SideDrawer>
      </div>

      <ProblemList problems={problems} titleOf={titleOf} inputName={inputName} onSelect={select} />
      <RunPanel
        run={runner.run}
        titleOf={titleOf}
        error={runner.error}
        actions={
          <>
            {!readOnly && runner.run?.status === "running" && (
              <Button size="sm" variant="danger" onClick={() => void runner.cancel()}>{t("cancelRun")}</Button>
            )}
            {runner.run && <Link href={`/editor/${process.id}/runs/${runner.run.id}`} className="text-sm text-indigo-700 hover:underline">{t("runDetails")}</Link>}
          </>
        }
      />
      {footer}
      <p className="text-xs text-zinc-500">{t("shortcuts")}</p>
    </div>
  );
}

/** The first problem's message with how many more there are: why Run or "Test node" is refused. */
function firstReason(
  problems: GraphProblem[],
  titleOf: (id: string) => string,
  inputName: (id: string, key: string) => string,
  t: ReturnType<typeof useTranslations<"editor">>,
): string | undefined {
  if (!problems.length) return undefined;
  const { key, values } = problemMessage(problems[0], titleOf, inputName);
  return t("cannotRun", { reason: t(key as never, values as never), more: problems.length - 1 });
}
