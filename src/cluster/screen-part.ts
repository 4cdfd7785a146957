import { randomUUID } from 'node:crypto';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { tableDef } from '../contract/tables.ts';
import { writeCsvPart } from '../ingest/csv-parts.ts';
import { ScratchScreens, type ScreenInput, screenConditions } from '../store/screen.ts';
import type { ClusterJob, JobResultHead, ScreenSpec } from './jobs.ts';

/**
 * A worker's screens (see screenOnCluster): each job loads and checks its part of a large table's file, written
 * behind the file's header to a local file, into the row file it names on the coordinator's store path.
 */
export class PartScreener {
  private readonly screens = new ScratchScreens();

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
    // Written under a name of its own, then renamed: a worker still writing after its job was handed to another
    // (and taken from it) never writes into the file the store has since placed under its snapshot.
    const written = `${part.out}.${randomUUID()}.tmp`;
    try {
      if (!whole) await writeCsvPart(path, spec.headerBytes, part, csv);
      const counts = await this.screens.screen(input, conditions, csv, written);
      renameSync(written, part.out);
      return counts;
    } catch (e) {
      return { rows: 0, broken: 0, reason: (e as Error).message.split('\n')[0] };
    } finally {
      rmSync(written, { force: true });
      if (!whole) rmSync(csv, { force: true });
    }
  }

  close(): void {
    this.screens.close();
  }
}
