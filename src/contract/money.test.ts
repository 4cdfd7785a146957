import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonths, isIsoDate, isPeriod, isTimestamp, periodEnd, reportingPeriodMonths } from './dates.ts';
import { compareToPercentOf, formatDecimal, parseDecimal } from './decimal.ts';
import { formatMoney, isMoney, parseMoney } from './money.ts';

describe('money', () => {
  it('parses and formats exactly to the cent', () => {
    expect(parseMoney('1234.50')).toBe(123450n);
    expect(parseMoney('-0.05')).toBe(-5n);
    expect(parseMoney('7')).toBe(700n);
    expect(formatMoney(123450n)).toBe('1234.50');
    expect(formatMoney(-5n)).toBe('-0.05');
  });

  it('sums what binary floating point cannot', () => {
    const total = ['0.10', '0.20'].map(parseMoney).reduce((a, b) => a + b, 0n);
    expect(formatMoney(total)).toBe('0.30');
    expect(0.1 + 0.2).not.toBe(0.3);
  });

  it('reads every valid amount, short or up to 16 digits, exactly as its decimal text says', () => {
    const amount = fc
      .tuple(
        fc.boolean(),
        fc.stringMatching(/^\d{1,16}$/),
        fc
          .constantFrom('', '.', '.x', '.xy')
          .chain((d) => fc.tuple(fc.constant(d), fc.stringMatching(/^\d{2}$/))),
      )
      .map(([minus, units, [shape, two]]) => {
        const decimals = shape === '.x' ? `.${two[0]}` : shape === '.xy' ? `.${two}` : '';
        return `${minus ? '-' : ''}${units}${decimals}`;
      });
    fc.assert(
      fc.property(amount, (text) => {
        const [units, decimals = ''] = text.replace('-', '').split('.');
        const cents = BigInt(`${units}${decimals.padEnd(2, '0')}`) * (text.startsWith('-') ? -1n : 1n);
        expect(parseMoney(text)).toBe(cents);
      }),
      { numRuns: 2000 },
    );
    expect(parseMoney('9999999999999999.99')).toBe(999999999999999999n);
  });

  it('refuses more than two decimals and non-numbers', () => {
    expect(isMoney('1.234')).toBe(false);
    expect(isMoney('1,000.00')).toBe(false);
    expect(isMoney('abc')).toBe(false);
    expect(() => parseMoney('1e3')).toThrow();
  });
});

describe('decimal', () => {
  it('compares a difference to a percentage without rounding', () => {
    // 1 % of 1000.00 is 10.00: 10.00 is equal, 10.01 is above.
    expect(compareToPercentOf(1000n, 100000n, parseDecimal('1'))).toBe(0);
    expect(compareToPercentOf(1001n, 100000n, parseDecimal('1'))).toBe(1);
    expect(formatDecimal(parseDecimal('12.5'))).toBe('12.5');
  });
});

describe('dates', () => {
  it('knows a period by its characters exactly as the pattern YYYY-MM with months 01 to 12', () => {
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^\d{4}-\d{2}$/), fc.string({ maxLength: 8 })), (text) => {
        const m = /^(\d{4})-(\d{2})$/.exec(text);
        expect(isPeriod(text)).toBe(m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12);
      }),
      { numRuns: 2000 },
    );
  });

  it('knows real calendar dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2023-13-01')).toBe(false);
    expect(periodEnd('2024-02')).toBe('2024-02-29');
    expect(addMonths('2021-12', 1)).toBe('2022-01');
  });

  it('tells a calendar date by character exactly as the regular expression and Date.UTC did', () => {
    const byDate = (text: string) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
      if (!m) return false;
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      return mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
    };
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    const nearDates = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
      )
      .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);
    const edits = fc
      .tuple(nearDates, fc.nat(10), fc.string({ maxLength: 2 }))
      .map(([t, at, s]) => t.slice(0, at) + s + t.slice(at + 1));
    fc.assert(
      fc.property(
        fc.oneof(nearDates, edits, fc.string({ maxLength: 12 })),
        (text) => isIsoDate(text) === byDate(text),
      ),
      { numRuns: 20_000 },
    );
    for (const text of [
      '0000-02-29',
      '1900-02-29',
      '2000-02-29',
      '2100-02-29',
      '0004-02-29',
      '2024-04-31',
      '2024-12-31',
    ])
      expect(isIsoDate(text), text).toBe(byDate(text));
  });

  it('needs an offset on timestamps', () => {
    expect(isTimestamp('2021-09-24T10:00:00Z')).toBe(true);
    expect(isTimestamp('2021-09-24T10:00:00+08:00')).toBe(true);
    expect(isTimestamp('2021-09-24T10:00:00')).toBe(false);
  });

  it('spans reporting periods', () => {
    expect(reportingPeriodMonths('2022')).toEqual({ from: '2022-01', to: '2022-12' });
    expect(reportingPeriodMonths('2022-Q3')).toEqual({ from: '2022-07', to: '2022-09' });
    expect(reportingPeriodMonths('2022-06')).toEqual({ from: '2022-06', to: '2022-06' });
    expect(reportingPeriodMonths('2022-Q5')).toBeNull();
  });
});
