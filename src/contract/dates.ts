/** Calendar dates are `YYYY-MM-DD` strings (they sort as dates); periods are `YYYY-MM`. */
export type IsoDate = string;
export type Period = string;

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` naming a day of the calendar (checked by character: dates come by the million). */
export function isIsoDate(text: string): boolean {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false;
  let year = 0;
  for (let i = 0; i < 4; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return false;
    year = year * 10 + c;
  }
  const m1 = text.charCodeAt(5) - 48;
  const m2 = text.charCodeAt(6) - 48;
  const d1 = text.charCodeAt(8) - 48;
  const d2 = text.charCodeAt(9) - 48;
  if (m1 < 0 || m1 > 9 || m2 < 0 || m2 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return false;
  const month = m1 * 10 + m2;
  const day = d1 * 10 + d2;
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** `YYYY-MM` with a month from 01 to 12 (checked by character: periods come by the million). */
export function isPeriod(text: string): boolean {
  if (text.length !== 7 || text.charCodeAt(4) !== 45) return false;
  for (const i of [0, 1, 2, 3, 5, 6]) if (!isDigit(text.charCodeAt(i))) return false;
  const month = (text.charCodeAt(5) - 48) * 10 + (text.charCodeAt(6) - 48);
  return month >= 1 && month <= 12;
}

/** ISO 8601 timestamp with an offset or `Z`. */
export function isTimestamp(text: string): boolean {
  const m = TIMESTAMP.exec(text);
  if (!m || !isIsoDate(m[1]!)) return false;
  return Number(m[2]) < 24 && Number(m[3]) < 60;
}

/** The calendar date a timestamp names, as written (its own offset), so a reader can check it by eye. */
export function timestampDate(ts: string): IsoDate {
  return ts.slice(0, 10);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1]!;
  // Years 0–99 are read as 1900–1999, as Date.UTC reads them (only year 0 differs: 1900 is not a leap year).
  const y = year < 100 ? year + 1900 : year;
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
}

export function periodOf(date: IsoDate): Period {
  return date.slice(0, 7);
}

export function periodStart(p: Period): IsoDate {
  return `${p}-01`;
}

const periodEnds = new Map<Period, IsoDate>();

export function periodEnd(p: Period): IsoDate {
  let end = periodEnds.get(p);
  if (end === undefined) {
    const [y, m] = p.split('-').map(Number) as [number, number];
    end = `${p}-${String(daysInMonth(y, m)).padStart(2, '0')}`;
    periodEnds.set(p, end);
  }
  return end;
}

const nextPeriods = new Map<Period, Period>();

export function addMonths(p: Period, n: number): Period {
  // The next month is asked for in every walk over periods: worked out once per period.
  if (n === 1) {
    let next = nextPeriods.get(p);
    if (next === undefined) {
      next = monthsAfter(p, 1);
      nextPeriods.set(p, next);
    }
    return next;
  }
  return monthsAfter(p, n);
}

function monthsAfter(p: Period, n: number): Period {
  const [y, m] = p.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Inclusive list of periods from `from` to `to`. */
export function periodRange(from: Period, to: Period): Period[] {
  const out: Period[] = [];
  for (let p = from; p <= to; p = addMonths(p, 1)) out.push(p);
  return out;
}

export function addDays(d: IsoDate, n: number): IsoDate {
  return new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** `YYYY`, `YYYY-Qn` or `YYYY-MM` → its first and last month. */
export function reportingPeriodMonths(text: string): { from: Period; to: Period } | null {
  if (/^\d{4}$/.test(text)) return { from: `${text}-01`, to: `${text}-12` };
  const q = /^(\d{4})-Q([1-4])$/.exec(text);
  if (q) {
    const first = (Number(q[2]) - 1) * 3 + 1;
    return {
      from: `${q[1]}-${String(first).padStart(2, '0')}`,
      to: `${q[1]}-${String(first + 2).padStart(2, '0')}`,
    };
  }
  return isPeriod(text) ? { from: text, to: text } : null;
}
