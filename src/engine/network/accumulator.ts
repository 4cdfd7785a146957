/** What the classifier gathers for one account, month and signal, and how threads hand it over. */

import { PeerSet } from './peer-set.ts';

export type SignalKind = 'node' | 'miner' | 'exchange-client';

/** A distinct peer: an IPv4 address (or address × 65536 + port) as a number, anything else as text. */
export type Peer = number | string;

export interface Accumulator {
  signal: SignalKind;
  network: string | null;
  reasons: Set<string>;
  first: number;
  last: number;
  records: number;
  bytes: number;
  packets: number;
  seconds: number;
  peers: PeerSet;
  inbound: boolean;
  /** The first log lines, by their place in the input (order key), whatever thread read them. */
  sample: { key: number; raw: string }[];
  poolResolved: boolean;
  /** Flows went to an address of a name that only hints at a pool (mixed list, pool-like label). */
  poolHinted: boolean;
  stratumPort: boolean;
  dnsOnly: boolean;
}

export function newAccumulator(signal: SignalKind, network: string | null, when: number): Accumulator {
  return {
    signal,
    network,
    reasons: new Set(),
    first: when,
    last: when,
    records: 0,
    bytes: 0,
    packets: 0,
    seconds: 0,
    peers: new PeerSet(),
    inbound: false,
    sample: [],
    poolResolved: false,
    poolHinted: false,
    stratumPort: false,
    dnsOnly: true,
  };
}

/** The dotted-quad IPv4 address as a number, or -1 for anything else. */
export function ipv4Number(text: string): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else if (c === 46 && digits > 0 && dots < 3) {
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else return -1;
  }
  return dots === 3 && digits > 0 ? value * 256 + octet : -1;
}

/** An address as a key: IPv4 as its number (however it came), anything else as written. */
export function addressKey(address: string | number): string | number {
  if (typeof address === 'number') return address;
  const n = ipv4Number(address);
  return n < 0 ? address : n;
}

/** A peer's key: the address (with the port when given) as a number when it is IPv4. */
export function peerOf(address: string | number, port?: number): Peer {
  const key = addressKey(address);
  if (port === undefined) return key;
  return typeof key === 'number' ? key * 65_536 + port : `${key}:${port}`;
}

/**
 * Accumulators as a few flat arrays and strings: what a worker thread sends back. Structured cloning copies a long
 * string or a typed array at memory speed, but a hundred thousand small objects one by one.
 */
export interface PackedAccumulators {
  keys: string[];
  signals: SignalKind[];
  networks: (string | null)[];
  /** Per accumulator: first, last, records, bytes, packets, seconds, flags, and how many numeric peers, text
   * peers, reasons and sample lines follow in the arrays below. */
  numbers: Float64Array;
  peerNumbers: Float64Array;
  sampleKeys: Float64Array;
  /** Reasons, text peers and sample lines, one after the other; their lengths in `lengths`. */
  text: string;
  lengths: Uint32Array;
}

const FIELDS = 11;

export function pack(entries: Iterable<[string, Accumulator]>): PackedAccumulators {
  const list = [...entries];
  let peerCount = 0;
  let sampleCount = 0;
  for (const [, a] of list) {
    peerCount += a.peers.numberCount;
    sampleCount += a.sample.length;
  }
  const numbers = new Float64Array(list.length * FIELDS);
  const peerNumbers = new Float64Array(peerCount);
  const sampleKeys = new Float64Array(sampleCount);
  const texts: string[] = [];
  let peer = 0;
  let sample = 0;
  list.forEach(([, a], i) => {
    peer = a.peers.copyNumbers(peerNumbers, peer);
    for (const p of a.peers.texts) texts.push(p);
    for (const r of a.reasons) texts.push(r);
    for (const s of a.sample) {
      sampleKeys[sample++] = s.key;
      texts.push(s.raw);
    }
    const flags =
      (a.inbound ? 1 : 0) |
      (a.poolResolved ? 2 : 0) |
      (a.stratumPort ? 4 : 0) |
      (a.dnsOnly ? 8 : 0) |
      (a.poolHinted ? 16 : 0);
    numbers.set(
      [
        a.first,
        a.last,
        a.records,
        a.bytes,
        a.packets,
        a.seconds,
        flags,
        a.peers.numberCount,
        a.peers.texts.size,
        a.reasons.size,
        a.sample.length,
      ],
      i * FIELDS,
    );
  });
  return {
    keys: list.map(([key]) => key),
    signals: list.map(([, a]) => a.signal),
    networks: list.map(([, a]) => a.network),
    numbers,
    peerNumbers,
    sampleKeys,
    text: texts.join(''),
    lengths: lengthsOf(texts),
  };
}

