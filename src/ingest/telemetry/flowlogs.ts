import { closeSync, openSync, readSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parseIp } from '../../contract/ip.ts';
import type { FlowRecord } from '../../contract/telemetry.ts';
import { openText } from '../csv.ts';

/** Every field of VPC Flow Logs versions 2 to 8, with the version that introduced it and its kind. */
export const FLOW_FIELDS: Record<string, { version: number; kind: 'text' | 'number' | 'ip' }> = {
  version: { version: 2, kind: 'number' },
  'account-id': { version: 2, kind: 'text' },
  'interface-id': { version: 2, kind: 'text' },
  srcaddr: { version: 2, kind: 'ip' },
  dstaddr: { version: 2, kind: 'ip' },
  srcport: { version: 2, kind: 'number' },
  dstport: { version: 2, kind: 'number' },
  protocol: { version: 2, kind: 'number' },
  packets: { version: 2, kind: 'number' },
  bytes: { version: 2, kind: 'number' },
  start: { version: 2, kind: 'number' },
  end: { version: 2, kind: 'number' },
  action: { version: 2, kind: 'text' },
  'log-status': { version: 2, kind: 'text' },
  'vpc-id': { version: 3, kind: 'text' },
  'subnet-id': { version: 3, kind: 'text' },
  'instance-id': { version: 3, kind: 'text' },
  'tcp-flags': { version: 3, kind: 'number' },
  type: { version: 3, kind: 'text' },
  'pkt-srcaddr': { version: 3, kind: 'ip' },
  'pkt-dstaddr': { version: 3, kind: 'ip' },
  region: { version: 4, kind: 'text' },
  'az-id': { version: 4, kind: 'text' },
  'sublocation-type': { version: 4, kind: 'text' },
  'sublocation-id': { version: 4, kind: 'text' },
  'pkt-src-aws-service': { version: 5, kind: 'text' },
  'pkt-dst-aws-service': { version: 5, kind: 'text' },
  'flow-direction': { version: 5, kind: 'text' },
  'traffic-path': { version: 5, kind: 'number' },
  'ecs-cluster-arn': { version: 7, kind: 'text' },
  'ecs-cluster-name': { version: 7, kind: 'text' },
  'ecs-container-instance-arn': { version: 7, kind: 'text' },
  'ecs-container-instance-id': { version: 7, kind: 'text' },
  'ecs-container-id': { version: 7, kind: 'text' },
  'ecs-second-container-id': { version: 7, kind: 'text' },
  'ecs-service-name': { version: 7, kind: 'text' },
  'ecs-task-definition-arn': { version: 7, kind: 'text' },
  'ecs-task-arn': { version: 7, kind: 'text' },
  'ecs-task-id': { version: 7, kind: 'text' },
  'reject-reason': { version: 8, kind: 'text' },
};

export const DEFAULT_FORMAT =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

export class TelemetryError extends Error {
  override name = 'TelemetryError';
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
  }

  /** An error sent across a thread or a process as plain fields, made an error again. */
  static revive(e: { name: string; message: string; file: string; line: number }): Error {
    return e.name === 'TelemetryError'
      ? new TelemetryError(e.file, e.line, e.message.replace(/^[^:]+:\d+: /, ''))
      : new Error(e.message);
  }
}

/** Parses the header line into field names, refusing names AWS does not define. */
export function parseHeader(line: string, file: string): string[] {
  const fields = line.trim().split(/\s+/);
  const unknown = fields.filter((f) => !(f in FLOW_FIELDS));
  if (fields.length === 0 || unknown.length > 0)
    throw new TelemetryError(
      file,
      1,
      `not a VPC Flow Logs header (unknown field${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')})`,
    );
  return fields;
}

/** Digits only (no sign, no decimals): the numeric fields of a flow log. */
function isDigits(value: string): boolean {
  if (value.length === 0 || value.length > 15) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A dotted IPv4 address checked character by character; anything else goes to the full parser. */
function isAddress(value: string): boolean {
  let octets = 0;
  let digits = 0;
  let octet = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return parseIp(value) !== null;
    } else if (c === 46 && digits > 0 && octets < 3) {
      octets++;
      digits = 0;
      octet = 0;
    } else return parseIp(value) !== null;
  }
  return (octets === 3 && digits > 0) || parseIp(value) !== null;
}

/** A parser for the records under one header: `-` is null, numeric fields numbers, address fields IPv4/IPv6. */
export function recordParser(fields: string[]): (line: string) => FlowRecord | string {
  const kinds = fields.map((f) => FLOW_FIELDS[f]!.kind);
  const n = fields.length;
  return (line) => {
    let values = line.split(' ');
    if (values.length !== n) values = line.trim().split(/\s+/);
    if (values.length !== n) return `has ${values.length} fields where the header has ${n}`;
    const record: FlowRecord = {};
    for (let i = 0; i < n; i++) {
      const value = values[i]!;
      const name = fields[i]!;
      if (value === '-') record[name] = null;
      else if (kinds[i] === 'number') {
        if (!isDigits(value)) return `field ${name}: not a number: ${JSON.stringify(value.slice(0, 40))}`;
        record[name] = Number(value);
      } else if (kinds[i] === 'ip') {
        if (!isAddress(value))
          return `field ${name}: not an IP address: ${JSON.stringify(value.slice(0, 40))}`;
        record[name] = value;
      } else record[name] = value;
    }
    return record;
  };
}

