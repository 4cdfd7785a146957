import { describe, expect, it } from 'vitest';
import { threadsFor } from './telemetry.ts';

const MB = 1 << 20;
const plain = (mb: number) =>
  Array.from({ length: 4 }, (_, i) => ({ path: `flows-${i}.log`, bytes: (mb / 4) * MB }));
const gzipped = (mb: number, files = 1000) =>
  Array.from({ length: files }, (_, i) => ({ path: `part-${i}.log.gz`, bytes: (mb / files) * MB }));

describe('threads for flow logs', () => {
  it('keeps to one thread where a second would not pay for its start', () => {
    expect(threadsFor(plain(217), 2)).toBe(1);
    expect(threadsFor(gzipped(40), 2)).toBe(1);
  });

  it('takes every core, up to eight, for large logs, counting a gzipped byte as six plain ones', () => {
    expect(threadsFor(plain(870), 2)).toBe(2);
    expect(threadsFor(gzipped(95), 2)).toBe(2);
    expect(threadsFor([...plain(100), ...gzipped(40)], 4)).toBe(4);
    expect(threadsFor(plain(870), 32)).toBe(8);
  });
});

describe('threads for DNS logs', () => {
  it('counts a byte of a Resolver log as four of a flow log, gzipped ones six times more', () => {
    expect(threadsFor(plain(60), 2, 4)).toBe(1);
    expect(threadsFor(plain(80), 2, 4)).toBe(2);
    expect(threadsFor(gzipped(10), 2, 4)).toBe(1);
    expect(threadsFor(gzipped(15), 2, 4)).toBe(2);
  });
});
