import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { createGunzip, gunzipSync } from 'node:zlib';
import { parseIp } from '../../contract/ip.ts';
import { type FlowFacts, type FlowScope, flowFactsOf, type LineText } from '../../contract/telemetry.ts';
import { Ipv4Set } from './address-set.ts';
import { ByteInterner } from './byte-interner.ts';
import {
  chunkBuffers,
  FLOW_FIELDS,
  parseHeader,
  type ReadOptions,
  recordParser,
  TelemetryError,
} from './flowlogs.ts';
import {
  compileSplitter,
  ends,
  FIELD_KINDS,
  MAX_FIELDS,
  NONE,
  type Splitter,
  starts,
  values,
} from './line-splitter.ts';

/** The line the scanner is on, as bytes until someone asks for its text. */
class LineBytes {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  text(): string {
    return this.buf.toString('utf8', this.start, this.end);
  }
}

/** Where scanned flows go: which flows can matter, then the facts of those that do. */
export interface FlowSink {
  scope(account: string): FlowScope;
  interestingPorts(): Iterable<number>;
  /** Addresses whose flows can matter to accounts of scope 'addresses'; null when any address can. */
  interestingAddresses(): Iterable<string> | null;
  /** `facts` and `raw` (the line's text, built on demand) are reused for the next line: read them during the call. */
  addFlowFacts(facts: FlowFacts, raw: LineText, key: number): void;
}

const NL = 10;
const CR = 13;
const DASH = 45;
const SCOPES: Record<FlowScope, number> = { none: 0, ports: 1, addresses: 2, all: 3 };

/**
 * The fast path of flow-log reading for classification: one pass over the bytes that checks every field of
 * every line as the record parser does (numbers, addresses, field count) and builds strings only for flows that
 * can matter. A line it cannot take byte-wise (odd spacing, IPv6, a bad value) goes through the record parser,
 * so both agree on every line, error and count.
 */
export async function scanFlowLog(
  path: string,
  file: string,
  into: FlowSink | FlowFilter,
  options: ReadOptions & { order?: (line: number) => number } = {},
): Promise<{ records: number; skipped: number }> {
  const scan = new Scan(file, into instanceof FlowFilter ? into : new FlowFilter(into), options);
  if (options.chunk) scan.header(options.chunk.header);
  try {
    let leftover: Buffer | null = null;
    const source = sourceOf(path, options.chunk);
    for await (const piece of source) {
      let from = 0;
      if (leftover) {
        // Finish the line cut at the end of the previous piece, copying only that line.
        const nl = piece.indexOf(NL);
        if (nl === -1) {
          leftover = Buffer.concat([leftover, piece]);
          continue;
        }
        scan.lines(Buffer.concat([leftover, piece.subarray(0, nl + 1)]));
        from = nl + 1;
        leftover = null;
      }
      const last = piece.lastIndexOf(NL);
      if (last >= from) scan.lines(piece.subarray(from, last + 1));
      if (Math.max(from, last + 1) < piece.length)
        leftover = Buffer.from(piece.subarray(Math.max(from, last + 1)));
    }
    if (leftover) scan.lines(Buffer.concat([leftover, Buffer.from([NL])]));
  } catch (e) {
    if (e instanceof TelemetryError) throw e;
    throw new TelemetryError(file, scan.lineNumber, `cannot be read (${(e as Error).message})`);
  }
  if (!scan.layout) throw new TelemetryError(file, 1, 'empty: a header line is required');
  return { records: scan.records, skipped: scan.skipped };
}

/** Reused by every small gzipped file this thread reads. */
const small = Buffer.allocUnsafe((1 << 20) + 1);

/**
 * A file's bytes, in pieces. A small gzipped file — what AWS writes to S3, thousands of them — is read and inflated
 * at once on the scanning thread, which then never waits (a stream per file costs more than its lines); a large
 * one is streamed; plain text is read into one reused buffer, every piece scanned before the next is read.
 */
