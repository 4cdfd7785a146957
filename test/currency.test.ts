import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/contract/finding.ts';
import { formatMoney, parseMoney } from '../src/contract/money.ts';
import { BundleError } from '../src/ingest/problems.ts';
import { Store } from '../src/store/store.ts';
import { auditBundle } from '../src/usecases/audit-bundle.ts';
import { creditingWorld, explainAccount } from '../src/usecases/explain.ts';
import { copyOfSample, tempDir } from './support/bundles.ts';

/** Adds seller_entity_id and currency to invoices.csv, filled by `cell` (empty for the others). */
function withColumns(dir: string, cell: (row: string[]) => [string, string]) {
  const path = join(dir, 'invoices.csv');
  const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const out = [`${header},seller_entity_id,currency`];
  for (const line of rows) out.push(`${line},${cell(line.split(',')).join(',')}`);
  writeFileSync(path, `${out.join('\n')}\n`);
}

async function audited(dir: string) {
  const root = tempDir('daylight-currency-');
  const store = await Store.open(join(root, 'd.duckdb'));
  const run = await auditBundle(store, dir, { outDir: join(root, 'out') });
  return { store, run, root };
}

const PAPER = 'A0000011';
const CNY_ACCOUNT = 'A0000001';
const RATE = '0.1378123456';

describe('currencies and sellers of record', () => {
  it('sums every amount in the reporting currency, each period at its rate, rounded once per group', async () => {
    const dir = await copyOfSample();
    const periods = new Set<string>();
    withColumns(dir, (r) => {
      periods.add(r[2]!);
      return [r[1] === PAPER ? 'E-SG' : '', r[1] === CNY_ACCOUNT ? 'CNY' : ''];
    });
    writeFileSync(
      join(dir, 'fx_rates.csv'),
      `period,currency,rate_to_reporting\n${[...periods].map((p) => `${p},CNY,${RATE}`).join('\n')}\n`,
    );
    const { store, run } = await audited(dir);
    try {
      // The account's own rows, summed per period and usage region by hand and converted half to even.
      const raw = readFileSync(join(dir, 'invoices.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','));
      const period = '2022-06';
      const sums = new Map<string, bigint>();
      for (const r of raw.filter((x) => x[1] === CNY_ACCOUNT && x[2] === period))
        sums.set(r[4]!, (sums.get(r[4]!) ?? 0n) + parseMoney(r[7]!));
      const scaled = BigInt(RATE.replace('.', ''));
      let expected = 0n;
      for (const cents of sums.values()) {
        const q = (cents * scaled) / 10_000_000_000n;
        const rest = (cents * scaled) % 10_000_000_000n;
        expected +=
          rest * 2n > 10_000_000_000n || (rest * 2n === 10_000_000_000n && q % 2n === 1n) ? q + 1n : q;
      }
      const world = await creditingWorld(store.snapshots, run.snapshotId, '2022-12-31');
      const e = await explainAccount(store.snapshots, world, run.snapshotId, CNY_ACCOUNT, period);
      expect(e.amount).toBe(formatMoney(expected));
      expect(e.rows[0]!).toMatchObject({
        currency: 'CNY',
        conversion: { table: 'fx_rates', key: `period=${period}, currency=CNY` },
      });
      expect(e.rows[0]!.conversion!.fact).toContain(`1 CNY = ${RATE} USD in ${period}`);
      // The seller of record is evidence of a paper-offshore account.
      const paper = run.result.findings.find(
        (f: Finding) => f.code === 'paper-offshore-account' && f.account_id === PAPER,
      )!;
      expect(paper.evidence).toContainEqual(
        expect.objectContaining({
          table: 'invoices',
          key: `account_id=${PAPER}, seller_entity_id=E-SG`,
          fact: expect.stringMatching(
            /^invoiced by E-SG \(Example Cloud \(Singapore\) Pte\. Ltd\., SG\) in .*: a seller outside CN$/,
          ),
        }),
      );
    } finally {
      store.close();
    }
  });

  it('refuses an amount in a currency without a rate for its period, naming both', async () => {
    const dir = await copyOfSample();
    withColumns(dir, (r) => ['', r[1] === CNY_ACCOUNT ? 'CNY' : '']);
    writeFileSync(join(dir, 'fx_rates.csv'), 'period,currency,rate_to_reporting\n2022-06,CNY,0.14\n');
    const store = await Store.open(join(tempDir('daylight-currency-'), 'd.duckdb'));
    try {
      const e = (await auditBundle(store, dir, { outDir: tempDir('x') }).catch(
        (x: Error) => x,
      )) as BundleError;
      expect(e).toBeInstanceOf(BundleError);
      expect(e.problems[0]).toMatchObject({ file: 'invoices.csv', column: 'currency' });
      expect(e.problems[0]!.message).toMatch(
        /^no fx_rates row for CNY in \d{4}-\d{2} \(amounts are summed in USD\)$/,
      );
      expect(await store.snapshots.list()).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('refuses a seller that is not one of the entities', async () => {
    const dir = await copyOfSample();
    withColumns(dir, (r) => [r[1] === PAPER ? 'E-NOWHERE' : '', '']);
    const store = await Store.open(join(tempDir('daylight-currency-'), 'd.duckdb'));
    try {
      const e = (await auditBundle(store, dir, { outDir: tempDir('x') }).catch(
        (x: Error) => x,
      )) as BundleError;
      expect(e.problems[0]).toMatchObject({
        column: 'seller_entity_id',
        message: expect.stringContaining('E-NOWHERE'),
      });
    } finally {
      store.close();
    }
  });
});
