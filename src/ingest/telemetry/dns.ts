import { createInterface } from 'node:readline';
import { type ResolverQuery, resolverQuerySchema } from '../../contract/telemetry.ts';
import { openText } from '../csv.ts';
import { TelemetryError } from './flowlogs.ts';

/** Streams a Resolver query log (NDJSON, plain or gzip). */
export async function readResolverLog(
  path: string,
  file: string,
  onRecord: (record: ResolverQuery, raw: string, line: number) => void,
  options: { skipBad?: boolean } = {},
): Promise<{ records: number; skipped: number }> {
  let line = 0;
  let records = 0;
  let skipped = 0;
  const bad = (message: string) => {
    if (!options.skipBad) throw new TelemetryError(file, line, message);
    skipped++;
  };
  try {
    for await (const raw of createInterface({ input: openText(path), crlfDelay: Number.POSITIVE_INFINITY })) {
      line++;
      const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (text.trim() === '') continue;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        bad('not a JSON object');
        continue;
      }
      const parsed = resolverQuerySchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        bad(`field ${issue.path.join('.') || '(record)'}: ${issue.message}`);
        continue;
      }
      records++;
      onRecord(parsed.data, text, line);
    }
  } catch (e) {
    if (e instanceof TelemetryError) throw e;
    throw new TelemetryError(file, line, `cannot be read (${(e as Error).message})`);
  }
  return { records, skipped };
}
