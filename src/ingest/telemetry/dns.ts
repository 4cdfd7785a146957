import { readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { gunzipSync } from 'node:zlib';
import { type ResolverQuery, resolverQuerySchema } from '../../contract/telemetry.ts';
import { openText } from '../csv.ts';
import { TelemetryError } from './flowlogs.ts';

/**
 * Reads a Resolver query log (NDJSON, plain or gzip): a file under 16 MB at once (read, inflated and split, with no
 * stream or line reader per file: what S3 holds is many such files), a larger one streamed.
 */
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
  const take = (raw: string) => {
    line++;
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      bad('not a JSON object');
      return;
    }
    const parsed = resolverQuerySchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      bad(`field ${issue.path.join('.') || '(record)'}: ${issue.message}`);
      return;
    }
    records++;
    onRecord(parsed.data, text, line);
  };
  try {
    const whole = wholeLines(path);
    if (whole) for (const raw of whole) take(raw);
    else
      for await (const raw of createInterface({ input: openText(path), crlfDelay: Number.POSITIVE_INFINITY }))
        take(raw);
  } catch (e) {
    if (e instanceof TelemetryError) throw e;
    throw new TelemetryError(file, line, `cannot be read (${(e as Error).message})`);
  }
  return { records, skipped };
}

/** Below this many bytes a regular file is read at once. */
const WHOLE_BYTES = 16 << 20;

/** A small regular file's lines (`\r\n`, `\n` or a lone `\r` ends one, as the line reader has it), else null. */
function wholeLines(path: string): string[] | null {
  const stat = statSync(path);
  if (!stat.isFile() || stat.size >= WHOLE_BYTES) return null;
  const bytes = readFileSync(path);
  const lines = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8').split(/\r\n|\n|\r/);
  // A last line break ends the last line; it does not start an empty one.
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
