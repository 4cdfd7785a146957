import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Accumulator,
  ipv4Number,
  mergePacked,
  newAccumulator,
  pack,
  peerOf,
  unpack,
} from './accumulator.ts';
import { PeerSet } from './peer-set.ts';

const accumulator = fc
  .record({
    signal: fc.constantFrom('node' as const, 'miner' as const, 'exchange-client' as const),
    network: fc.option(fc.constantFrom('ethereum', 'bitcoin')),
    first: fc.nat(),
    span: fc.nat(),
    records: fc.nat(),
    bytes: fc.nat(),
    packets: fc.nat(),
    seconds: fc.nat(),
    flags: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    reasons: fc.uniqueArray(fc.string()),
    peers: fc.uniqueArray(fc.oneof(fc.nat({ max: 2 ** 48 }), fc.string())),
    sample: fc.array(fc.record({ key: fc.nat(), raw: fc.string({ unit: 'binary' }) }), { maxLength: 5 }),
  })
  .map((r): Accumulator => {
    const a = newAccumulator(r.signal, r.network, r.first);
    Object.assign(a, {
      last: r.first + r.span,
      records: r.records,
      bytes: r.bytes,
      packets: r.packets,
      seconds: r.seconds,
      inbound: r.flags[0],
      poolResolved: r.flags[1],
      stratumPort: r.flags[2],
      dnsOnly: r.flags[3],
      reasons: new Set(r.reasons),
      peers: peerSet(r.peers),
      sample: r.sample,
    });
    return a;
  });

function peerSet(peers: (number | string)[]): PeerSet {
  const set = new PeerSet();
  for (const p of peers) set.add(p);
  return set;
}

/** An accumulator with its peers as a sorted list, to compare by content. */
const view = (a: Accumulator) => ({
  ...a,
  peers: [...[...a.peers.numbers()].sort((x, y) => x - y), ...[...a.peers.texts].sort()],
});

describe('accumulators between threads', () => {
  it('come back from packing exactly as they were, through a structured clone', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), accumulator), { maxLength: 20 }), (entries) => {
        const back = unpack(structuredClone(pack(entries)));
        expect(back.map(([k, a]) => [k, view(a)])).toEqual(entries.map(([k, a]) => [k, view(a)]));
      }),
      { numRuns: 100 },
    );
  });

  it('merge sums, unites peers and reasons, and keeps the earliest sample lines', () => {
    const a = newAccumulator('node', 'ethereum', 100);
    const b = newAccumulator('node', 'ethereum', 50);
    Object.assign(a, {
      last: 200,
      records: 2,
      bytes: 10,
      peers: peerSet([1, 2]),
      sample: [{ key: 5, raw: 'e' }],
    });
    Object.assign(b, { last: 150, records: 3, bytes: 5, peers: peerSet([2, 3, 'fd00::1']), inbound: true });
    b.sample = [
      { key: 1, raw: 'a' },
      { key: 9, raw: 'z' },
    ];
    mergePacked(pack([['k', b]]), () => a, 2);
    expect(a).toMatchObject({ first: 50, last: 200, records: 5, bytes: 15, inbound: true });
    expect(view(a).peers).toEqual([1, 2, 3, 'fd00::1']);
    expect(a.sample.map((s) => s.raw)).toEqual(['a', 'e']);
  });

  it('keys IPv4 peers by number and everything else by its text', () => {
    expect(ipv4Number('52.1.2.3')).toBe(((52 * 256 + 1) * 256 + 2) * 256 + 3);
    expect(ipv4Number('255.255.255.255')).toBe(2 ** 32 - 1);
    for (const bad of ['1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '2001:db8::1', '', '1.2.3.4 '])
      expect(ipv4Number(bad), bad).toBe(-1);
    expect(peerOf('10.0.0.1', 3333)).toBe(ipv4Number('10.0.0.1') * 65_536 + 3333);
    expect(peerOf('2001:db8::1', 3333)).toBe('2001:db8::1:3333');
    expect(peerOf('2001:db8::1')).toBe('2001:db8::1');
  });
});
