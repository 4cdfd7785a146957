import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyLedger } from '../src/store/ledger.ts';
import { Store } from '../src/store/store.ts';
import { auditBundle } from '../src/usecases/audit-bundle.ts';
import { sampleS, tempDir } from './support/bundles.ts';

async function audited() {
  const root = tempDir('daylight-ledger-');
  const store = await Store.open(join(root, 'd.duckdb'));
  await auditBundle(store, await sampleS(), { outDir: join(root, 'out') });
  return { store, root };
}

/** Replaces the character at `at` of a text column of one row with another character. */
async function flip(store: Store, table: string, column: string, where: string, at: number) {
  const r = await store.db.runAndReadAll(`SELECT ${column} AS v FROM ${table} WHERE ${where}`);
  const text = String(r.getRowObjectsJson()[0]!.v);
  const i = at % text.length;
  const changed = `${text.slice(0, i)}${text[i] === 'x' ? 'y' : 'x'}${text.slice(i + 1)}`;
  await store.db.run(`UPDATE ${table} SET ${column} = $v WHERE ${where}`, { v: changed });
}

describe('the ledger', () => {
  it('records the ingest and the audit run, and verifies', async () => {
    const { store } = await audited();
    const entries = await store.ledger.entries();
    expect(entries.map((e) => e.kind)).toEqual(['ingest', 'audit-run']);
    expect(entries[1]!.prev_hash).toBe(entries[0]!.hash);
    expect(await verifyLedger(store.db)).toMatchObject({ ok: true, entries: 2, head: entries[1]!.hash });
    store.close();
  });

  it('detects any single-character change to a stored entry or a recorded finding', async () => {
    const { store } = await audited();
    const copy = async () =>
      store.db.run(
        'CREATE OR REPLACE TABLE ledger_copy AS SELECT * FROM ledger; CREATE OR REPLACE TABLE findings_copy AS SELECT * FROM findings',
      );
    const restore = async () =>
      store.db.run(
        'DELETE FROM ledger; INSERT INTO ledger SELECT * FROM ledger_copy; DELETE FROM findings; INSERT INTO findings SELECT * FROM findings_copy',
      );
    await copy();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(1, 2),
        fc.constantFrom('body', 'hash', 'prev_hash', 'actor', 'recorded_at'),
        fc.nat(5000),
        async (seq, column, at) => {
          await flip(store, 'ledger', column, `seq = ${seq}`, at);
          const v = await verifyLedger(store.db);
          await restore();
          expect(v.ok).toBe(false);
          expect(v.broken!.seq).toBeLessThanOrEqual(seq + 1);
        },
      ),
      { numRuns: 25 },
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(40), fc.nat(2000), async (ord, at) => {
        await flip(store, 'findings', 'body', `ord = ${ord}`, at);
        const v = await verifyLedger(store.db);
        await restore();
        expect(v).toMatchObject({
          ok: false,
          broken: { seq: 2, reason: 'the stored findings of its run differ from the recorded digest' },
        });
      }),
      { numRuns: 25 },
    );
    await flip(store, 'snapshot_files', 'sha256', "file = 'invoices.csv'", 3);
    expect((await verifyLedger(store.db)).broken).toMatchObject({ seq: 1 });
    store.close();
  });

  it('proves against a saved head that nothing before it changed', async () => {
    const { store, root } = await audited();
    const saved = (await store.ledger.head())!.hash;
    await auditBundle(store, await sampleS(), {
      outDir: join(root, 'out2'),
      overrides: { discount_max_pct: 30 },
    });
    expect(await verifyLedger(store.db, saved)).toMatchObject({ ok: true, entries: 3 });
    // Rewriting history wholesale (recomputing every hash) cannot reproduce the saved head.
    await store.db.run('DELETE FROM ledger WHERE seq >= 2');
    expect((await verifyLedger(store.db, saved)).ok).toBe(false);
    store.close();
  });
});
