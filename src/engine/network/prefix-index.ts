import { type Cidr, type Ip, maskV4, maskV6 } from '../../contract/ip.ts';

/** Longest-prefix match over many CIDR blocks: one hash map per prefix length, tried from the longest. */
export class PrefixIndex<T> {
  private readonly v4 = new Map<number, Map<number, T>>();
  private readonly v6 = new Map<number, Map<bigint, T>>();
  private v4Lengths: number[] = [];
  private v6Lengths: number[] = [];

  /** Adds a block; when the same block is added twice, `prefer(existing, next)` keeps one. */
  add(cidr: Cidr, value: T, prefer: (existing: T, next: T) => T = (existing) => existing): void {
    if (cidr.v === 4) {
      const byLength = this.v4.get(cidr.bits) ?? new Map<number, T>();
      const existing = byLength.get(cidr.network);
      byLength.set(cidr.network, existing === undefined ? value : prefer(existing, value));
      this.v4.set(cidr.bits, byLength);
      this.v4Lengths = [...this.v4.keys()].sort((a, b) => b - a);
    } else {
      const byLength = this.v6.get(cidr.bits) ?? new Map<bigint, T>();
      const existing = byLength.get(cidr.network);
      byLength.set(cidr.network, existing === undefined ? value : prefer(existing, value));
      this.v6.set(cidr.bits, byLength);
      this.v6Lengths = [...this.v6.keys()].sort((a, b) => b - a);
    }
  }

  /** The value of the most specific block holding the address, with that block's length. */
  lookup(ip: Ip): { value: T; bits: number } | undefined {
    if (ip.v === 4) {
      for (const bits of this.v4Lengths) {
        const value = this.v4.get(bits)!.get(maskV4(ip.n, bits));
        if (value !== undefined) return { value, bits };
      }
    } else {
      for (const bits of this.v6Lengths) {
        const value = this.v6.get(bits)!.get(maskV6(ip.n, bits));
        if (value !== undefined) return { value, bits };
      }
    }
    return undefined;
  }

  get size(): number {
    let n = 0;
    for (const m of [...this.v4.values(), ...this.v6.values()]) n += m.size;
    return n;
  }
}
