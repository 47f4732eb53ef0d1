/**
 * Orders plugin versions: dot-separated segments compared numerically ("1.10.0" > "1.2.0"); a segment with a
 * suffix after its digits ranks below the bare number ("1.0.0-beta" < "1.0.0"), suffixes and non-numeric
 * segments compare as strings; a missing segment ranks lowest ("1.0" < "1.0.0"). Returns > 0 when `a` is newer.
 * Equal by these rules but different strings ("1.01" vs "1.1") fall back to a plain string compare, so the order
 * is total and stable.
 */
export function compareVersions(a: string, b: string): number {
  const sa = a.split(".");
  const sb = b.split(".");
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    if (sa[i] === undefined) return -1;
    if (sb[i] === undefined) return 1;
    const c = compareSegment(sa[i], sb[i]);
    if (c !== 0) return c;
  }
  return cmp(a, b);
}

const SEGMENT = /^(\d+)(.*)$/;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function compareSegment(a: string, b: string): number {
  const ma = SEGMENT.exec(a);
  const mb = SEGMENT.exec(b);
  if (!ma || !mb) return ma ? 1 : mb ? -1 : cmp(a, b);
  // Digits compared without parsing, so "99999999999999999999" is still ordered exactly.
  const na = ma[1].replace(/^0+(?=\d)/, "");
  const nb = mb[1].replace(/^0+(?=\d)/, "");
  if (na.length !== nb.length) return na.length - nb.length;
  if (na !== nb) return cmp(na, nb);
  if (ma[2] === mb[2]) return 0;
  if (ma[2] === "") return 1;
  if (mb[2] === "") return -1;
  return cmp(ma[2], mb[2]);
}
