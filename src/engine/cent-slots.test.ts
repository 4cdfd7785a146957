import { describe, expect, it } from 'vitest';
import { CentSlots } from './cent-slots.ts';

describe('CentSlots', () => {
  const values = BigInt64Array.from([5n, -7n, 1_000_000_000_001n, 3n, -2n, 9_007_199_254_740_993n]);
  const slotOf = [0, 1, 0, 2, 1, 0];

  it('sums in 64-bit slots as exactly as in BigInts, past 2^53', () => {
    const sum = (fits64: boolean) => {
      const slots = new CentSlots(3, fits64);
      for (let i = 0; i < values.length; i++) slots.addFrom(slotOf[i]!, values, i);
      return [0, 1, 2].map((s) => slots.get(s));
    };
    expect(sum(true)).toEqual([9_007_199_254_740_993n + 1_000_000_000_006n, -9n, 3n]);
    expect(sum(false)).toEqual(sum(true));
  });

  it('holds sums beyond 64 bits in BigInt slots', () => {
    const big = BigInt64Array.from([2n ** 62n, 2n ** 62n]);
    const slots = new CentSlots(1, false);
    slots.addFrom(0, big, 0);
    slots.addFrom(0, big, 1);
    expect(slots.get(0)).toBe(2n ** 63n);
  });
});
