import { describe, expect, it } from 'vitest';
import { decodeResult, encodeResult, type JobResultHead } from './jobs.ts';

const head: JobResultHead = {
  index: 3,
  digest: 'abc',
  worker: 'w1',
  ms: 12,
  counts: [{ file: 'flowlogs/a.log.gz', records: 500, skipped: 0 }],
};

describe('a job result as stored in the cluster', () => {
  it('gives back the head and the state byte for byte, the state deflated on the way', async () => {
    const lines = Array.from(
      { length: 2000 },
      (_, i) => `2 A${i % 7} eni-1 10.0.0.5 52.1.2.${i % 250} 443 6 ACCEPT OK\n`,
    );
    const state = new Uint8Array(Buffer.from(lines.join('')));
    const stored = await encodeResult(head, state);
    expect(stored.length).toBeLessThan(state.length / 4);
    const back = await decodeResult(stored);
    expect(back.head).toMatchObject(head);
    expect(Buffer.from(back.state!).equals(Buffer.from(state))).toBe(true);
  });

  it('keeps a result without state (a job that failed on its input) as it is', async () => {
    const failed = { ...head, error: { name: 'TelemetryError', message: 'bad', file: 'f', line: 2 } };
    const back = await decodeResult(await encodeResult(failed, null));
    expect(back).toEqual({ head: failed, state: null });
  });
});
