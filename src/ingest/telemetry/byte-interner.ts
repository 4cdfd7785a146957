/**
 * Strings for repeated byte spans (account ids in flow logs): a span seen before gives its number without
 * building a string, so millions of lines cost a hash and a short compare each.
 */
export class ByteInterner {
  private table = new Int32Array(1024);
  private hashes: number[] = [];
  private spans: Buffer[] = [];
  readonly names: string[] = [];

  /** The hash `idOf` expects, as a scanner computes it byte by byte: h = h * 31 + byte (32-bit). */
  static hash(buf: Uint8Array, start: number, end: number): number {
    let h = 0;
    for (let i = start; i < end; i++) h = (Math.imul(h, 31) + buf[i]!) | 0;
    return h;
  }

  /** The number of the span [start, end) of `buf` whose hash is `h`, new spans numbered in order of arrival. */
  idOf(buf: Uint8Array, start: number, end: number, h: number): number {
    const mask = this.table.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const id = this.table[slot]! - 1;
      if (id < 0) return this.insert(slot, buf, start, end, h);
      if (this.hashes[id] === h && this.equals(id, buf, start, end)) return id;
    }
  }

  private equals(id: number, buf: Uint8Array, start: number, end: number): boolean {
    const span = this.spans[id]!;
    if (span.length !== end - start) return false;
    for (let k = 0; k < span.length; k++) if (span[k] !== buf[start + k]) return false;
    return true;
  }

  private insert(slot: number, buf: Uint8Array, start: number, end: number, h: number): number {
    const id = this.names.length;
    const span = Buffer.from(buf.subarray(start, end));
    this.spans.push(span);
    this.hashes.push(h);
    this.names.push(span.toString('utf8'));
    this.table[slot] = id + 1;
    if (this.names.length * 2 > this.table.length) this.grow();
    return id;
  }

  private grow(): void {
    this.table = new Int32Array(this.table.length * 2);
    const mask = this.table.length - 1;
    this.hashes.forEach((h, id) => {
      let slot = h & mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & mask;
      this.table[slot] = id + 1;
    });
  }
}
