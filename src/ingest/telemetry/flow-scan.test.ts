import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TelemetryClassifier } from '../../engine/network/classify.ts';
import { readIndicators } from '../rules.ts';
import { scanFlowLog } from './flow-scan.ts';
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
});
