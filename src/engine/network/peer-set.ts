/**
 * The distinct peers of one signal: numbers (IPv4 addresses, with ports) in an open-addressing table of doubles,
 * so counting millions of flows allocates nothing per flow; any other peer (IPv6, a node list line) as text.
 * The table holds each number plus one, so a fresh (zero-filled) table is empty without filling it.
 */
export class PeerSet {
  private table = new Float64Array(8);
  private count = 0;
  readonly texts = new Set<string>();

  add(peer: number | string): void {
    if (typeof peer === 'string') {
      this.texts.add(peer);
      return;
    }
    const stored = peer + 1;
    const mask = this.table.length - 1;
    for (let slot = hash(peer) & mask; ; slot = (slot + 1) & mask) {
      const held = this.table[slot]!;
      if (held === stored) return;
      if (held === 0) {
        this.table[slot] = stored;
        if (++this.count * 2 > this.table.length) this.resize(this.table.length * 2);
        return;
      }
    }
  }

  /** Makes room for `more` numbers at once (one resize instead of several when merging). */
  reserve(more: number): void {
    let size = this.table.length;
    while ((this.count + more) * 2 > size) size *= 2;
    if (size > this.table.length) this.resize(size);
  }

  get size(): number {
    return this.count + this.texts.size;
  }

  get numberCount(): number {
    return this.count;
  }

  /** The numeric peers, in table order. */
  numbers(): number[] {
    const out: number[] = [];
    for (const v of this.table) if (v !== 0) out.push(v - 1);
    return out;
  }

  /** Writes the numeric peers into `into` from `at` on; gives the position after them. */
  copyNumbers(into: Float64Array, at: number): number {
    const table = this.table;
    for (let i = 0; i < table.length; i++) if (table[i] !== 0) into[at++] = table[i]! - 1;
    return at;
  }

  private resize(size: number): void {
    const old = this.table;
    this.table = new Float64Array(size);
    const mask = size - 1;
    for (let i = 0; i < old.length; i++) {
      const stored = old[i]!;
      if (stored === 0) continue;
      let slot = hash(stored - 1) & mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & mask;
      this.table[slot] = stored;
    }
  }
}

/** Mixes both 32-bit halves of a whole number below 2^53. */
function hash(n: number): number {
  const low = n >>> 0;
  const high = (n / 4_294_967_296) >>> 0;
  return Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b) ^ (low >>> 13);
}
