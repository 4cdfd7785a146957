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

export async function invoiceTotalsOf(store: Store, snapshotId: string): Promise<InvoiceTotal[]> {
  // Cents as BIGINT: exact for DECIMAL(18,2), and read back as bigint without text in between.
  const result = await store.db.runAndReadAll(
    `SELECT account_id, period, usage_region, CAST(SUM(net_amount) * 100 AS BIGINT) AS cents, COUNT(*)::INTEGER AS n
     FROM invoices WHERE snapshot_id = $id GROUP BY ALL`,
    { id: snapshotId },
  );
  const [account, period, usage, cents, n] = result.getColumns() as [
    string[],
    string[],
    string[],
    bigint[],
    number[],
  ];
  return account.map((a, i) => ({
    account_id: a,
    period: period[i]!,
    usage_region: usage[i]!,
    net: cents[i]!,
    rows: n[i]!,
  }));
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
