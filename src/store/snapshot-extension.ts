import { z } from 'zod';
import { FOREIGN_KEYS } from '../contract/foreign-keys.ts';
import type { TableName } from '../contract/tables.ts';
import { type Db, quote } from './db.ts';
import type { RowFiles } from './row-files.ts';

/** Why a snapshot cannot extend its parent; `inFile` when the value is in the new bundle's invoice file. */
export interface ExtensionConflict {
  table: TableName;
  column: string;
  value: string;
  inFile: boolean;
  message: string;
}

const values = z.object({ v: z.string() });
const CAP = 100;

/**
 * What stops the new snapshot's invoices (the appended periods, already stored under `child`) and its other tables
 * from joining the parent's stored invoices, found by DuckDB as set operations: a period or invoice id stored
 * twice, a stored invoice citing an account, deal, agent or seller the new tables no longer have, or a stored
 * currency without its rate.
 */
export async function extensionConflicts(
  db: Db,
  parent: string,
  child: string,
  reportingCurrency: string,
  rowFiles: RowFiles,
): Promise<ExtensionConflict[]> {
  const params = { p: parent, c: child };
  const invoices = await rowFiles.source(db, 'invoices', [parent, child]);
  const out: ExtensionConflict[] = [];
  const repeated = async (column: 'period' | 'invoice_id', why: string) => {
    const rows = await db.rows(
      values,
      `SELECT DISTINCT ${column} AS v FROM ${invoices}
       WHERE snapshot_id = $c AND ${column} IN (SELECT ${column} FROM ${invoices} WHERE snapshot_id = $p)
       ORDER BY v LIMIT ${CAP}`,
      params,
    );
    for (const { v } of rows)
      out.push({
        table: 'invoices',
        column,
        value: v,
        inFile: true,
        message: `${column} ${v} is already stored in snapshot ${parent}${why}`,
      });
  };
  await repeated(
    'period',
    ': an appended bundle brings new periods only (ingest the whole bundle to restate one)',
  );
  // A period stored twice makes its invoice ids repeat too: they are only worth saying on their own.
  if (out.length === 0) await repeated('invoice_id', ' (in another period): invoice ids are unique');

  for (const fk of FOREIGN_KEYS.filter((k) => k.table === 'invoices')) {
    const rows = await db.rows(
      values,
      `SELECT DISTINCT CAST(${quote(fk.column)} AS VARCHAR) AS v FROM ${invoices}
       WHERE snapshot_id = $p AND ${quote(fk.column)} IS NOT NULL
         AND ${quote(fk.column)} NOT IN (SELECT ${quote(fk.targetColumn)} FROM ${quote(fk.target)} WHERE snapshot_id = $c)
       ORDER BY v LIMIT ${CAP}`,
      params,
    );
    for (const { v } of rows)
      out.push({
        table: fk.target,
        column: fk.targetColumn,
        value: v,
        inFile: false,
        message: `${fk.targetColumn} ${JSON.stringify(v)} is cited by invoices stored in snapshot ${parent} but is not in ${fk.target}`,
      });
  }

  const rates = await db.rows(
    z.object({ period: z.string(), currency: z.string() }),
    `SELECT DISTINCT i.period, i.currency FROM ${invoices} i
     WHERE i.snapshot_id = $p AND i.currency IS NOT NULL AND i.currency <> $r
       AND NOT EXISTS (SELECT 1 FROM fx_rates f WHERE f.snapshot_id = $c AND f.period = i.period AND f.currency = i.currency)
     ORDER BY i.period, i.currency LIMIT ${CAP}`,
    { ...params, r: reportingCurrency },
  );
  for (const r of rates)
    out.push({
      table: 'fx_rates',
      column: 'rate_to_reporting',
      value: `${r.period} ${r.currency}`,
      inFile: false,
      message: `no fx_rates row for ${r.currency} in ${r.period} (invoices stored in snapshot ${parent} are in ${r.currency}; amounts are summed in ${reportingCurrency})`,
    });
  return out;
}

/**
 * The parent's invoice rows, copied under the child inside DuckDB (nothing is read from files again): the child's
 * invoices become one new row file, listed in its old one's place in the open transaction. Gives the old file, to
 * remove once the transaction commits.
 */
export async function copyParentInvoices(
  db: Db,
  rowFiles: RowFiles,
  parent: string,
  child: string,
): Promise<string[]> {
  const invoices = await rowFiles.source(db, 'invoices', [parent, child]);
  const file = rowFiles.newFile(child, 'invoices');
  const rows = await rowFiles.write(
    db,
    file,
    `SELECT * REPLACE ($c AS snapshot_id) FROM ${invoices} WHERE snapshot_id IN ($p, $c)`,
    { p: parent, c: child },
  );
  return rowFiles.replace(db, child, 'invoices', file, rows);
}
