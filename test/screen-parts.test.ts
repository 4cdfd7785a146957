import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planScreenJobs, type ScreenSpec, screenSpec } from '../src/cluster/jobs.ts';
import { PartScreener } from '../src/cluster/screen-part.ts';
import { csvParts } from '../src/ingest/csv-parts.ts';
import { BundleError } from '../src/ingest/problems.ts';
import type { RemoteScreen, ScreenedPart } from '../src/store/screen.ts';
import { Store } from '../src/store/store.ts';
import { ingestBundle } from '../src/usecases/ingest-bundle.ts';
import { copyOfSample, sampleS, setCell, tempDir } from './support/bundles.ts';

const screener = new PartScreener();
afterAll(() => screener.close());

/**
 * The screen a cluster's workers do, in this process: the file cut into parts of `bytes`, each screened into the
 * row file the store names, as `daylight worker` does it (test/cluster.test.ts runs it over NATS).
 */
const inParts =
  (bytes: number, seen: { parts: number } = { parts: 0 }): RemoteScreen =>
  async (input, target) => {
    const { header, parts } = csvParts(input.path, bytes);
    const spec = screenSpec(input, header, target.dir);
    const { run, jobs } = planScreenJobs(
      { path: input.path, file: input.def.name },
      parts,
      spec,
      target.part,
    );
    seen.parts += parts.length;
    return Promise.all(
      jobs.map(
        async (job): Promise<ScreenedPart> => ({
          file: target.part(run, job.index).file,
          ...(await screener.screen(spec, job)),
        }),
      ),
    );
  };

async function ingest(path: string, dir: string, remoteScreen?: RemoteScreen) {
  const store = await Store.open(path);
  try {
    const { snapshotId } = await ingestBundle(store, dir, { remoteScreen });
    return {
      snapshotId,
      totals: await store.snapshots.invoiceTotals(snapshotId, 'USD'),
      rows: await store.snapshots.rowDigests(snapshotId),
      ledger: await store.verifyLedger(),
    };
  } finally {
    store.close();
  }
}

describe('invoices and sign-ins screened in parts elsewhere (as by the workers of a cluster)', () => {
  it('stores the rows of one screen, a row file a part, anchored in the ledger', async () => {
    const bundle = await sampleS();
    const alone = await ingest(':memory:', bundle);
    const seen = { parts: 0 };
    const path = join(tempDir('daylight-parts-store-'), 'store.duckdb');
    const spread = await ingest(path, bundle, inParts(400_000, seen));
    expect(spread.snapshotId).toBe(alone.snapshotId);
    expect(spread.rows).toEqual(alone.rows);
    expect(spread.totals).toEqual(alone.totals);
    expect(spread.ledger).toMatchObject({ ok: true });
    const files = readdirSync(join(`${path}.rows`, spread.snapshotId));
    expect(seen.parts).toBeGreaterThan(5);
    expect(files).toHaveLength(seen.parts);
    expect(files.filter((f) => f.startsWith('invoices-')).length).toBeGreaterThan(5);
    // Each part was written under a name of its own and renamed, then placed: nothing is left waiting.
    for (const waiting of ['pending', 'screens'])
      expect(
        existsSync(join(`${path}.rows`, waiting)) ? readdirSync(join(`${path}.rows`, waiting)) : [],
      ).toEqual([]);
  });

  it("has a worker that does not see the store's folder say so, writing nothing", async () => {
    const bundle = await sampleS();
    const path = join(bundle, 'logins.csv');
    const { header, parts } = csvParts(path, 1 << 30);
    const headerNames = readFileSync(path, 'utf8').split('\n')[0]!.split(',');
    const out = join(tempDir('daylight-parts-'), 'not-there', 'logins.parquet');
    const spec: ScreenSpec = {
      ...{ kind: 'screen', table: 'logins', header: headerNames, rates: [], reportingCurrency: 'USD' },
      ...{ headerBytes: header, into: dirname(out) },
    };
    const files = [{ path, file: 'logins.csv', order: 0 }];
    const screened = await screener.screen(spec, {
      run: 'test',
      index: 0,
      digest: '',
      files,
      part: { ...parts[0]!, out },
    });
    expect(screened).toEqual({
      rows: 0,
      broken: 0,
      unshared: `${dirname(out)} is not on a path this worker sees`,
    });
    expect(existsSync(out)).toBe(false);
  });

  it('screens here when a worker does not see the paths', async () => {
    const bundle = await sampleS();
    const unshared: RemoteScreen = async (input, target) => [
      {
        file: target.part('test', 0).file,
        rows: 0,
        broken: 0,
        unshared: `${input.path} is not on a path this worker sees`,
      },
    ];
    const path = join(tempDir('daylight-parts-store-'), 'store.duckdb');
    const spread = await ingest(path, bundle, unshared);
    expect(spread.rows).toEqual((await ingest(':memory:', bundle)).rows);
    expect(readdirSync(join(`${path}.rows`, spread.snapshotId)).sort()).toEqual([
      expect.stringMatching(/^invoices-/),
      expect.stringMatching(/^logins-/),
    ]);
  });

  it('stops a screen elsewhere when the bundle turns out to be stored already', async () => {
    const bundle = await sampleS();
    const store = await Store.open(':memory:');
    try {
      const first = await ingestBundle(store, bundle);
      let [calls, stopped] = [0, 0];
      // Workers that never answer: only the writer's signal ends their screen.
      const stalled: RemoteScreen = (_input, _target, signal) =>
        new Promise((_resolve, reject) => {
          calls++;
          const stop = () => {
            stopped++;
            reject(signal.reason);
          };
          if (signal.aborted) stop();
          else signal.addEventListener('abort', stop);
        });
      const again = await ingestBundle(store, bundle, { remoteScreen: stalled });
      expect(again).toMatchObject({ snapshotId: first.snapshotId, created: false });
      // Every screen it started (none, when the hashes are done before the first screen starts) was stopped.
      expect(stopped).toBe(calls);
      expect(await store.snapshots.list()).toHaveLength(1);
    } finally {
      store.close();
    }
  });

  it('names the line of a bad row in one part as one process does, storing nothing', async () => {
    const dir = await copyOfSample();
    setCell(dir, 'invoices.csv', 40_000, 'list_amount', '-');
    const problems = async (remote?: RemoteScreen) => {
      const store = await Store.open(':memory:');
      try {
        await ingestBundle(store, dir, { remoteScreen: remote });
        return { problems: [], snapshots: await store.snapshots.list() };
      } catch (e) {
        if (!(e instanceof BundleError)) throw e;
        return { problems: e.problems, snapshots: await store.snapshots.list() };
      } finally {
        store.close();
      }
    };
    const alone = await problems();
    expect(alone.problems.map((p) => `${p.file}:${p.line}`)).toContain('invoices.csv:40000');
    expect(await problems(inParts(400_000))).toEqual(alone);
    expect(alone.snapshots).toEqual([]);
  });
});
