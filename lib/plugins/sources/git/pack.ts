/**
 * Reads objects straight from the packfiles a fetch wrote into a (bare) gitdir, for writing a tree.
 *
 * Why not isomorphic-git's `readBlob`: it resolves every deltified object's chain from scratch, inflating each base
 * again in JavaScript, so writing 1,000 small blobs of a shallow clone took ~470 ms (BENCHMARKS.md, P1). Here each
 * pack is read once, objects are inflated with Node's native zlib, and resolved delta bases are kept until their
 * last dependent has been resolved, so every object is inflated at most once while a tree is written.
 *
 * Format: gitformat-pack(5) and the version-2 `.idx` (what isomorphic-git's fetch writes next to the pack). Every
 * object returned is checked against its SHA-1, so a parsing mistake or a corrupt pack is an error, never wrong
 * bytes. An object that is not in a pack (loose, or a thin pack's external base) gives `null`: the caller falls
 * back to isomorphic-git.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { inflateSync } from "node:zlib";

export type GitObjectType = "commit" | "tree" | "blob" | "tag";
export interface GitObject {
  type: GitObjectType;
  data: Buffer;
}

const TYPES: Record<number, GitObjectType> = { 1: "commit", 2: "tree", 3: "blob", 4: "tag" };
const OFS_DELTA = 6;
const REF_DELTA = 7;
const IDX_MAGIC = 0xff744f63; // "\377tOc"

export class PackFormatError extends Error {}

interface Location {
  pack: Pack;
  offset: number;
}

interface Header {
  type: number;
  /** Inflated size of the entry's data (for a delta: of the delta instructions). */
  size: number;
  /** Where the zlib stream starts. */
  dataStart: number;
  /** Where the entry ends (the next entry's offset, or the trailer). */
  end: number;
  /** OFS_DELTA: the base's offset in the same pack; REF_DELTA: the base's oid. */
  base?: number | string;
}

class Pack {
  /** offset → end of the entry */
  readonly ends = new Map<number, number>();
  /** offset → oid */
  readonly oids = new Map<number, string>();

  constructor(
    readonly name: string,
    readonly bytes: Buffer,
  ) {}

  header(offset: number): Header {
    const b = this.bytes;
    const end = this.ends.get(offset);
    if (end === undefined) throw new PackFormatError(`${this.name}: no object starts at offset ${offset}`);
    let p = offset;
    let c = b[p++];
    const type = (c >> 4) & 7;
    let size = c & 15;
    let shift = 4;
    while (c & 0x80) {
      c = b[p++];
      size += (c & 0x7f) * 2 ** shift;
      shift += 7;
    }
    let base: number | string | undefined;
    if (type === OFS_DELTA) {
      c = b[p++];
      let back = c & 0x7f;
      while (c & 0x80) {
        c = b[p++];
        back = (back + 1) * 128 + (c & 0x7f);
      }
      base = offset - back;
      if (base < 12 || base >= offset) throw new PackFormatError(`${this.name}: bad delta base offset at ${offset}`);
    } else if (type === REF_DELTA) {
      base = b.toString("hex", p, p + 20);
      p += 20;
    } else if (!(type in TYPES)) {
      throw new PackFormatError(`${this.name}: unknown object type ${type} at offset ${offset}`);
    }
    if (p > end) throw new PackFormatError(`${this.name}: truncated object header at offset ${offset}`);
    return { type, size, dataStart: p, end, base };
  }

  inflate(h: Header, offset: number): Buffer {
    let out: Buffer;
    try {
      out = inflateSync(this.bytes.subarray(h.dataStart, h.end), { maxOutputLength: Math.max(h.size, 1) });
    } catch (e) {
      throw new PackFormatError(`${this.name}: cannot inflate the object at offset ${offset}: ${(e as Error).message}`);
    }
    if (out.length !== h.size) throw new PackFormatError(`${this.name}: the object at offset ${offset} has the wrong size`);
    return out;
  }
}

