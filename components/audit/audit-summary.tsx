import { useTranslations } from "next-intl";
import { labels } from "@/lib/i18n/labels";

/**
 * One audit summary as a compact list: `field: value` or `field: from → to`, field keys and coded values (roles,
 * booleans) in the reader's language. Values that are data (names, refs, ids) stay as stored, in <code>.
 */
export function AuditSummary({ summary }: { summary: unknown }) {
  const l = labels(useTranslations("labels"));
  const tr = useTranslations("roles");
  const ts = useTranslations("sharing");
  if (typeof summary !== "object" || summary === null) return null;
  // A user's role (admin, member) or a share's (viewer, editor).
  const roles = (role: string) => (tr.has(role as never) ? tr(role as never) : ts.has(role as never) ? ts(role as never) : role);
  const show = (path: string, v: unknown) => {
    const { text, coded } = l.value(path, v, roles);
    return coded ? <span>{text}</span> : <code>{text}</code>;
  };
  return (
    <dl className="grid max-w-xl grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs">
      {Object.entries(summary).map(([path, value]) => (
        <div key={path} className="contents">
          <dt className="text-zinc-500">
            {/* Segments the catalog does not name are data (a submodule, a node id, a plugin's input key): in <code>. */}
            {l.fieldSegments(path).map((seg, i) => (
              <span key={i}>
                {i > 0 && " › "}
                {seg.known ? seg.text : <code>{seg.text}</code>}
              </span>
            ))}
          </dt>
          <dd className="break-all font-mono text-zinc-800">
            {typeof value === "object" && value !== null && "to" in value ? (
              <>
                {show(path, (value as { from: unknown }).from)} → {show(path, (value as { to: unknown }).to)}
              </>
            ) : (
              show(path, value)
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}
