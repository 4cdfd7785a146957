import type { PackedAccumulators } from '../engine/network/accumulator.ts';

/**
 * A packed classifier state as bytes for the object store: a JSON head (keys, signals, networks, the text's byte
 * length and the typed arrays' lengths), the text (sample lines, reasons, text peers) as UTF-8 — outside the JSON,
 * which would escape every quote of a megabyte of lines —, then the arrays' raw bytes, 8-byte aligned. Float64
 * values travel bit for bit, so a state merged from bytes is the state merged in memory.
 */
export function encodeState(p: PackedAccumulators): Uint8Array {
  const arrays = [p.numbers, p.peerNumbers, p.sampleKeys, p.lengths];
  const text = Buffer.from(p.text, 'utf8');
  const head = Buffer.from(
    JSON.stringify({
      keys: p.keys,
      signals: p.signals,
      networks: p.networks,
      textBytes: text.length,
      lengths: arrays.map((a) => a.length),
    }),
  );
  const headPadded = Math.ceil((4 + head.length + text.length) / 8) * 8;
  const bodies = arrays.map((a) => Math.ceil(a.byteLength / 8) * 8);
  const out = Buffer.alloc(headPadded + bodies.reduce((x, y) => x + y, 0));
  out.writeUInt32LE(head.length, 0);
  head.copy(out, 4);
  text.copy(out, 4 + head.length);
  let at = headPadded;
  arrays.forEach((a, i) => {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, at);
    at += bodies[i]!;
  });
  return out;
}

export function decodeState(bytes: Uint8Array): PackedAccumulators {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headLength = buf.readUInt32LE(0);
  const head = JSON.parse(buf.subarray(4, 4 + headLength).toString('utf8')) as Omit<
    PackedAccumulators,
    'numbers' | 'peerNumbers' | 'sampleKeys' | 'lengths' | 'text'
  > & { lengths: number[]; textBytes: number };
  const textStart = 4 + headLength;
  const text = buf.toString('utf8', textStart, textStart + head.textBytes);
  let at = Math.ceil((textStart + head.textBytes) / 8) * 8;
  // Copied out, so each array owns aligned memory of its own.
  const take = <T extends Float64Array | Uint32Array>(make: (n: number) => T, n: number): T => {
    const a = make(n);
    Buffer.from(a.buffer).set(buf.subarray(at, at + a.byteLength));
    at += Math.ceil(a.byteLength / 8) * 8;
    return a;
  };
  const [n0, n1, n2, n3] = head.lengths as [number, number, number, number];
  return {
    keys: head.keys,
    signals: head.signals,
    networks: head.networks,
    text,
    numbers: take((n) => new Float64Array(n), n0),
    peerNumbers: take((n) => new Float64Array(n), n1),
    sampleKeys: take((n) => new Float64Array(n), n2),
    lengths: take((n) => new Uint32Array(n), n3),
  };
}
