/**
 * Sums of cents in numbered slots, exact. When no sum can overflow a signed 64-bit integer (the caller knows, e.g.
 * from `InvoiceTotals.sumsFitInt64`), the slots are 64-bit integers and an addition makes no BigInt: millions of
 * totals add up without a gigabyte of garbage. Otherwise they are BigInts.
 */
export class CentSlots {
  private readonly fixed: BigInt64Array;
  private readonly big: bigint[];

  constructor(
    size: number,
    private readonly fits64: boolean,
  ) {
    this.fixed = new BigInt64Array(fits64 ? size : 0);
    this.big = fits64 ? [] : new Array<bigint>(size).fill(0n);
  }

  /** Adds `values[i]` to the slot (read in place, so no BigInt is made for it either). */
  addFrom(slot: number, values: BigInt64Array, i: number): void {
    if (this.fits64) this.fixed[slot] = BigInt.asIntN(64, this.fixed[slot]! + values[i]!);
    else this.big[slot]! += values[i]!;
  }

  get(slot: number): bigint {
    return this.fits64 ? this.fixed[slot]! : this.big[slot]!;
  }
}
