import { randomUUID } from 'node:crypto';
import { existsSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableDef } from '../contract/tables.ts';
import { writeCsvPart } from '../ingest/csv-parts.ts';
import { Db, duckdbMemorySetting, literal } from '../store/db.ts';
import { checkedRowsSelect, type ScreenInput, screenConditions, screenedCounts } from '../store/screen.ts';
import type { ClusterJob, JobResultHead, ScreenSpec } from './jobs.ts';

/**
 * A worker's DuckDB for screens (see screenOnCluster), opened at its first screen job: each job loads and checks
 * its part of a large table's file into the row file it names, on a connection of its own.
 */
export class PartScreener {
  private instance: Promise<DuckDBInstance> | null = null;

  async screen(spec: ScreenSpec, job: ClusterJob): Promise<NonNullable<JobResultHead['screened']>> {
    const part = job.part!;
    const path = job.files[0]!.path;
    // Not the input's fault: the coordinator screens the file itself (a worker that sees it might never come).
    for (const needed of [path, dirname(part.out)])
      if (!existsSync(needed))
        return { rows: 0, broken: 0, unshared: `${needed} is not on a path this worker sees` };
    const input: ScreenInput = {
      def: tableDef(spec.table),
      path,
      format: 'csv',
      header: spec.header,
      rates: spec.rates,
      reportingCurrency: spec.reportingCurrency,
    };
    const conditions = screenConditions(input);
    if (!conditions) return { rows: 0, broken: 0, reason: 'a column only the row-by-row check can judge' };
    const whole = part.start === spec.headerBytes.end && part.end === statSync(path).size;
    const csv = whole ? path : join(tmpdir(), `daylight-part-${randomUUID()}.csv`);
    const db = new Db(await (await this.open()).connect());
    try {
      if (!whole) await writeCsvPart(path, spec.headerBytes, part, csv);
      await db.run(
        `COPY (${checkedRowsSelect(input, conditions, csv)}) TO ${literal(part.out)} (FORMAT parquet)`,
      );
      return await screenedCounts(db, part.out);
    } catch (e) {
      rmSync(part.out, { force: true });
      return { rows: 0, broken: 0, reason: (e as Error).message.split('\n')[0] };
    } finally {
      db.close();
      if (!whole) rmSync(csv, { force: true });
    }
  }

  private open(): Promise<DuckDBInstance> {
    this.instance ??= (async () => {
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      // Rows in any order: a quicker parallel write (readers order what they read), as the store's own screen.
      await connection.run(`${duckdbMemorySetting()}; SET preserve_insertion_order = false`);
      connection.closeSync();
      return instance;
    })();
    return this.instance;
  }

  close(): void {
    void this.instance?.then((i) => i.closeSync()).catch(() => {});
  }
}
