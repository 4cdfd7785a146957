import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flowOrderKey, TelemetryClassifier } from '../../engine/network/classify.ts';
import { readIndicators } from '../rules.ts';
import { FlowFilter, scanFlowLog } from './flow-scan.ts';
import { DEFAULT_FORMAT, readFlowLog } from './flowlogs.ts';

const dir = mkdtempSync(join(tmpdir(), 'daylight-scan-'));
const indicators = readIndicators();

async function both(text: string, skipBad = false) {
  const path = join(dir, 'f.log');
  writeFileSync(path, text);
  const a = new TelemetryClassifier(indicators);
  const b = new TelemetryClassifier(indicators);
  const slow = await readFlowLog(path, 'f.log', (r, raw) => a.addFlow(r, raw), { skipBad }).catch(
    (e: Error) => e.message,
  );
  const fast = await scanFlowLog(path, 'f.log', b, { skipBad }).catch((e: Error) => e.message);
  return { slow, fast, slowSignals: a.signals(), fastSignals: b.signals() };
}

const HEADER = `${DEFAULT_FORMAT} flow-direction pkt-dstaddr`;
const line = fc
  .record({
    account: fc.constantFrom('A1', 'A2', 'A3'),
    src: fc.constantFrom('10.0.0.5', '52.1.2.3', '2001:db8::1', '-', '300.1.1.1'),
    dst: fc.constantFrom('10.0.0.9', '45.9.9.9', 'fd00::7', '-'),
    sport: fc.constantFrom('50000', '30303', '8333', '-', 'x1'),
    dport: fc.constantFrom('443', '30303', '3333', '18080', '-'),
    proto: fc.constantFrom('6', '17', '-'),
    action: fc.constantFrom('ACCEPT', 'REJECT', '-'),
    status: fc.constantFrom('OK', 'NODATA', 'SKIPDATA'),
    dir: fc.constantFrom('egress', 'ingress', '-'),
    pkt: fc.constantFrom('-', '203.0.113.9'),
    gap: fc.constantFrom(' ', ' ', ' ', '  ', '\t'),
    t: fc.integer({ min: 1664582400, max: 1672444800 }),
  })
  .map((r) =>
    [
      '2',
      r.account,
      'eni-1',
      r.src,
      r.dst,
      r.sport,
      r.dport,
      r.proto,
      '10',
      '900',
      String(r.t),
      String(r.t + 400),
      r.action,
      r.status,
      r.dir,
      r.pkt,
    ].join(r.gap),
  );

describe('the byte-level flow scanner', () => {
  it('gives the same signals, counts and errors as the record parser', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 60 }), fc.boolean(), async (lines, skipBad) => {
        const r = await both(`${HEADER}\n${lines.join('\n')}\n`, skipBad);
        expect(r.fast).toEqual(r.slow);
        expect(r.fastSignals).toEqual(r.slowSignals);
      }),
      { numRuns: 150 },
    );
  });

  it('handles CRLF, a missing final newline and blank lines', async () => {
    const text = `${HEADER}\r\n5 A1 eni-1 10.0.0.5 52.1.2.3 50000 30303 6 10 900 1664582400 1664582800 ACCEPT OK egress -\r\n\r\n5 A1 eni-1 10.0.0.5 52.1.2.4 50001 30303 6 10 900 1664582400 1664582800 ACCEPT OK egress -`;
    const r = await both(text);
    expect(r.fast).toEqual({ records: 2, skipped: 0 });
    expect(r.fastSignals).toEqual(r.slowSignals);
    expect(r.fastSignals[0]).toMatchObject({ account_id: 'A1', signal: 'node', peers: 2 });
  });

  it('reads small gzipped files whole and large ones as a stream, one filter serving every file', async () => {
    // Random peers make the large file incompressible enough to pass 1 MiB gzipped.
    const flowLine = (i: number) =>
      `2 A${i % 3} eni-1 10.0.0.5 52.${i % 251}.${(i >> 8) % 251}.${(i * 7) % 251} ${1024 + (i % 60000)} ${i % 5 ? 30303 : 443} 6 ${i % 90} ${i * 13} 1664582400 1664582800 ACCEPT OK`;
    const texts = [20, 200_000].map(
      (n) => `${DEFAULT_FORMAT}\n${Array.from({ length: n }, (_, i) => flowLine(i)).join('\n')}\n`,
    );
    const paths = texts.map((text, k) => {
      const path = join(dir, `part-${k}.log.gz`);
      writeFileSync(path, gzipSync(text));
      return path;
    });
    expect(statSync(paths[0]!).size).toBeLessThan(1 << 20);
    expect(statSync(paths[1]!).size).toBeGreaterThan(1 << 20);
    const byParser = new TelemetryClassifier(indicators);
    const byScanner = new TelemetryClassifier(indicators);
    const filter = new FlowFilter(byScanner);
    const counts = [];
    for (const [k, path] of paths.entries()) {
      await readFlowLog(path, `part-${k}`, (r, raw) => byParser.addFlow(r, raw));
      counts.push(await scanFlowLog(path, `part-${k}`, filter, { order: (line) => flowOrderKey(k, line) }));
    }
    expect(counts).toEqual([
      { records: 20, skipped: 0 },
      { records: 200_000, skipped: 0 },
    ]);
    expect(byScanner.signals()).toEqual(byParser.signals());
    expect(byScanner.signals().filter((s) => s.signal === 'node')).toHaveLength(3);
  });
});