/** Reads the idx (v2) next to a pack: oid → offset, and each entry's end. */
function loadPack(packFile: string, index: Map<string, Location>): void {
  const idx = fs.readFileSync(packFile.replace(/\.pack$/, ".idx"));
  const pack = new Pack(path.basename(packFile), fs.readFileSync(packFile));
  if (pack.bytes.length < 32 || pack.bytes.toString("latin1", 0, 4) !== "PACK") {
    throw new PackFormatError(`${pack.name}: not a packfile`);
  }
  if (idx.length < 8 + 1024 + 40 || idx.readUInt32BE(0) !== IDX_MAGIC || idx.readUInt32BE(4) !== 2) {
    throw new PackFormatError(`${pack.name}: only version-2 pack indexes are supported`);
  }
  const count = idx.readUInt32BE(8 + 255 * 4);
  const oidsAt = 8 + 1024;
  const offsetsAt = oidsAt + count * 20 + count * 4;
  const largeAt = offsetsAt + count * 4;
  if (idx.length < largeAt + 40) throw new PackFormatError(`${pack.name}: truncated pack index`);
  const trailer = pack.bytes.length - 20;
  const offsets: number[] = new Array(count);
  for (let i = 0; i < count; i++) {
    let offset = idx.readUInt32BE(offsetsAt + i * 4);
    if (offset & 0x80000000) {
      const at = largeAt + (offset & 0x7fffffff) * 8;
      if (at + 8 > idx.length - 40) throw new PackFormatError(`${pack.name}: bad large offset in the pack index`);
      offset = Number(idx.readBigUInt64BE(at));
    }
    if (offset < 12 || offset >= trailer) throw new PackFormatError(`${pack.name}: offset ${offset} outside the pack`);
    const oid = idx.toString("hex", oidsAt + i * 20, oidsAt + i * 20 + 20);
    offsets[i] = offset;
    pack.oids.set(offset, oid);
    if (!index.has(oid)) index.set(oid, { pack, offset });
  }
  offsets.sort((a, b) => a - b);
  for (let i = 0; i < count; i++) pack.ends.set(offsets[i], i + 1 < count ? offsets[i + 1] : trailer);
}

/** Applies a git delta (gitformat-pack(5), "Deltified representation") to its base. */
export function applyDelta(delta: Buffer, base: Buffer, maxBytes: number): Buffer {
  let p = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    let c: number;
    do {
      if (p >= delta.length) throw new PackFormatError("truncated delta header");
      c = delta[p++];
      value += (c & 0x7f) * 2 ** shift;
      shift += 7;
    } while (c & 0x80);
    return value;
  };
  const sourceSize = varint();
  const targetSize = varint();
  if (sourceSize !== base.length) throw new PackFormatError(`delta expects a ${sourceSize}-byte base, got ${base.length}`);
  if (targetSize > maxBytes) throw new PackFormatError(`a delta result of ${targetSize} bytes exceeds the limit`);
  const out = Buffer.allocUnsafe(targetSize);
  let o = 0;
  while (p < delta.length) {
    const op = delta[p++];
    if (op & 0x80) {
      let offset = 0;
      let size = 0;
      for (let bit = 0; bit < 4; bit++) if (op & (1 << bit)) offset += delta[p++] * 2 ** (8 * bit);
      for (let bit = 0; bit < 3; bit++) if (op & (0x10 << bit)) size += delta[p++] << (8 * bit);
      if (size === 0) size = 0x10000;
      if (offset + size > base.length || o + size > targetSize) throw new PackFormatError("delta copies outside its base or target");
      base.copy(out, o, offset, offset + size);
      o += size;
    } else if (op !== 0) {
      if (p + op > delta.length || o + op > targetSize) throw new PackFormatError("delta inserts past its end");
      delta.copy(out, o, p, p + op);
      p += op;
      o += op;
    } else {
      throw new PackFormatError("delta opcode 0 is reserved");
    }
  }
  if (o !== targetSize) throw new PackFormatError(`delta produced ${o} bytes, expected ${targetSize}`);
  return out;
}

export interface TreeEntry {
  mode: string;
  path: string;
  oid: string;
}

/** isomorphic-git's normalisation of tree entry modes (GitTree), so trees read either way give the same modes. */
function normalizeMode(mode: string): string {
  if (/^0?4/.test(mode)) return "040000";
  if (/^1006/.test(mode)) return "100644";
  if (/^1007/.test(mode)) return "100755";
  if (/^120/.test(mode)) return "120000";
  if (/^160/.test(mode)) return "160000";
  return mode;
}