/** One record (see recordParser, which is faster for many lines of one file). */
export function parseRecord(fields: string[], line: string): FlowRecord | string {
  return recordParser(fields)(line);
}

export interface ReadOptions {
  /** Count and skip malformed lines instead of stopping at the first. */
  skipBad?: boolean;
  /**
   * Read only the lines that start within [start, end) of an uncompressed file (a chunk for a worker thread),
   * with the file's header given; line numbers are then counted from the chunk's first line.
   */
  chunk?: { start: number; end: number; header: string };
}

/**
 * Streams a flow log file (plain or gzip) as AWS delivers it to S3, header first; calls `onRecord` with each
 * record and its raw line. Returns the count of records and of skipped lines.
 */
export async function readFlowLog(
  path: string,
  file: string,
  onRecord: (record: FlowRecord, raw: string, line: number) => void,
  options: ReadOptions = {},
): Promise<{ records: number; skipped: number }> {
  const chunk = options.chunk;
  let fields: string[] | null = chunk ? parseHeader(chunk.header, file) : null;
  let parse = fields ? recordParser(fields) : null;
  let line = 0;
  let records = 0;
  let skipped = 0;
  let input: NodeJS.ReadableStream;
  try {
    input = chunk ? chunkStream(path, chunk.start, chunk.end) : openText(path);
  } catch (e) {
    throw new TelemetryError(file, 0, (e as Error).message);
  }
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const raw of lines) {
      line++;
      if (raw.trim() === '') continue;
      if (fields === null) {
        fields = parseHeader(raw.replace(/^\uFEFF/, ''), file);
        parse = recordParser(fields);
        continue;
      }
      const parsed = parse!(raw);
      if (typeof parsed === 'string') {
        if (!options.skipBad) throw new TelemetryError(file, line, parsed);
        skipped++;
        continue;
      }
      records++;
      onRecord(parsed, raw, line);
    }
  } catch (e) {
    if (e instanceof TelemetryError) throw e;
    throw new TelemetryError(file, line, `cannot be read (${(e as Error).message})`);
  }
  if (fields === null) throw new TelemetryError(file, 1, 'empty: a header line is required');
  return { records, skipped };
}

const PIECE = 1 << 20;

/**
 * A file's bytes from `from` on, in pieces; with `reuse`, one buffer is refilled for every piece. Reads are
 * synchronous: the caller scans each piece at once, and a thread pool's hop per read only adds waiting (and, with
 * every core scanning, competes with the scanners for the CPU).
 */
async function* filePieces(path: string, from: number, reuse: boolean): AsyncGenerator<Buffer> {
  const fd = openSync(path, 'r');
  let buffer = Buffer.allocUnsafe(PIECE);
  try {
    for (let position = from; ; ) {
      if (!reuse) buffer = Buffer.allocUnsafe(PIECE);
      const bytesRead = readSync(fd, buffer, 0, PIECE, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The bytes of the lines that start within [start, end) of a file, as buffers. With `reuse`, each buffer is
 * overwritten by the next one: a caller must be done with a piece before asking for the next.
 */
export async function* chunkBuffers(
  path: string,
  start: number,
  end: number,
  reuse = false,
): AsyncGenerator<Buffer> {
  const from0 = Math.max(0, start - 1);
  let position = from0;
  // Skip the partial line at `start` (the previous chunk owns it); read on past `end` to finish the last line.
  let state: 'skip' | 'read' | 'finish' = start > 0 ? 'skip' : 'read';
  for await (const buffer of filePieces(path, from0, reuse)) {
    let from = 0;
    if (state === 'skip') {
      const nl = buffer.indexOf(10);
      if (nl === -1) {
        position += buffer.length;
        continue;
      }
      from = nl + 1;
      state = 'read';
    }
    if (state === 'finish') {
      const nl = buffer.indexOf(10);
      yield buffer.subarray(0, nl === -1 ? buffer.length : nl + 1);
      if (nl !== -1) return;
      position += buffer.length;
      continue;
    }
    const limit = end - position;
    if (limit <= from) return;
    if (limit <= buffer.length) {
      const nl = buffer.indexOf(10, limit - 1);
      yield buffer.subarray(from, nl === -1 ? buffer.length : nl + 1);
      if (nl !== -1) return;
      state = 'finish';
    } else yield buffer.subarray(from);
    position += buffer.length;
  }
}

function chunkStream(path: string, start: number, end: number): NodeJS.ReadableStream {
  const readable = Readable.from(chunkBuffers(path, start, end));
  readable.setEncoding('utf8');
  return readable;
}