function lengthsOf(texts: string[]): Uint32Array {
  const lengths = new Uint32Array(texts.length);
  for (let i = 0; i < texts.length; i++) lengths[i] = texts[i]!.length;
  return lengths;
}

/** The typed arrays' buffers, to transfer rather than copy. */
export const transferables = (p: PackedAccumulators) => [
  p.numbers.buffer,
  p.peerNumbers.buffer,
  p.sampleKeys.buffer,
  p.lengths.buffer,
];

/**
 * Adds packed accumulators into the ones `target` gives for each key (a new one, or one to merge into), reading
 * the flat arrays directly, keeping the first `sampleLines` sample lines.
 */
export function mergePacked(
  p: PackedAccumulators,
  target: (key: string, signal: SignalKind, network: string | null, first: number) => Accumulator,
  sampleLines = Number.POSITIVE_INFINITY,
): void {
  let peer = 0;
  let sample = 0;
  let textIndex = 0;
  let at = 0;
  const nextText = () => {
    const length = p.lengths[textIndex++]!;
    at += length;
    return p.text.slice(at - length, at);
  };
  for (let i = 0; i < p.keys.length; i++) {
    const n = p.numbers.subarray(i * FIELDS, (i + 1) * FIELDS);
    const flags = n[6]!;
    const a = target(p.keys[i]!, p.signals[i]!, p.networks[i]!, n[0]!);
    a.first = Math.min(a.first, n[0]!);
    a.last = Math.max(a.last, n[1]!);
    a.records += n[2]!;
    a.bytes += n[3]!;
    a.packets += n[4]!;
    a.seconds += n[5]!;
    a.inbound ||= (flags & 1) !== 0;
    a.poolResolved ||= (flags & 2) !== 0;
    a.stratumPort ||= (flags & 4) !== 0;
    a.poolHinted ||= (flags & 16) !== 0;
    a.dnsOnly &&= (flags & 8) !== 0;
    a.peers.reserve(n[7]!);
    for (let k = 0; k < n[7]!; k++) a.peers.add(p.peerNumbers[peer++]!);
    for (let k = 0; k < n[8]!; k++) a.peers.add(nextText());
    for (let k = 0; k < n[9]!; k++) a.reasons.add(nextText());
    // Both lists are in key order: merge them, building only the lines that are kept.
    const kept = a.sample;
    const merged: Accumulator['sample'] = [];
    let x = 0;
    for (let k = 0; k < n[10]!; k++) {
      const key = p.sampleKeys[sample++]!;
      const length = p.lengths[textIndex++]!;
      at += length;
      while (x < kept.length && kept[x]!.key < key && merged.length < sampleLines) merged.push(kept[x++]!);
      if (merged.length < sampleLines) merged.push({ key, raw: p.text.slice(at - length, at) });
    }
    while (x < kept.length && merged.length < sampleLines) merged.push(kept[x++]!);
    a.sample = merged;
  }
}

/** Packed accumulators as they were. */
export function unpack(p: PackedAccumulators): [string, Accumulator][] {
  const out: [string, Accumulator][] = [];
  mergePacked(p, (key, signal, network, first) => {
    const a = newAccumulator(signal, network, first);
    out.push([key, a]);
    return a;
  });
  return out;
}
