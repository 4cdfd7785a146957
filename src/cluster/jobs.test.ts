import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableDef } from '../contract/tables.ts';
import { csvParts } from '../ingest/csv-parts.ts';
import { decodeResult, encodeResult, type JobResultHead, planScreenJobs, screenSpec } from './jobs.ts';

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

describe("a screen's run", () => {
  const path = join(mkdtempSync(join(tmpdir(), 'daylight-jobs-')), 'logins.csv');
  writeFileSync(
    path,
    `account_id,at\n${Array.from({ length: 400 }, (_, i) => `A${i},2024-01-01\n`).join('')}`,
  );
  const plan = (into: string) => {
    const { header, parts } = csvParts(path, 1000);
    const input = { def: tableDef('logins'), path, format: 'csv' as const, header: ['account_id', 'at'] };
    const spec = screenSpec({ ...input, rates: [], reportingCurrency: 'USD' }, header, into);
    return planScreenJobs({ path, file: 'logins.csv' }, parts, spec, (run, i) => ({
      path: `${into}/${run}/${i}`,
    }));
  };

  it('is the same run, writing the same parts, when its coordinator starts again on the same file and store', () => {
    const first = plan('/store-a.rows/screens');
    expect(first.jobs.length).toBeGreaterThan(3);
    expect(plan('/store-a.rows/screens')).toEqual(first);
    expect(first.jobs.map((j) => j.part!.out)).toEqual(
      first.jobs.map((_, i) => `/store-a.rows/screens/${first.run}/${i}`),
    );
  });

  it('is another run for another store, or once the file changed', () => {
    const first = plan('/store-a.rows/screens');
    expect(plan('/store-b.rows/screens').run).not.toBe(first.run);
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    expect(plan('/store-a.rows/screens').run).not.toBe(first.run);
  });
});
