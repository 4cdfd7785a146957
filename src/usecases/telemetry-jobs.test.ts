import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TelemetryClassifier } from '../engine/network/classify.ts';
import { readIndicators } from '../ingest/rules.ts';
import { DEFAULT_FORMAT, readFlowLog } from '../ingest/telemetry/flowlogs.ts';
import { FlowWorkers, planJobs, runFlowJobs } from './telemetry-jobs.ts';

function bigLog(): string {
  const dir = mkdtempSync(join(tmpdir(), 'daylight-jobs-'));
  const lines = [DEFAULT_FORMAT];
  for (let i = 0; i < 40_000; i++) {
    const account = `A${i % 37}`;
    const port = [30303, 443, 3333, 8333, 80][i % 5];
    lines.push(
      `2 ${account} eni-${i % 11} 10.0.${i % 200}.${i % 250} 52.${i % 97}.${i % 13}.${(i * 7) % 250} ${50000 + (i % 9000)} ${port} 6 ${10 + (i % 50)} ${600 + (i % 3000)} ${1667260800 + i * 60} ${1667260800 + i * 60 + 300} ACCEPT OK`,
    );
  }
  const path = join(dir, 'flows.log');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('flow-log jobs', () => {
  const path = bigLog();
  const base = { indicators: readIndicators(), accounts: null, resolved: [], skipBad: false };

  it('splits a plain file into byte ranges that together hold every record once', async () => {
    const jobs = planJobs([{ path, file: 'flows.log' }], 2, base);
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    let total = 0;
    const seen = new Set<string>();
    for (const job of jobs)
      total += (await readFlowLog(path, 'flows.log', (_r, raw) => seen.add(raw), { chunk: job.chunk }))
        .records;
    expect(total).toBe(40_000);
    expect(seen.size).toBe(40_000);
  });

  it('gives the same signals on two worker threads as in one thread', async () => {
    const signals = async (threads: number) => {
      const jobs = planJobs([{ path, file: 'flows.log' }], threads, base);
      const c = new TelemetryClassifier(base.indicators);
      const pool = await FlowWorkers.start(threads - 1);
      await runFlowJobs(jobs, c, pool).finally(() => pool.close());
      return c.signals();
    };
    const one = await signals(1);
    expect(one.length).toBeGreaterThan(0);
    expect(await signals(2)).toEqual(one);
  });

  it('reports the parts taken as it goes', async () => {
    const jobs = planJobs([{ path, file: 'flows.log' }], 2, base);
    const seen: [number, number][] = [];
    await runFlowJobs(jobs, new TelemetryClassifier(base.indicators), undefined, (taken, total) =>
      seen.push([taken, total]),
    );
    expect(seen).toEqual(jobs.map((_, i) => [i + 1, jobs.length]));
  });

  it('names the file and its real line when a bad line sits in a later chunk', async () => {
    const text = readFileSync(path, 'utf8').split('\n');
    text[30_001] = text[30_001]!.replace(' 6 ', ' six ');
    const bad = join(dirname(path), 'bad.log');
    writeFileSync(bad, text.join('\n'));
    const jobs = planJobs([{ path: bad, file: 'bad.log' }], 2, base);
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    const pool = await FlowWorkers.start(1);
    await expect(runFlowJobs(jobs, new TelemetryClassifier(base.indicators), pool)).rejects.toThrow(
      /^bad\.log:30002: field protocol: not a number/,
    );
  });
});
