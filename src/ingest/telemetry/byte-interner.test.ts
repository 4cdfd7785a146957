import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteInterner } from './byte-interner.ts';

describe('the byte interner', () => {
  it('gives one number per distinct span, in order of arrival, with its string', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 6 }), { maxLength: 3000 }), (words) => {
        const interner = new ByteInterner();
        const expected = new Map<string, number>();
        for (const word of words) {
          // Each word inside a larger buffer, so spans are compared by their bytes, not their place.
          const buf = Buffer.from(`>${word}<`);
          const id = interner.idOf(buf, 1, buf.length - 1, ByteInterner.hash(buf, 1, buf.length - 1));
          if (!expected.has(word)) expected.set(word, expected.size);
          expect(id).toBe(expected.get(word));
          expect(interner.names[id]).toBe(word);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('tells apart spans whose hashes collide', () => {
    const interner = new ByteInterner();
    const a = Buffer.from('Aa');
    const b = Buffer.from('BB'); // 'Aa' and 'BB' share the hash h * 31 + byte
    expect(ByteInterner.hash(a, 0, 2)).toBe(ByteInterner.hash(b, 0, 2));
    expect(interner.idOf(a, 0, 2, ByteInterner.hash(a, 0, 2))).toBe(0);
    expect(interner.idOf(b, 0, 2, ByteInterner.hash(b, 0, 2))).toBe(1);
    expect(interner.idOf(a, 0, 2, ByteInterner.hash(a, 0, 2))).toBe(0);
  });
});
