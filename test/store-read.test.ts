import { describe, expect, it } from 'vitest';
import { TABLES } from '../src/contract/tables.ts';
import { loadBundle } from '../src/ingest/bundle.ts';
import { Store } from '../src/store/store.ts';
import { ingestBundle } from '../src/usecases/ingest-bundle.ts';
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
});
