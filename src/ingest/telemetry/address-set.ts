/**
 * A set of IPv4 addresses (as 32-bit numbers) for a test on every flow: a small bit filter (8 KiB, so it stays in
 * the core's own cache) answers most questions with one load, the exact set only the few it lets through.
 */
export class Ipv4Set {
  private readonly filter = new Uint8Array(FILTER_BITS / 8);
  private readonly exact = new Set<number>();

  add(address: number): void {
    const bit = slot(address);
    this.filter[bit >>> 3]! |= 1 << (bit & 7);
    this.exact.add(address);
  }

  has(address: number): boolean {
    const bit = slot(address);
    return (this.filter[bit >>> 3]! & (1 << (bit & 7))) !== 0 && this.exact.has(address);
  }

  get size(): number {
    return this.exact.size;
  }
}

const FILTER_BITS = 1 << 16;

/** The filter bit of an address: its multiplicative hash's top 16 bits. */
const slot = (address: number) => Math.imul(address | 0, 0x9e3779b1) >>> 16;
