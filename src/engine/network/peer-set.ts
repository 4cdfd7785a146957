/**
 * The distinct peers of one signal: numbers (IPv4 addresses, with ports) in an open-addressing table of doubles,
 * so counting millions of flows allocates nothing per flow; any other peer (IPv6, a node list line) as text.
 */
export class PeerSet {
  private table = new Float64Array(8).fill(EMPTY);
  private count = 0;
  readonly texts = new Set<string>();

  add(peer: number | string): void {
    if (typeof peer === 'string') {
      this.texts.add(peer);
      return;
    }
    const mask = this.table.length - 1;
    for (let slot = hash(peer) & mask; ; slot = (slot + 1) & mask) {
      const held = this.table[slot]!;
      if (held === peer) return;
      if (held === EMPTY) {
        this.table[slot] = peer;
        if (++this.count * 2 > this.table.length) this.grow();
        return;
      }
    }
  }

  get size(): number {
    return this.count + this.texts.size;
  }

  /** The numeric peers, in table order. */
  numbers(): number[] {
    const out: number[] = [];
    for (const v of this.table) if (v !== EMPTY) out.push(v);
    return out;
  }

  /** Writes the numeric peers into `into` from `at` on; gives the position after them. */
  copyNumbers(into: Float64Array, at: number): number {
    const table = this.table;
    for (let i = 0; i < table.length; i++) if (table[i] !== EMPTY) into[at++] = table[i]!;
    return at;
  }

  get numberCount(): number {
    return this.count;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Float64Array(old.length * 2).fill(EMPTY);
    this.count = 0;
    for (const v of old) if (v !== EMPTY) this.add(v);
  }
}

/** Peers are never negative. */
const EMPTY = -1;

/** Mixes both 32-bit halves of a whole number below 2^53. */
function hash(n: number): number {
  const low = n >>> 0;
  const high = (n / 4_294_967_296) >>> 0;
  return Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b) ^ (low >>> 13);
}
