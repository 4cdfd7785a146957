import { type IsoDate, timestampDate } from './dates.ts';

/** Sign-ins with a known country counted per account, day and country: what the login nexus test reads. */
export interface SignInDay {
  account_id: string;
  /** The date as written in the sign-in's own offset. */
  date: IsoDate;
  country: string;
  count: number;
}

/**
 * Sign-in counts held as columns sorted by account and date: millions of sign-ins become one entry per account,
 * day and country, a few bytes each, so memory follows accounts and days, not sign-ins.
 */
export class SignIns {
  private readonly starts = new Map<string, [number, number]>();

  constructor(
    readonly columns: {
      accounts: string[];
      countries: string[];
      account: Int32Array;
      /** Days since 1970-01-01. */
      day: Int32Array;
      country: Uint16Array;
      count: Int32Array;
    },
    /** The latest sign-in date of any sign-in, with a country or not (for the export date). */
    readonly latest: IsoDate | null,
  ) {
    const { account } = columns;
    for (let i = 0; i < account.length; ) {
      let j = i;
      while (j < account.length && account[j] === account[i]) j++;
      this.starts.set(columns.accounts[account[i]!]!, [i, j]);
      i = j;
    }
  }

  /** From sign-in rows (tests, bundles read in memory). */
  static fromRows(
    rows: readonly { account_id: string; occurred_at: string; country: string | null }[],
  ): SignIns {
    const counts = new Map<string, SignInDay>();
    let latest: IsoDate | null = null;
    for (const r of rows) {
      const date = timestampDate(r.occurred_at);
      if (latest === null || date > latest) latest = date;
      if (!r.country) continue;
      const key = `${r.account_id}\u0000${date}\u0000${r.country}`;
      const entry = counts.get(key);
      if (entry) entry.count++;
      else counts.set(key, { account_id: r.account_id, date, country: r.country, count: 1 });
    }
    return SignIns.fromDays([...counts.values()], latest);
  }

  static fromDays(days: SignInDay[], latest: IsoDate | null): SignIns {
    const sorted = [...days].sort((a, b) =>
      a.account_id !== b.account_id
        ? a.account_id < b.account_id
          ? -1
          : 1
        : a.date !== b.date
          ? a.date < b.date
            ? -1
            : 1
          : a.country < b.country
            ? -1
            : 1,
    );
    const accounts = [...new Set(sorted.map((d) => d.account_id))];
    const countries = [...new Set(sorted.map((d) => d.country))].sort();
    const a = new Map(accounts.map((x, i) => [x, i]));
    const c = new Map(countries.map((x, i) => [x, i]));
    return new SignIns(
      {
        accounts,
        countries,
        account: Int32Array.from(sorted, (d) => a.get(d.account_id)!),
        day: Int32Array.from(sorted, (d) => dayNumber(d.date)),
        country: Uint16Array.from(sorted, (d) => c.get(d.country)!),
        count: Int32Array.from(sorted, (d) => d.count),
      },
      latest,
    );
  }

  /** One account's counts, those of days before `before` when given. */
  ofAccount(accountId: string, before?: IsoDate): SignIns {
    const range = this.starts.get(accountId);
    const days: SignInDay[] = [];
    if (range)
      for (let i = range[0]; i < range[1]; i++) {
        const date = dateOfDay(this.columns.day[i]!);
        if (before && date >= before) continue;
        days.push({
          account_id: accountId,
          date,
          country: this.columns.countries[this.columns.country[i]!]!,
          count: this.columns.count[i]!,
        });
      }
    const latest = days.length ? days[days.length - 1]!.date : null;
    return SignIns.fromDays(days, latest);
  }

  /** Sign-ins of an account from `from` to `to` (dates, inclusive): in all, and from one country. */
  countBetween(
    accountId: string,
    from: IsoDate,
    to: IsoDate,
    country: string,
  ): { total: number; from: number } {
    const range = this.starts.get(accountId);
    if (!range) return { total: 0, from: 0 };
    const { day, count } = this.columns;
    const code = this.columns.countries.indexOf(country);
    const [lo, hi] = [dayNumber(from), dayNumber(to)];
    let total = 0;
    let inCountry = 0;
    // Binary search to the window's first day, then walk it (a window holds at most its days × countries).
    let i = range[0];
    let j = range[1];
    while (i < j) {
      const mid = (i + j) >> 1;
      if (day[mid]! < lo) i = mid + 1;
      else j = mid;
    }
    for (; i < range[1] && day[i]! <= hi; i++) {
      total += count[i]!;
      if (this.columns.country[i] === code) inCountry += count[i]!;
    }
    return { total, from: inCountry };
  }
}

const DAY_MS = 86_400_000;

/** The calendar date of a day number. */
export function dateOfDay(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Days since 1970-01-01 of a calendar date. */
export function dayNumber(date: IsoDate): number {
  return Math.round(
    Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS,
  );
}
