import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Store } from '../src/store/store.ts';
import { auditBundle } from '../src/usecases/audit-bundle.ts';
import { sampleS, tempDir } from './support/bundles.ts';
import { rawSql } from './support/raw-sql.ts';

async function audited() {
  const root = tempDir('daylight-ledger-');
  const path = join(root, 'd.duckdb');
  const store = await Store.open(path);
  await auditBundle(store, await sampleS(), { outDir: join(root, 'out') });
  store.close();
  return { path, root };
}

/** Verifies the store at `path` as `daylight ledger verify` does. */
async function verify(path: string, head?: string) {
  const store = await Store.open(path);
  try {
    return await store.verifyLedger(head);
  } finally {
    store.close();
  }
}

/** Replaces the character at `at` of a text column of one row with another character, behind Daylight's back. */
async function flip(path: string, table: string, column: string, where: string, at: number) {
  const [row] = await rawSql(path, `SELECT ${column} AS v FROM ${table} WHERE ${where}`);
  const text = String(row!.v);
  const i = at % text.length;
  const changed = `${text.slice(0, i)}${text[i] === 'x' ? 'y' : 'x'}${text.slice(i + 1)}`;
  await rawSql(path, `UPDATE ${table} SET ${column} = $v WHERE ${where}`, { v: changed });
}

describe('the ledger', () => {
  it('records the ingest and the audit run, and verifies', async () => {
    const { path } = await audited();
    const store = await Store.open(path);
    const entries = await store.ledger.entries();
    store.close();
    expect(entries.map((e) => e.kind)).toEqual(['ingest', 'audit-run']);
    expect(entries[1]!.prev_hash).toBe(entries[0]!.hash);
    expect(await verify(path)).toMatchObject({ ok: true, entries: 2, head: entries[1]!.hash });
  });

  it('detects any single-character change to a stored entry or a recorded finding', async () => {
    const { path } = await audited();
    const copy = async () =>
      rawSql(
        path,
        'CREATE OR REPLACE TABLE ledger_copy AS SELECT * FROM ledger; CREATE OR REPLACE TABLE findings_copy AS SELECT * FROM findings',
      );
    const restore = async () =>
      rawSql(
        path,
        'DELETE FROM ledger; INSERT INTO ledger SELECT * FROM ledger_copy; DELETE FROM findings; INSERT INTO findings SELECT * FROM findings_copy',
      );
    await copy();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(1, 2),
        fc.constantFrom('body', 'hash', 'prev_hash', 'actor', 'recorded_at'),
        fc.nat(5000),
        async (seq, column, at) => {
          await flip(path, 'ledger', column, `seq = ${seq}`, at);
          const v = await verify(path);
          await restore();
          expect(v.ok).toBe(false);
          expect(v.broken!.seq).toBeLessThanOrEqual(seq + 1);
        },
      ),
      { numRuns: 25 },
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(40), fc.nat(2000), async (ord, at) => {
        await flip(path, 'findings', 'body', `ord = ${ord}`, at);
        const v = await verify(path);
        await restore();
        expect(v).toMatchObject({
          ok: false,
          broken: { seq: 2, reason: 'the stored findings of its run differ from the recorded digest' },
        });
      }),
      { numRuns: 25 },
    );
    await flip(path, 'snapshot_files', 'sha256', "file = 'invoices.csv'", 3);
    expect((await verify(path)).broken).toMatchObject({ seq: 1 });
  });

  it('proves against a saved head that nothing before it changed', async () => {
    const { path, root } = await audited();
    const store = await Store.open(path);
    const saved = (await store.ledger.head())!.hash;
    await auditBundle(store, await sampleS(), {
      outDir: join(root, 'out2'),
      overrides: { discount_max_pct: 30 },
    });
    store.close();
    expect(await verify(path, saved)).toMatchObject({ ok: true, entries: 3 });
    // Rewriting history wholesale (recomputing every hash) cannot reproduce the saved head.
    await rawSql(path, 'DELETE FROM ledger WHERE seq >= 2');
    expect((await verify(path, saved)).ok).toBe(false);
  });
});
