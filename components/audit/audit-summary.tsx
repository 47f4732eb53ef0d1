/** One audit summary as a compact list: `path: value` or `path: from → to`. */
export function AuditSummary({ summary }: { summary: unknown }) {
  if (typeof summary !== "object" || summary === null) return null;
  const show = (v: unknown) => (v === null || v === undefined || v === "" ? "∅" : String(v));
  return (
    <dl className="grid max-w-xl grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 font-mono text-xs">
      {Object.entries(summary).map(([path, value]) => (
        <div key={path} className="contents">
          <dt className="text-zinc-500">{path}</dt>
          <dd className="break-all text-zinc-800">
            {typeof value === "object" && value !== null && "to" in value
              ? `${show((value as { from: unknown }).from)} → ${show((value as { to: unknown }).to)}`
              : show(value)}
          </dd>
        </div>
      ))}
    </dl>
  );
}
