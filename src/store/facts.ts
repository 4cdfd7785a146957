import { bundleMetaSchema } from '../contract/meta.ts';
import { type BundleTables, type Invoice, TABLES } from '../contract/tables.ts';
import { buildFacts, type Facts, type InvoiceTotal } from '../engine/facts.ts';
import type { Store } from './store.ts';

/** Reads a snapshot as the engine's facts: small tables row by row, invoices summed in DuckDB. */
export async function loadFacts(store: Store, snapshotId: string): Promise<Facts> {
  const snapshot = (await store.snapshots()).find((s) => s.snapshot_id === snapshotId);
  if (!snapshot) throw new Error(`no snapshot ${snapshotId} in ${store.path}`);
  const meta = bundleMetaSchema.parse(JSON.parse(snapshot.meta));
  const tables = {} as Omit<BundleTables, 'invoices'>;
  for (const def of TABLES) {
    if (def.name === 'invoices') continue;
    (tables as Record<string, unknown>)[def.name] = await store.readTable(snapshotId, def.name);
  }
  return buildFacts(tables, meta, await invoiceTotalsOf(store, snapshotId));
}

let totalsTables = 0;

/**
 * Invoice sums per account, period and usage region, in that order. Millions of groups come back as small integer
 * codes into three sorted lists of names (turning millions of DuckDB strings into JavaScript ones costs more than
 * the sums).
 */
export async function invoiceTotalsOf(store: Store, snapshotId: string): Promise<InvoiceTotal[]> {
  const db = store.db;
  const totals = `invoice_totals_${totalsTables++}`;
  // Cents as BIGINT: exact for DECIMAL(18,2), and read back as bigint without text in between.
  await db.run(
    `CREATE TEMP TABLE ${totals} AS
     SELECT account_id, period, usage_region, CAST(SUM(net_amount) * 100 AS BIGINT) AS cents, COUNT(*)::INTEGER AS n
     FROM invoices WHERE snapshot_id = $id GROUP BY ALL`,
    { id: snapshotId },
  );
  const dictionaries: string[] = [];
  try {
    // Each column's distinct values numbered in order, once: the codes and the names come from the same table.
    const dictionary = async (column: string) => {
      const table = `${totals}_${column}`;
      dictionaries.push(table);
      await db.run(
        `CREATE TEMP TABLE ${table} AS SELECT ${column}, (row_number() OVER (ORDER BY ${column}) - 1)::INTEGER AS code
         FROM (SELECT DISTINCT ${column} FROM ${totals})`,
      );
      const names = await db.runAndReadAll(`SELECT ${column} FROM ${table} ORDER BY code`);
      return { table, names: names.getColumns()[0] as string[] };
    };
    const accounts = await dictionary('account_id');
    const periods = await dictionary('period');
    const usages = await dictionary('usage_region');
    const result = await db.runAndReadAll(
      `SELECT a.code, p.code, u.code, t.cents, t.n FROM ${totals} t
       JOIN ${accounts.table} a USING (account_id)
       JOIN ${periods.table} p USING (period)
       JOIN ${usages.table} u USING (usage_region)
       ORDER BY a.code, p.code, u.code`,
    );
    const [account, period, usage, cents, n] = result.getColumns() as [
      number[],
      number[],
      number[],
      bigint[],
      number[],
    ];
    return account.map((a, i) => ({
      account_id: accounts.names[a]!,
      period: periods.names[period[i]!]!,
      usage_region: usages.names[usage[i]!]!,
      net: cents[i]!,
      rows: n[i]!,
    }));
  } finally {
    for (const table of [totals, ...dictionaries]) await db.run(`DROP TABLE ${table}`);
  }
}

/** The invoice rows of some accounts in one period: the rows behind a figure. */
export async function invoiceRows(
  store: Store,
  snapshotId: string,
  accountIds: string[],
  period: string,
): Promise<Invoice[]> {
  if (accountIds.length === 0) return [];
  const invoices = TABLES.find((t) => t.name === 'invoices')!;
  const result = await store.db.runAndReadAll(
    `SELECT * EXCLUDE (snapshot_id) FROM invoices
     WHERE snapshot_id = $id AND period = $period AND account_id IN (${accountIds.map(sqlString).join(', ')})
     ORDER BY account_id, invoice_id`,
    { id: snapshotId, period },
  );
  return result.getRowObjectsJson().map((row) => {
    const cells: Record<string, string> = {};
    for (const [k, v] of Object.entries(row)) cells[k] = v === null ? '' : String(v);
    return invoices.schema.parse(cells) as Invoice;
  });
}

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
