import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AnyTable, invoices } from '../src/contract/tables.ts';
import { loadBundle } from '../src/ingest/bundle.ts';
import { readCsvHeader } from '../src/ingest/csv.ts';
import { BundleError, type Problem } from '../src/ingest/problems.ts';
import { Store } from '../src/store/store.ts';
import { auditBundle } from '../src/usecases/audit-bundle.ts';
import { ingestBundle } from '../src/usecases/ingest-bundle.ts';
import { copyOfSample, sampleS, setCell, tempDir } from './support/bundles.ts';

/** What the store's bulk screen says of a bundle's invoices, and whether the row-by-row reader accepts them. */
async function verdicts(dir: string) {
  const { tables } = await loadBundle(dir, { only: ['accounts', 'deals', 'agents', 'entities', 'fx_rates'] });
  const path = join(dir, 'invoices.csv');
  const store = await Store.open(':memory:');
  const writer = store.snapshots.begin('test');
  await writer.identify('screened');
  const screen = await writer.screen({
    def: invoices as unknown as AnyTable,
    path,
    format: 'csv',
    header: (await readCsvHeader(path))!,
    rates: tables.fx_rates.map((r) => `${r.period} ${r.currency}`),
    reportingCurrency: 'USD',
  });
  // The rows it cleared are stored; of a file it did not clear, none are.
  const stored = (await store.snapshots.rowDigests('screened', ['invoices'])).invoices!;
  await writer.abort();
  store.close();
  expect(stored.split(':')[0]).toBe(String(screen.clean ? screen.rows : 0));
  const accepted = await loadBundle(dir, { streamed: ['invoices'] }).then(
    () => true,
    () => false,
  );
  return { screen, accepted };
}

/** The problems of ingesting a bundle (screen, stored-row checks and all), or [] when it is stored. */
async function ingestProblems(dir: string): Promise<Problem[]> {
  const store = await Store.open(':memory:');
  try {
    await ingestBundle(store, dir, { screenFromBytes: 0 });
    return [];
  } catch (e) {
    if (e instanceof BundleError) return e.problems;
    throw e;
  } finally {
    store.close();
  }
}

/** The problems the row-by-row reader alone finds. */
const readerProblems = (dir: string): Promise<Problem[]> =>
  loadBundle(dir, { streamed: ['invoices'] }).then(
    () => [],
    (e: BundleError) => e.problems,
  );

/** The sample with invoices.csv's second line changed by `edit` (cells split on commas; no quoted cells there). */
async function withLine(edit: (cells: string[], header: string[]) => string) {
  const dir = await copyOfSample();
  const path = join(dir, 'invoices.csv');
  const lines = readFileSync(path, 'utf8').split('\n');
  lines[1] = edit(lines[1]!.split(','), lines[0]!.split(','));
  writeFileSync(path, lines.join('\n'));
  return dir;
}

const set = (column: string, value: string) => (cells: string[], header: string[]) => {
  cells[header.indexOf(column)] = value;
  return cells.join(',');
};