function sourceOf(path: string, chunk: ReadOptions['chunk']): AsyncIterable<Buffer> | Iterable<Buffer> {
  if (!path.endsWith('.gz'))
    return chunkBuffers(path, chunk?.start ?? 0, chunk?.end ?? Number.POSITIVE_INFINITY, true);
  // Only a regular file is read at once (opening a pipe would block the thread until someone writes it).
  const stat = statSync(path);
  if (stat.isFile() && stat.size < small.length) {
    const fd = openSync(path, 'r');
    try {
      return [gunzipSync(small.subarray(0, readSync(fd, small, 0, small.length, 0)))];
    } finally {
      closeSync(fd);
    }
  }
  return createReadStream(path, { highWaterMark: 1 << 20 }).pipe(createGunzip());
}

interface Layout {
  kinds: Uint8Array;
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
    kinds: Uint8Array.from(fields.map((f) => FIELD_KINDS[FLOW_FIELDS[f]!.kind])),
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

const isDash = (buf: Buffer, f: number) => ends[f]! - starts[f]! === 1 && buf[starts[f]!] === DASH;
const numberOf = (f: number) => (f < 0 || values[f] === NONE ? null : values[f]!);
const textOf = (buf: Buffer, f: number) => buf.toString('utf8', starts[f]!, ends[f]!);

function isWord(buf: Buffer, f: number, word: string): boolean {
  if (f < 0 || ends[f]! - starts[f]! !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (buf[starts[f]! + k] !== word.charCodeAt(k)) return false;
  return true;
}

/** The field holding the peer address: pkt-*addr when present (NAT), else the plain one; -1 when neither. */
function addressField(pkt: number, plain: number): number {
  if (pkt >= 0 && values[pkt] !== NONE) return pkt;
  return plain >= 0 && values[plain] !== NONE ? plain : -1;
}

/**
 * What of a flow can matter to a sink — its ports, its addresses, each account's scope — worked out once and kept
 * for every file scanned into that sink in one run (a run of many small files would otherwise spend longer on
 * this than on the lines). The sink must not learn new addresses while a filter of it is in use.
 */
export class FlowFilter {
  readonly ports = new Uint8Array(65_536);
  readonly addresses = new Ipv4Set();
  /** Whether any address can matter (then only the account's scope decides). */
  readonly anyAddress: boolean;
  readonly accounts = new ByteInterner();
  readonly scopes: number[] = [];

  constructor(readonly sink: FlowSink) {
    for (const port of sink.interestingPorts()) this.ports[port] = 1;
    const addresses = sink.interestingAddresses();
    this.anyAddress = addresses === null;
    for (const address of addresses ?? []) {
      const ip = parseIp(address);
      if (ip?.v === 4) this.addresses.add(ip.n);
    }
  }

  /** The account's id in `accounts`, with its scope known. */
  account(buf: Buffer, from: number, to: number): number {
    const id = this.accounts.idOf(buf, from, to, ByteInterner.hash(buf, from, to));
    if (this.scopes[id] === undefined) this.scopes[id] = SCOPES[this.sink.scope(this.accounts.names[id]!)];
    return id;
  }
}

class Scan {
  layout: Layout | null = null;
  lineNumber = 0;
  records = 0;
  skipped = 0;
  /** Null for headers too long for the scanner's field arrays: every line then goes through the parser. */
  private split: Splitter | null = null;
  private slow: ((line: string) => ReturnType<ReturnType<typeof recordParser>>) | null = null;
  private readonly key: (line: number) => number;
  /** Reused for every flow handed to the sink. */
  private readonly facts: FlowFacts = {
    account: '',
    src: 0,
    dst: 0,
    srcport: 0,
    dstport: 0,
    protocol: null,
    bytes: 0,
    packets: 0,
    start: null,
    end: null,
    direction: null,
  };
  private readonly line = new LineBytes();

  constructor(
    private readonly file: string,
    private readonly filter: FlowFilter,
    private readonly options: ReadOptions & { order?: (line: number) => number },
  ) {
    this.key = options.order ?? ((line) => line);
  }

  header(text: string): void {
    const fields = parseHeader(text.replace(/^\uFEFF/, ''), this.file);
    this.layout = layoutOf(fields);
    this.split = fields.length <= MAX_FIELDS ? compileSplitter(this.layout.kinds) : null;
    this.slow = recordParser(fields);
  }

  /** Every line of `buf`, which ends with '\n'. */
  lines(buf: Buffer): void {
    for (let p = 0; p < buf.length; ) {
      this.lineNumber++;
      const c = buf[p]!;
      if (c === NL || (c === CR && buf[p + 1] === NL)) {
        p += c === NL ? 1 : 2;
        continue;
      }
      const L = this.layout;
      const eol = this.split ? this.split(buf, p) : -1;
      if (eol >= 0) {
        this.records++;
        this.flow(buf, p, eol, L!);
        p = eol + (buf[eol] === CR ? 2 : 1);
        continue;
      }
      const nl = buf.indexOf(NL, p);
      const text = buf.toString('utf8', p, nl > p && buf[nl - 1] === CR ? nl - 1 : nl);
      if (L) this.viaParser(text);
      else this.header(text);
      p = nl + 1;
    }
  }

  /** Cheapest tests first: most flows are on no interesting port and with no interesting address. */
  private flow(buf: Buffer, lineStart: number, lineEnd: number, L: Layout): void {
    const filter = this.filter;
    const srcport = numberOf(L.srcport);
    const dstport = numberOf(L.dstport);
    if (srcport === null || dstport === null) return;
    const src = addressField(L.pktSrc, L.src);
    const dst = addressField(L.pktDst, L.dst);
    if (src < 0 || dst < 0) return;
    const onPort =
      (srcport < 65_536 && filter.ports[srcport] === 1) || (dstport < 65_536 && filter.ports[dstport] === 1);
    const withAddress = !onPort && (filter.addresses.has(values[src]!) || filter.addresses.has(values[dst]!));
    if (!onPort && !withAddress && !filter.anyAddress) return;
    if (L.account < 0 || isDash(buf, L.account) || isWord(buf, L.action, 'REJECT')) return;
    if (L.status >= 0 && !isDash(buf, L.status) && !isWord(buf, L.status, 'OK')) return;
    const from = starts[L.account]!;
    const to = ends[L.account]!;
    const id = filter.account(buf, from, to);
    const account = filter.accounts.names[id]!;
    const scope = filter.scopes[id]!;
    if (scope === SCOPES.none) return;
    if (scope === SCOPES.ports && !onPort) return;
    if (scope === SCOPES.addresses && !onPort && !withAddress) return;
    const facts = this.facts;
    facts.account = account;
    facts.src = values[src]!;
    facts.dst = values[dst]!;
    facts.srcport = srcport;
    facts.dstport = dstport;
    facts.protocol = numberOf(L.protocol);
    facts.bytes = numberOf(L.bytes) ?? 0;
    facts.packets = numberOf(L.packets) ?? 0;
    facts.start = numberOf(L.start);
    facts.end = numberOf(L.end);
    facts.direction = this.directionOf(buf, L.direction);
    this.line.buf = buf;
    this.line.start = lineStart;
    this.line.end = lineEnd;
    filter.sink.addFlowFacts(facts, this.line, this.key(this.lineNumber));
  }

  private directionOf(buf: Buffer, f: number): string | null {
    if (f < 0 || isDash(buf, f)) return null;
    if (isWord(buf, f, 'egress')) return 'egress';
    return isWord(buf, f, 'ingress') ? 'ingress' : textOf(buf, f);
  }

  private viaParser(text: string): void {
    const record = this.slow!(text);
    if (typeof record === 'string') {
      if (!this.options.skipBad) throw new TelemetryError(this.file, this.lineNumber, record);
      this.skipped++;
      return;
    }
    this.records++;
    const facts = flowFactsOf(record);
    if (!facts) return;
    const scope = this.filter.sink.scope(facts.account);
    const onPort = this.filter.ports[facts.srcport] === 1 || this.filter.ports[facts.dstport] === 1;
    // The parser's addresses may be IPv6, which the address set does not hold: the sink decides on those.
    if (scope === 'all' || scope === 'addresses' || (scope === 'ports' && onPort))
      this.filter.sink.addFlowFacts(facts, text, this.key(this.lineNumber));
  }
}
