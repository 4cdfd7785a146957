import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../util/hash.ts';
import { linesDigest } from './ledger.ts';

describe('linesDigest', () => {
  it('is the SHA-256 of the lines joined by line breaks, hashed a line at a time', () => {
    expect(linesDigest([])).toBe(sha256Hex(''));
    expect(linesDigest(['{"a":"価格"}', '', 'b'])).toBe(sha256Hex('{"a":"価格"}\n\nb'));
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' })), (lines) => {
        expect(linesDigest(lines)).toBe(sha256Hex(lines.join('\n')));
      }),
    );
  });
});
