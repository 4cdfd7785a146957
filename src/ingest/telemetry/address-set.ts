/**
 * A set of IPv4 addresses (as 32-bit numbers) for a test on every flow: a bitmap of /24 blocks answers most
 * questions with one load, the exact set only the few that fall in a block it holds.
 */
export class Ipv4Set {
  private readonly blocks = new Uint8Array(1 << 21);
  private readonly exact = new Set<number>();

  add(address: number): void {
    const block = address >>> 8;
    this.blocks[block >>> 3]! |= 1 << (block & 7);
    this.exact.add(address);
  }

  has(address: number): boolean {
    const block = address >>> 8;
    return (this.blocks[block >>> 3]! & (1 << (block & 7))) !== 0 && this.exact.has(address);
  }

  get size(): number {
    return this.exact.size;
  }
}
