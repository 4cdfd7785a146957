import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import {
  chunkBuffers,
  FLOW_FIELDS,
  type FlowFacts,
  flowFactsOf,
  parseHeader,
  type ReadOptions,
  recordParser,
  TelemetryError,
} from './flowlogs.ts';

/** Where scanned flows go: a cheap test first, then the facts of the flows that can matter. */
export interface FlowSink {
  wants(account: string, srcport: number, dstport: number): boolean;
  addFlowFacts(facts: FlowFacts, raw: () => string, key: number): void;
}

const SPACE = 32;
const DASH = 45;
const NONE = -1;

/**
 * The fast path of flow-log reading for classification: works on the bytes, checks every field of every line as
 * the record parser does (numbers, addresses, field count), and builds strings only for flows the sink wants.
 * A line it cannot take byte-wise (odd spacing, IPv6) goes through the record parser, so both agree.
 */
export async function scanFlowLog(
  path: string,
  file: string,
  sink: FlowSink,
  options: ReadOptions & { order?: (line: number) => number } = {},
): Promise<{ records: number; skipped: number }> {
  const key = options.order ?? ((line: number) => line);
  const chunk = options.chunk;
  let fields: string[] | null = chunk ? parseHeader(chunk.header, file) : null;
  let layout = fields ? layoutOf(fields) : null;
  let slow = fields ? recordParser(fields) : null;
  let lineNumber = 0;
  let records = 0;
  let skipped = 0;
  let leftover: Buffer | null = null;

  const bad = (message: string) => {
    if (!options.skipBad) throw new TelemetryError(file, lineNumber, message);
    skipped++;
  };

  const handle = (buf: Buffer, start: number, end: number) => {
    lineNumber++;
    if (end > start && buf[end - 1] === 13) end--;
    if (end === start) return;
    if (layout === null) {
      fields = parseHeader(buf.toString('utf8', start, end).replace(/^\uFEFF/, ''), file);
      layout = layoutOf(fields);
      slow = recordParser(fields);
      return;
    }
    const scanned = scanLine(buf, start, end, layout);
    if (scanned === 'slow') return viaParser(buf.toString('utf8', start, end));
    records++;
    if (scanned === 'skip') return;
    const account = buf.toString('utf8', line.account[0], line.account[1]);
    if (!sink.wants(account, line.srcport, line.dstport)) return;
    const text = (span: number[]) => buf.toString('utf8', span[0], span[1]);
    sink.addFlowFacts(
      {
        account,
        src: text(line.src),
        dst: text(line.dst),
        srcport: line.srcport,
        dstport: line.dstport,
        protocol: line.protocol,
        bytes: line.bytes,
        packets: line.packets,
        start: line.start,
        end: line.end,
        direction: line.direction[0]! < 0 ? null : text(line.direction),
      },
      () => buf.toString('utf8', start, end),
      key(lineNumber),
    );
  };

  const viaParser = (text: string) => {
    const record = slow!(text);
    if (typeof record === 'string') return bad(record);
    records++;
    const facts = flowFactsOf(record);
    if (facts && sink.wants(facts.account, facts.srcport, facts.dstport))
      sink.addFlowFacts(facts, () => text, key(lineNumber));
  };

  const source: AsyncIterable<Buffer> = chunk
    ? chunkBuffers(path, chunk.start, chunk.end)
    : path.endsWith('.gz')
      ? createReadStream(path, { highWaterMark: 1 << 20 }).pipe(createGunzip())
      : createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const piece of source) {
      const buf: Buffer = leftover ? Buffer.concat([leftover, piece]) : piece;
      leftover = null;
      let from = 0;
      for (let nl = buf.indexOf(10, from); nl !== -1; nl = buf.indexOf(10, from)) {
        handle(buf, from, nl);
        from = nl + 1;
      }
      if (from < buf.length) leftover = Buffer.from(buf.subarray(from));
    }
    if (leftover) handle(leftover, 0, leftover.length);
  } catch (e) {
    if (e instanceof TelemetryError) throw e;
    throw new TelemetryError(file, lineNumber, `cannot be read (${(e as Error).message})`);
  }
  if (layout === null) throw new TelemetryError(file, 1, 'empty: a header line is required');
  return { records, skipped };
}

interface Layout {
  kinds: Uint8Array; // 0 text, 1 number, 2 ip
  n: number;
  account: number;
  src: number;
  dst: number;
  pktSrc: number;
  pktDst: number;
  srcport: number;
  dstport: number;
  protocol: number;
  bytes: number;
  packets: number;
  start: number;
  end: number;
  action: number;
  status: number;
  direction: number;
}

