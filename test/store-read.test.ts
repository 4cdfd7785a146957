import { describe, expect, it } from 'vitest';
import { TABLES } from '../src/contract/tables.ts';
import { loadBundle } from '../src/ingest/bundle.ts';
import { Store } from '../src/store/store.ts';
import { ingestBundle } from '../src/usecases/ingest-bundle.ts';
import { groupBy } from '../src/util/maps.ts';
import { copyOfSample, editTable } from './support/bundles.ts';

describe('a stored snapshot read back', () => {
  it('gives every table the rows the bundle reader validated, cell for cell', async () => {
    const dir = await copyOfSample();
    // Text a JSON transfer must carry intact: quotes, a comma, a line break, a backslash, CJK and an emoji.
    editTable(dir, 'activities.csv', (lines) => {
      const cells = lines[1]!.split(',');
      cells[5] = '"He said ""no"", twice\\nthen left"';
      cells[6] = '"客户拒绝了介绍\n第二行 \\ 🙂"';
      lines[1] = cells.join(',');
      return lines;
    });
    const bundle = await loadBundle(dir);
    const store = await Store.open(':memory:');
    try {
      const { snapshotId } = await ingestBundle(store, dir, { screenFromBytes: 0 });
      for (const def of TABLES) {
        const stored = await store.snapshots.readTable(snapshotId, def.name);
        expect(stored.length, def.name).toBe(bundle.tables[def.name].length);
        expect(stored, def.name).toEqual(bundle.tables[def.name]);
      }
      const note = (await store.snapshots.readTable(snapshotId, 'activities'))[0]!;
      expect(note).toMatchObject({
        subject: 'He said "no", twice\\nthen left',
        body: '客户拒绝了介绍\n第二行 \\ 🙂',
      });
      const small = await store.snapshots.smallTables(snapshotId);
      expect(small.logins).toEqual([]);
      expect(small.accounts).toEqual(bundle.tables.accounts);
      expect('invoices' in small).toBe(false);
    } finally {
      store.close();
    }
  });

  it('reads the rows of one value of a column whether they are few or many, however far apart they lie', async () => {
    const dir = await copyOfSample();
    const bundle = await loadBundle(dir);
    const store = await Store.open(':memory:');
    try {
      const { snapshotId } = await ingestBundle(store, dir, { screenFromBytes: 0 });
      const byId = (a: { invoice_id: string }, b: { invoice_id: string }) =>
        a.invoice_id < b.invoice_id ? -1 : 1;
      const regions = groupBy(bundle.tables.invoices, (i) => i.usage_region);
      const at = (region: string) =>
        bundle.tables.invoices.flatMap((i, n) => (i.usage_region === region ? [n] : []));
      const spread = (region: string) => at(region).at(-1)! - at(region)[0]!;
      // One region more than a range of rows holds, one fewer but spread over more than a range (16,384 rows).
      const many = [...regions].find(([, rows]) => rows.length > 16_384)![0];
      const few = [...regions].find(([r, rows]) => rows.length < 16_384 && spread(r) > 16_384)![0];
      for (const region of [many, few]) {
        const stored = await store.snapshots.readTable(snapshotId, 'invoices', {
          column: 'usage_region',
          value: region,
        });
        expect([...stored].sort(byId), region).toEqual([...regions.get(region)!].sort(byId));
      }
    } finally {
      store.close();
    }
  });
});
