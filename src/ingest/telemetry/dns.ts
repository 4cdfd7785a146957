import { readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { gunzipSync } from 'node:zlib';
import { type ResolverFacts, type ResolverQuery, resolverQuerySchema } from '../../contract/telemetry.ts';
import { openText } from '../csv.ts';
import { TelemetryError } from './flowlogs.ts';
import { scanResolverLine } from './resolver-scan.ts';

/** `skipBad`: count and skip a line that breaks the contract rather than stop at it. */
type ReadOptions = { skipBad?: boolean };
type ReadCounts = { records: number; skipped: number };

/**
 * Reads a Resolver query log (NDJSON, plain or gzip): a file under 16 MB at once (read, inflated and split, with no
 * stream or line reader per file: what S3 holds is many such files), a larger one streamed. Every record whole, as
 * the contract's schema gives it.
 */
export function readResolverLog(
  path: string,
  file: string,
  onRecord: (record: ResolverQuery, raw: string, line: number) => void,
  options: ReadOptions = {},
): Promise<ReadCounts> {
  return readLines(path, file, parseRecord, onRecord, options);
}

/**
 * Reads a Resolver query log as `readResolverLog` does, checking every line as strictly, but giving only what the
 * classifier needs of each record (see scanResolverLine): the quicker read of the two.
 */
export function readResolverFacts(
  path: string,
  file: string,
  onFacts: (facts: ResolverFacts, raw: string, line: number) => void,
  options: ReadOptions = {},
): Promise<ReadCounts> {
  return readLines(path, file, (text) => scanResolverLine(text) ?? parseRecord(text), onFacts, options);
}

/** A line's record, or what is wrong with it (a string). */
function parseRecord(text: string): ResolverQuery | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'not a JSON object';
  }
  const parsed = resolverQuerySchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  return `field ${issue.path.join('.') || '(record)'}: ${issue.message}`;
}

async function readLines<T extends object>(
  path: string,
  file: string,
  decode: (text: string) => T | string,
  onRecord: (record: T, raw: string, line: number) => void,
  options: ReadOptions,
): Promise<ReadCounts> {
  let line = 0;
  let records = 0;
  let skipped = 0;
  const take = (raw: string) => {
    line++;
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') return;
    const record = decode(text);
    if (typeof record === 'string') {
      if (!options.skipBad) throw new TelemetryError(file, line, record);
      skipped++;
      return;
    }
    records++;
    onRecord(record, text, line);
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

/**
 * A small regular file's lines (`\r\n`, `\n` or a lone `\r` ends one, as the line reader has it), else null. Each
 * line is its own string: a part of one string of the whole file would keep all of it alive as long as anything
 * taken from that line is kept (an account, a name, a sample line).
 */
function wholeLines(path: string): string[] | null {
  const stat = statSync(path);
  if (!stat.isFile() || stat.size >= WHOLE_BYTES) return null;
  const bytes = readFileSync(path);
  const data = path.endsWith('.gz') ? gunzipSync(bytes) : bytes;
  if (data.includes(0x0d)) {
    const lines = data.toString('utf8').split(/\r\n|\n|\r/);
    // A last line break ends the last line; it does not start an empty one.
    if (lines.at(-1) === '') lines.pop();
    return lines.map(ownString);
  }
  const lines: string[] = [];
  let start = 0;
  for (let end = data.indexOf(0x0a); end !== -1; end = data.indexOf(0x0a, start)) {
    lines.push(data.toString('utf8', start, end));
    start = end + 1;
  }
  if (start < data.length) lines.push(data.toString('utf8', start));
  return lines;
}

/** A string that holds its own characters rather than pointing into a longer one. */
const ownString = (s: string) => Buffer.from(s, 'utf8').toString('utf8');
