import type { IsoDate } from '../contract/dates.ts';
import { groupBy } from '../util/maps.ts';

/**
 * An effective-dated history: one row per change, each in force from its `valid_from`
 * until the next row's `valid_from` (exclusive).
 */
export class Timeline<T extends { valid_from: IsoDate }> {
  readonly rows: T[];

  /** `own`: `rows` is an array handed over, kept (and sorted in place) rather than copied. */
  constructor(rows: Iterable<T>, own = false) {
    this.rows = Timeline.sorted(own && Array.isArray(rows) ? rows : [...rows]);
  }

  /** A timeline over an array of its own (sorted in place, and only when it is not already). */
  static owning<T extends { valid_from: IsoDate }>(rows: T[]): Timeline<T> {
    return new Timeline(rows, true);
  }

  private static sorted<T extends { valid_from: IsoDate }>(rows: T[]): T[] {
    for (let i = 1; i < rows.length; i++)
      if (rows[i - 1]!.valid_from > rows[i]!.valid_from)
        return rows.sort((a, b) => (a.valid_from < b.valid_from ? -1 : a.valid_from > b.valid_from ? 1 : 0));
    return rows;
  }

  /** The row in force on `date`, or undefined before the first row. */
  at(date: IsoDate): T | undefined {
    let lo = 0;
    let hi = this.rows.length - 1;
    let found: T | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const row = this.rows[mid]!;
      if (row.valid_from <= date) {
        found = row;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /**
   * `at` for dates asked in ascending order: each answer moves on from the last instead of searching (a walk over
   * an account's periods asks one date a period).
   */
  cursor(): (date: IsoDate) => T | undefined {
    let i = -1;
    return (date) => {
      while (i + 1 < this.rows.length && this.rows[i + 1]!.valid_from <= date) i++;
      return i === -1 ? undefined : this.rows[i];
    };
  }

  /** Each row after the first, with the row it replaced. */
  changes(): { before: T; after: T }[] {
    return this.rows.slice(1).map((after, i) => ({ before: this.rows[i]!, after }));
  }
}

export function timelinesBy<T extends { valid_from: IsoDate }>(
  rows: T[],
  key: (row: T) => string,
): Map<string, Timeline<T>> {
  const timelines = new Map<string, Timeline<T>>();
  for (const [k, list] of groupBy(rows, key)) timelines.set(k, Timeline.owning(list));
  return timelines;
}
