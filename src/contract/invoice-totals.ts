import type { Period } from './dates.ts';
import type { Cents } from './money.ts';

/** Whether this machine stores the low 32 bits of a 64-bit integer first. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Net revenue of one account, period, cloud region and seller: the grain at which crediting decides. */
export interface InvoiceTotal {
  account_id: string;
  period: Period;
  usage_region: string;
  /** The legal entity that invoiced it (the seller of record), when the bundle says. */
  seller: string | null;
  /** In the reporting currency. */
  net: Cents;
  rows: number;
}

/** The columns of the totals: codes into the sorted name lists, and the amounts. */
export interface TotalColumns {
  accounts: string[];
  periods: Period[];
  usageRegions: string[];
  /** `null` for totals whose rows name no seller. */
  sellers: (string | null)[];
  account: Int32Array;
  period: Uint16Array;
  usage: Uint16Array;
  seller: Uint16Array;
  net: BigInt64Array;
  rows: Int32Array;
}

/**
 * Invoice totals held as columns sorted by account, period, usage region and seller: about 22 bytes a total where
 * an object each took hundreds, so millions of account-periods fit one process. Names are interned once; each
 * account's totals are one contiguous range.
 */
export class InvoiceTotals {
  readonly length: number;
  private readonly starts: Int32Array;
  private readonly accountCodes: Map<string, number>;
  private fitInt64: boolean | undefined;

  constructor(readonly columns: TotalColumns) {
    const c = columns;
    this.length = c.account.length;
    for (let i = 1; i < this.length; i++)
      if (
        c.account[i - 1]! > c.account[i]! ||
        (c.account[i - 1] === c.account[i] && c.period[i - 1]! > c.period[i]!)
      )
        throw new Error('invoice totals must come sorted by account and period');
    this.starts = new Int32Array(c.accounts.length + 1).fill(-1);
    for (let i = this.length - 1; i >= 0; i--) this.starts[c.account[i]!] = i;
    this.starts[c.accounts.length] = this.length;
    for (let a = c.accounts.length - 1; a >= 0; a--)
      if (this.starts[a] === -1) this.starts[a] = this.starts[a + 1]!;
    this.accountCodes = new Map(c.accounts.map((id, i) => [id, i]));
  }

  /** Totals given as objects (tests, bundles read in memory), interned and sorted here. */
  static fromRows(rows: readonly InvoiceTotal[]): InvoiceTotals {
    const names = <T extends string | null>(values: Iterable<T>) =>
      [...new Set(values)].sort((a, b) => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0));
    const accounts = names(rows.map((r) => r.account_id));
    const periods = names(rows.map((r) => r.period));
    const usageRegions = names(rows.map((r) => r.usage_region));
    const sellers = names(rows.map((r) => r.seller));
    const code = <T>(list: T[]) => new Map(list.map((v, i) => [v, i]));
    const [ac, pc, uc, sc] = [code(accounts), code(periods), code(usageRegions), code(sellers)];
    const keyed = rows.map((r) => ({
      r,
      k: [ac.get(r.account_id)!, pc.get(r.period)!, uc.get(r.usage_region)!, sc.get(r.seller)!],
    }));
    keyed.sort((x, y) => x.k[0]! - y.k[0]! || x.k[1]! - y.k[1]! || x.k[2]! - y.k[2]! || x.k[3]! - y.k[3]!);
    return new InvoiceTotals({
      accounts,
      periods,
      usageRegions,
      sellers,
      account: Int32Array.from(keyed, (x) => x.k[0]!),
      period: Uint16Array.from(keyed, (x) => x.k[1]!),
      usage: Uint16Array.from(keyed, (x) => x.k[2]!),
      seller: Uint16Array.from(keyed, (x) => x.k[3]!),
      net: BigInt64Array.from(keyed, (x) => x.r.net),
      rows: Int32Array.from(keyed, (x) => x.r.rows),
    });
  }

  accountId(i: number): string {
    return this.columns.accounts[this.columns.account[i]!]!;
  }

  periodOf(i: number): Period {
    return this.columns.periods[this.columns.period[i]!]!;
  }

  usageRegion(i: number): string {
    return this.columns.usageRegions[this.columns.usage[i]!]!;
  }

  net(i: number): Cents {
    return this.columns.net[i]!;
  }

  /** One total as an object (for the few that are shown or cited). */
  at(i: number): InvoiceTotal {
    const c = this.columns;
    return {
      account_id: c.accounts[c.account[i]!]!,
      period: c.periods[c.period[i]!]!,
      usage_region: c.usageRegions[c.usage[i]!]!,
      seller: c.sellers[c.seller[i]!] ?? null,
      net: c.net[i]!,
      rows: c.rows[i]!,
    };
  }

  /** The index range [start, end) of an account's totals (empty when it has none). */
  rangeOf(accountId: string): [number, number] {
    const a = this.accountCodes.get(accountId);
    return a === undefined ? [0, 0] : [this.starts[a]!, this.starts[a + 1]!];
  }

  /** An account's totals as objects. */
  ofAccount(accountId: string): InvoiceTotal[] {
    const [start, end] = this.rangeOf(accountId);
    const out: InvoiceTotal[] = [];
    for (let i = start; i < end; i++) out.push(this.at(i));
    return out;
  }

  /** The periods any total falls in. */
  get periods(): readonly Period[] {
    return this.columns.periods;
  }

  total(): Cents {
    let sum = 0n;
    for (const v of this.columns.net) sum += v;
    return sum;
  }

  /**
   * Whether every sum of these totals fits a signed 64-bit integer: their count times a bound on the largest
   * magnitude is below 2^63. Then sums kept in 64-bit integers are exact, whatever the order of adding. The bound
   * comes from each total's high 32 bits (|v| < (|high| + 1) · 2^32), read as words: no BigInt a total.
   */
  sumsFitInt64(): boolean {
    if (this.fitInt64 === undefined) {
      const { net } = this.columns;
      const words = new Int32Array(net.buffer, net.byteOffset, net.length * 2);
      let largest = 0;
      for (let i = LITTLE_ENDIAN ? 1 : 0; i < words.length; i += 2) {
        const high = words[i]!;
        const magnitude = high < 0 ? -high : high + 1;
        if (magnitude > largest) largest = magnitude;
      }
      this.fitInt64 = BigInt(this.length) * BigInt(largest) * 2n ** 32n < 2n ** 63n;
    }
    return this.fitInt64;
  }

  rowCount(): number {
    let n = 0;
    for (const v of this.columns.rows) n += v;
    return n;
  }

  /** Every total as an object: for small bundles and tests only. */
  toRows(): InvoiceTotal[] {
    return Array.from({ length: this.length }, (_, i) => this.at(i));
  }
}