function layoutOf(fields: string[]): Layout {
  const at = (name: string) => fields.indexOf(name);
  return {
    kinds: Uint8Array.from(fields.map((f) => ({ text: 0, number: 1, ip: 2 })[FLOW_FIELDS[f]!.kind])),
    n: fields.length,
    account: at('account-id'),
    src: at('srcaddr'),
    dst: at('dstaddr'),
    pktSrc: at('pkt-srcaddr'),
    pktDst: at('pkt-dstaddr'),
    srcport: at('srcport'),
    dstport: at('dstport'),
    protocol: at('protocol'),
    bytes: at('bytes'),
    packets: at('packets'),
    start: at('start'),
    end: at('end'),
    action: at('action'),
    status: at('log-status'),
    direction: at('flow-direction'),
  };
}

const starts = new Int32Array(64);
const ends = new Int32Array(64);

/** Digits as a number, or NONE for '-'; -2 when not a number. */
function numberAt(buf: Buffer, s: number, e: number): number {
  if (e - s === 1 && buf[s] === DASH) return NONE;
  if (e - s > 15 || e === s) return -2;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) return -2;
    v = v * 10 + c;
  }
  return v;
}

/** 1 for a dotted IPv4 address, 0 for '-', -1 for anything else (left to the full parser). */
function ipv4At(buf: Buffer, s: number, e: number): number {
  if (e - s === 1 && buf[s] === DASH) return 0;
  let dots = 0;
  let digits = 0;
  let octet = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i]!;
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else if (c === 46 && digits > 0 && dots < 3) {
      dots++;
      digits = 0;
      octet = 0;
    } else return -1;
  }
  return dots === 3 && digits > 0 ? 1 : -1;
}

/** Reused for every line: the numbers and text positions of the last line scanned. */
const line = {
  srcport: 0,
  dstport: 0,
  protocol: null as number | null,
  bytes: 0,
  packets: 0,
  start: null as number | null,
  end: null as number | null,
  account: [0, 0],
  src: [0, 0],
  dst: [0, 0],
  direction: [0, 0],
};

function isDash(buf: Buffer, f: number): boolean {
  return ends[f]! - starts[f]! === 1 && buf[starts[f]!] === DASH;
}

function numberOf(buf: Buffer, f: number): number | null {
  if (f < 0) return null;
  const v = numberAt(buf, starts[f]!, ends[f]!);
  return v === NONE ? null : v;
}

function isWord(buf: Buffer, f: number, word: string): boolean {
  if (f < 0 || ends[f]! - starts[f]! !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (buf[starts[f]! + k] !== word.charCodeAt(k)) return false;
  return true;
}

/** Copies field f's span into `to`; false when the field is absent or '-'. */
function spanOf(buf: Buffer, f: number, to: number[]): boolean {
  if (f < 0 || isDash(buf, f)) return false;
  to[0] = starts[f]!;
  to[1] = ends[f]!;
  return true;
}

/**
 * One line byte-wise into `line`: 'skip' when the line is valid but cannot matter (rejected, no data, no
 * ports), 'slow' when it needs the record parser, 'flow' when `line` holds a flow.
 */
function scanLine(buf: Buffer, start: number, end: number, L: Layout): 'skip' | 'slow' | 'flow' {
  if (L.n > starts.length) return 'slow';
  // One pass: split on single spaces and check each field by its kind as it ends.
  let count = 0;
  let s = start;
  for (let i = start; i <= end; i++) {
    if (i < end && buf[i] !== SPACE) continue;
    if (i === s || count === L.n) return 'slow';
    const kind = L.kinds[count];
    if (kind === 1 && numberAt(buf, s, i) === -2) return 'slow';
    if (kind === 2 && ipv4At(buf, s, i) === -1) return 'slow';
    starts[count] = s;
    ends[count] = i;
    count++;
    s = i + 1;
  }
  if (count !== L.n) return 'slow';
  const srcport = numberOf(buf, L.srcport);
  const dstport = numberOf(buf, L.dstport);
  if (srcport === null || dstport === null || !spanOf(buf, L.account, line.account)) return 'skip';
  if (
    isWord(buf, L.action, 'REJECT') ||
    (L.status >= 0 && !isDash(buf, L.status) && !isWord(buf, L.status, 'OK'))
  )
    return 'skip';
  if (!spanOf(buf, L.pktSrc, line.src) && !spanOf(buf, L.src, line.src)) return 'skip';
  if (!spanOf(buf, L.pktDst, line.dst) && !spanOf(buf, L.dst, line.dst)) return 'skip';
  if (!spanOf(buf, L.direction, line.direction)) line.direction[0] = line.direction[1] = -1;
  line.srcport = srcport;
  line.dstport = dstport;
  line.protocol = numberOf(buf, L.protocol);
  line.bytes = numberOf(buf, L.bytes) ?? 0;
  line.packets = numberOf(buf, L.packets) ?? 0;
  line.start = numberOf(buf, L.start);
  line.end = numberOf(buf, L.end);
  return 'flow';
}
