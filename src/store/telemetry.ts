import { z } from 'zod';
import type { Db } from './db.ts';

/**
 * One reading of a snapshot's telemetry: the signals its flow logs, DNS logs and node lists gave with a given set of
 * indicators, stored so that an audit of the snapshot needs no bundle folder.
 */
export interface TelemetryReading {
  readingId: string;
  snapshotId: string;
  /** When it was read (ISO 8601). */
  readAt: string;
  /** What the reading was made with (indicator digest, skipped lines) and what it read (files, records). */
  made: Record<string, unknown>;
  signalsDigest: string;
  /** Each signal as its JSON line. */
  signalLines: string[];
}

const readingRow = z.object({
  reading_id: z.string(),
  snapshot_id: z.string(),
  made: z.string(),
  signals_digest: z.string(),
});

export class TelemetryRepository {
  constructor(private readonly db: Db) {}

  exists(readingId: string): Promise<boolean> {
    return this.db.exists('SELECT 1 FROM telemetry_readings WHERE reading_id = $r', { r: readingId });
  }

  /** Stores a reading in the caller's transaction. */
  async insert(r: TelemetryReading): Promise<void> {
    await this.db.run('INSERT INTO telemetry_readings VALUES ($r, $s, $at, $m, $d)', {
      r: r.readingId,
      at: r.readAt,
      s: r.snapshotId,
      m: JSON.stringify(r.made),
      d: r.signalsDigest,
    });
    await this.db.appendTo('network_signals', (appender) =>
      r.signalLines.forEach((line, i) => {
        appender.appendVarchar(r.readingId);
        appender.appendInteger(i);
        appender.appendVarchar(line);
        appender.endRow();
      }),
    );
  }

  /** The reading made when the snapshot was ingested (its first), or null when there is none. */
  async first(snapshotId: string): Promise<Omit<TelemetryReading, 'signalLines' | 'readAt'> | null> {
    const row = await this.db.first(
      readingRow,
      'SELECT reading_id, snapshot_id, made, signals_digest FROM telemetry_readings WHERE snapshot_id = $s ORDER BY read_at, reading_id LIMIT 1',
      { s: snapshotId },
    );
    return row
      ? {
          readingId: row.reading_id,
          snapshotId: row.snapshot_id,
          made: JSON.parse(row.made) as Record<string, unknown>,
          signalsDigest: row.signals_digest,
        }
      : null;
  }

  async signalLines(readingId: string): Promise<string[]> {
    const rows = await this.db.rows(
      z.object({ body: z.string() }),
      'SELECT body FROM network_signals WHERE reading_id = $r ORDER BY ord',
      { r: readingId },
    );
    return rows.map((r) => r.body);
  }
}
