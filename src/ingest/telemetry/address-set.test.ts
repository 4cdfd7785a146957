import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ipv4Set } from './address-set.ts';

describe('the IPv4 set', () => {
  it('holds exactly the addresses added, including neighbours in the same /24', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat({ max: 2 ** 32 - 1 }), { maxLength: 200 }),
        fc.array(fc.nat({ max: 2 ** 32 - 1 }), { maxLength: 200 }),
        (added, probes) => {
          const set = new Ipv4Set();
          for (const a of added) set.add(a);
          expect(set.size).toBe(added.length);
          const members = new Set(added);
          for (const p of [...probes, ...added.map((a) => a ^ 1), ...added])
            expect(set.has(p >>> 0)).toBe(members.has(p >>> 0));
        },
      ),
      { numRuns: 100 },
    );
  });
});
