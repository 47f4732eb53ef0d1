/** Reading the SSH wire encoding (RFC 4251 §5): uint32-length-prefixed strings and mpints, nothing else. */
export class SshFormatError extends Error {}

export class SshReader {
  private at = 0;
  constructor(readonly bytes: Buffer) {}

  string(): Buffer {
    if (this.at + 4 > this.bytes.length) throw new SshFormatError("truncated");
    const length = this.bytes.readUInt32BE(this.at);
    const start = this.at + 4;
    if (length > this.bytes.length - start) throw new SshFormatError("truncated");
    this.at = start + length;
    return this.bytes.subarray(start, this.at);
  }

  text(): string {
    return this.string().toString("latin1");
  }

  uint32(): number {
    if (this.at + 4 > this.bytes.length) throw new SshFormatError("truncated");
    const v = this.bytes.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }

  raw(n: number): Buffer {
    if (this.at + n > this.bytes.length) throw new SshFormatError("truncated");
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  /** An mpint as its unsigned big-endian magnitude (leading zero bytes dropped); negative ones are refused. */
  mpint(): Buffer {
    const b = this.string();
    if (b.length && b[0] & 0x80) throw new SshFormatError("negative integer");
    let i = 0;
    while (i < b.length && b[i] === 0) i++;
    return b.subarray(i);
  }

  get done(): boolean {
    return this.at === this.bytes.length;
  }
}

export const sshString = (b: Buffer | string) => {
  const data = typeof b === "string" ? Buffer.from(b, "latin1") : b;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, data]);
};
