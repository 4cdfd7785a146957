import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PeerSet } from './peer-set.ts';

describe('the peer set', () => {
  it('counts distinct peers exactly, numbers and texts alike, as a Set does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.nat({ max: 2 ** 48 }), fc.constantFrom(0, 1, 2 ** 32, 2 ** 48), fc.string()), {
          maxLength: 2000,
        }),
        (peers) => {
          const set = new PeerSet();
          for (const p of peers) set.add(p);
          const expected = new Set(peers);
          expect(set.size).toBe(expected.size);
          expect(new Set([...set.numbers(), ...set.texts])).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});