/** A tree object's entries ("<mode> <name>\0<20-byte oid>", repeated). Names are not checked here. */
export function parseTree(data: Buffer): TreeEntry[] {
  const out: TreeEntry[] = [];
  let p = 0;
  while (p < data.length) {
    const space = data.indexOf(0x20, p);
    const nul = space < 0 ? -1 : data.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 21 > data.length) throw new PackFormatError(`malformed tree entry at byte ${p}`);
    out.push({
      mode: normalizeMode(data.toString("latin1", p, space)),
      path: data.toString("utf8", space + 1, nul),
      oid: data.toString("hex", nul + 1, nul + 21),
    });
    p = nul + 21;
  }
  return out;
}

export class PackReader {
  /**
   * Resolved objects that will be needed again: a base is used once by each of its dependents and once when it is
   * read itself, so it is kept until all of those uses happened (for one tree write: until the end at most).
   */
  private readonly kept = new Map<string, { object: GitObject; left: number }>();
  /** oid → how many entries are deltas against it. */
  private readonly dependents = new Map<string, number>();

  private constructor(
    private readonly index: Map<string, Location>,
    private readonly maxObjectBytes: number,
  ) {
    // Count each base's dependents once, from the headers alone (no inflating).
    for (const pack of new Set([...index.values()].map((l) => l.pack))) {
      for (const offset of pack.ends.keys()) {
        const base = pack.header(offset).base;
        if (base === undefined) continue;
        const oid = typeof base === "string" ? base : pack.oids.get(base);
        if (oid === undefined) throw new PackFormatError(`${pack.name}: the delta at offset ${offset} has no base entry`);
        this.dependents.set(oid, (this.dependents.get(oid) ?? 0) + 1);
      }
    }
  }

  /** Opens every pack with an index under `<gitdir>/objects/pack` (none: an empty reader). */
  static open(gitdir: string, maxObjectBytes: number): PackReader {
    const dir = path.join(gitdir, "objects", "pack");
    const index = new Map<string, Location>();
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    for (const name of names.sort()) {
      if (name.endsWith(".pack") && names.includes(name.replace(/\.pack$/, ".idx"))) loadPack(path.join(dir, name), index);
    }
    return new PackReader(index, maxObjectBytes);
  }

  get size(): number {
    return this.index.size;
  }

  /** The object, checked against its oid; null when it (or a base it needs) is not in any pack. */
  read(oid: string): GitObject | null {
    const object = this.resolve(oid, 0);
    if (object === null) return null;
    const header = Buffer.from(`${object.type} ${object.data.length}\0`, "latin1");
    const actual = createHash("sha1").update(header).update(object.data).digest("hex");
    if (actual !== oid) throw new PackFormatError(`object ${oid} does not match its content (${actual})`);
    return object;
  }

  private resolve(oid: string, depth: number): GitObject | null {
    const kept = this.kept.get(oid);
    if (kept !== undefined) {
      if (--kept.left <= 0) this.kept.delete(oid);
      return kept.object;
    }
    const at = this.index.get(oid);
    if (at === undefined) return null;
    const { pack, offset } = at;
    if (depth > 10_000) throw new PackFormatError(`${pack.name}: delta chain too long at offset ${offset}`);
    const h = pack.header(offset);
    if (h.size > this.maxObjectBytes) throw new PackFormatError(`${pack.name}: an entry of ${h.size} bytes exceeds the limit`);
    let object: GitObject;
    if (h.base === undefined) {
      object = { type: TYPES[h.type], data: pack.inflate(h, offset) };
    } else {
      const baseOid = typeof h.base === "string" ? h.base : pack.oids.get(h.base)!;
      const base = this.resolve(baseOid, depth + 1);
      if (base === null) return null; // a thin pack's base outside every pack
      object = { type: base.type, data: applyDelta(pack.inflate(h, offset), base.data, this.maxObjectBytes) };
    }
    const uses = this.dependents.get(oid);
    if (uses !== undefined) this.kept.set(oid, { object, left: uses });
    return object;
  }
}