describe('the bulk screen of a large table (loaded and checked in one pass)', () => {
  it('clears the sample invoices, counting every row', async () => {
    const { screen, accepted } = await verdicts(await sampleS());
    const lines = readFileSync(join(await sampleS(), 'invoices.csv'), 'utf8')
      .trimEnd()
      .split('\n').length;
    expect(screen).toEqual({ rows: lines - 1, clean: true });
    expect(accepted).toBe(true);
  });

  it('starts the large tables loading before the small ones are read, one after the other, rates in hand', async () => {
    const events: string[] = [];
    let loading = 0;
    const bundle = await loadBundle(await sampleS(), {
      streamed: ['invoices', 'logins'],
      onProgress: (table) => events.push(`read ${table}`),
      screen: async (input) => {
        events.push(`screen ${input.def.name} with ${input.rates.length} rates`);
        expect(loading++).toBe(0);
        await new Promise((done) => setTimeout(done, 20));
        loading--;
        return { rows: 0, clean: false, reason: 'left to the row-by-row check here' };
      },
    });
    const rates = bundle.tables.fx_rates.length;
    const at = (event: string) => events.indexOf(event);
    expect(at('screen logins with 0 rates')).toBe(0);
    // The second waits for the first (never two at once), not for its turn.
    expect(at(`screen invoices with ${rates} rates`)).toBeGreaterThan(0);
    expect(at(`screen invoices with ${rates} rates`)).toBeLessThan(at('read invoices'));
    // Not cleared: each is then read row by row in its own turn, after the tables its rows cite.
    expect(at('read logins')).toBeGreaterThan(at('read accounts'));
    expect(at('read invoices')).toBeGreaterThan(at('read logins'));
  });

  it('stores the same rows whether the sample is screened or checked row by row', async () => {
    const digests = async (screenFromBytes: number) => {
      const store = await Store.open(':memory:');
      try {
        const { snapshotId } = await ingestBundle(store, await sampleS(), { screenFromBytes });
        return await store.snapshots.rowDigests(snapshotId);
      } finally {
        store.close();
      }
    };
    const [screened, rowByRow] = [await digests(0), await digests(Number.POSITIVE_INFINITY)];
    expect(screened).toEqual(rowByRow);
    expect(screened.invoices).toMatch(/^[1-9]\d*:/);
    expect(screened.logins).toMatch(/^[1-9]\d*:/);
  });

  const bad: [string, (cells: string[], header: string[]) => string][] = [
    ['three decimals', set('net_amount', '1.234')],
    ['a plus sign', set('list_amount', '+1.00')],
    ['an exponent', set('discount_amount', '1e3')],
    ['month 13', set('period', '2021-13')],
    ['a one-digit month', set('period', '2021-1')],
    ['an empty id', set('invoice_id', '')],
    ['net ≠ list − discount', set('net_amount', '0.01')],
    ['a field too many', (c) => `${c.join(',')},x`],
    ['a field too few', (c) => c.slice(1).join(',')],
    ['a stray quote', set('service', 'a"b')],
    ['text after a closing quote', set('service', '"ab"c')],
  ];
  for (const [what, edit] of bad)
    it(`does not clear ${what}, which the row-by-row reader rejects`, async () => {
      const { screen, accepted } = await verdicts(await withLine(edit));
      expect(accepted).toBe(false);
      expect(screen.clean).toBe(false);
    });

  const keys: [string, (cells: string[], header: string[]) => string][] = [
    ['an unknown account', set('account_id', 'NOPE')],
    ['an unknown deal', set('deal_id', 'D-NOPE')],
    ['a repeated invoice id', set('invoice_id', 'INV000000002')],
  ];
  for (const [what, edit] of keys)
    it(`clears the cells of ${what}, then finds it in the stored rows and names its line as the reader does`, async () => {
      const dir = await withLine(edit);
      expect((await verdicts(dir)).screen.clean).toBe(true);
      const problems = await ingestProblems(dir);
      expect(problems.length).toBeGreaterThan(0);
      expect(problems).toEqual(await readerProblems(dir));
    });

  const good: [string, (cells: string[], header: string[]) => string, boolean][] = [
    ['a quoted comma', set('service', '"compute, large"'), true],
    ['Chinese text', set('service', '计算'), true],
    [
      'a negative amount',
      (c, h) => set('list_amount', '-5.00')(set('net_amount', '-5.00')(c, h).split(','), h),
      true,
    ],
    // A doubled quote is valid RFC 4180, but only the row-by-row reader can tell it from a stray one.
    ['a doubled quote', set('service', '"say ""hi"""'), false],
  ];
  for (const [what, edit, cleared] of good)
    it(`${cleared ? 'clears' : 'leaves to the row-by-row reader'} ${what}, which it accepts`, async () => {
      const { screen, accepted } = await verdicts(await withLine(edit));
      expect(accepted).toBe(true);
      expect(screen.clean).toBe(cleared);
    });

  // The tables after the invoices are read, and the checks across tables run, while the store screens them.
  const later: [string, (dir: string) => void][] = [
    [
      'an unknown account in ip_allocations (a check across tables)',
      (d) => setCell(d, 'ip_allocations.csv', 2, 'account_id', 'NOPE'),
    ],
    ['a bad port in public_nodes', (d) => setCell(d, 'public_nodes.csv', 2, 'port', 'x')],
    [
      'a bad port in public_nodes and an account without a billing address',
      (d) => {
        setCell(d, 'public_nodes.csv', 3, 'port', '-1');
        setCell(d, 'billing_addresses.csv', 2, 'account_id', 'A9999999');
      },
    ],
    [
      'a bad period in reported_revenue and an unknown account in ip_allocations',
      (d) => {
        setCell(d, 'reported_revenue.csv', 2, 'period', '20x1');
        setCell(d, 'ip_allocations.csv', 3, 'account_id', 'NOPE');
      },
    ],
  ];
  for (const [what, edit] of later)
    it(`reports ${what} as the row-by-row reader does, in the same order`, async () => {
      const dir = await copyOfSample();
      edit(dir);
      const problems = await ingestProblems(dir);
      expect(problems.length).toBeGreaterThan(0);
      expect(problems).toEqual(await readerProblems(dir));
    });

  it('fails an audit whose stored invoices repeat an id as the ingest does, the engine having run beside the store, with no output and nothing stored', async () => {
    const dir = await withLine(set('invoice_id', 'INV000000002'));
    const store = await Store.open(':memory:');
    const out = join(tempDir('refused'), 'out');
    const steps: string[] = [];
    const error = await auditBundle(store, dir, { outDir: out, onStep: (s) => steps.push(s) }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(BundleError);
    expect((error as BundleError).problems).toEqual(await readerProblems(dir));
    // The audit's work began on the loaded rows while the store checked them (how far it got before the check
    // failed depends on the machine); its result was dropped.
    expect(steps).toContain('loading facts from the store');
    expect(steps).not.toContain('writing outputs');
    expect(existsSync(out)).toBe(false);
    expect(await store.snapshots.list()).toEqual([]);
    expect(await store.snapshots.storedRows('invoices')).toBe(0);
    store.close();
  });
});
