import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlowRecord } from '../../contract/telemetry.ts';
import { readResolverLog } from './dns.ts';
import { DEFAULT_FORMAT, FLOW_FIELDS, parseRecord, readFlowLog, TelemetryError } from './flowlogs.ts';
import { resolverRecord } from './resolver-record.fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'daylight-flow-'));
function file(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
async function records(path: string, options = {}) {
  const out: FlowRecord[] = [];
  const counts = await readFlowLog(path, path.split('/').at(-1)!, (r) => out.push(r), options);
  return { out, ...counts };
}

describe('VPC Flow Logs', () => {
  it('reads the default v2 format, with - as null on NODATA records', async () => {
    const { out } = await records(
      file(
        'v2.log',
        `${DEFAULT_FORMAT}\n2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA\n`,
      ),
    );
    expect(out[0]).toEqual({
      version: 2,
      'account-id': '123456789010',
      'interface-id': 'eni-1235b8ca123456789',
      srcaddr: '172.31.16.139',
      dstaddr: '172.31.16.21',
      srcport: 20641,
      dstport: 22,
      protocol: 6,
      packets: 20,
      bytes: 4249,
      start: 1418530010,
      end: 1418530070,
      action: 'ACCEPT',
      'log-status': 'OK',
    });
    expect(out[1]).toMatchObject({ srcaddr: null, dstport: null, action: null, 'log-status': 'NODATA' });
  });

  it('follows a custom header in any order, including NAT gateway peers and IPv6', async () => {
    const header =
      'instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr tcp-flags flow-direction traffic-path version';
    const { out } = await records(
      file(
        'nat.log.gz',
        gzipSync(
          `${header}\n- eni-1235b8ca123456789 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5 3 egress 8 5\ni-01 eni-2 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102::1 - - 18 ingress - 5\n`,
        ),
      ),
    );
    expect(out[0]).toEqual({
      'instance-id': null,
      'interface-id': 'eni-1235b8ca123456789',
      srcaddr: '10.0.1.5',
      dstaddr: '10.0.0.220',
      'pkt-srcaddr': '10.0.1.5',
      'pkt-dstaddr': '203.0.113.5',
      'tcp-flags': 3,
      'flow-direction': 'egress',
      'traffic-path': 8,
      version: 5,
    });
    expect(out[1]).toMatchObject({
      srcaddr: '2001:db8:1234:a100:8d6e:3477:df66:f105',
      'pkt-dstaddr': null,
      'tcp-flags': 18,
    });
  });

  it('knows every field of versions 2 to 8', async () => {
    const fields = Object.keys(FLOW_FIELDS);
    expect(new Set(Object.values(FLOW_FIELDS).map((f) => f.version))).toEqual(new Set([2, 3, 4, 5, 7, 8]));
    const values = fields.map((f) =>
      FLOW_FIELDS[f]!.kind === 'number' ? '7' : FLOW_FIELDS[f]!.kind === 'ip' ? '10.0.0.1' : 'x',
    );
    const { out } = await records(
      file('all.log', `${[...fields].reverse().join(' ')}\n${[...values].reverse().join(' ')}\n`),
    );
    expect(Object.keys(out[0]!).sort()).toEqual([...fields].sort());
  });

  it('stops at a malformed line with file and line, or counts and skips it when asked', async () => {
    const path = file(
      'bad.log',
      `${DEFAULT_FORMAT}\n2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK\n2 1 eni-1 10.0.0.1 not-an-ip 1 2 6 1 1 1 2 ACCEPT OK\n2 1 eni-1\n`,
    );
    await expect(records(path)).rejects.toThrow('bad.log:3: field dstaddr: not an IP address');
    expect(await records(path, { skipBad: true })).toMatchObject({ records: 1, skipped: 2 });
  });

  it('refuses a file that is not a flow log', async () => {
    await expect(records(file('page.log', '<!DOCTYPE html><html>Forbidden</html>\n'))).rejects.toThrow(
      /page\.log:1: not a VPC Flow Logs header/,
    );
    await expect(
      records(file('broken.log.gz', Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]))),
    ).rejects.toBeInstanceOf(TelemetryError);
  });

  it('never throws on arbitrary text, and reading arbitrary bytes fails only with a TelemetryError', async () => {
    const fields = DEFAULT_FORMAT.split(' ');
    fc.assert(fc.property(fc.string(), (line) => void parseRecord(fields, line)));
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const path = file('fuzz.log', Buffer.from(bytes));
        try {
          await records(path, { skipBad: true });
        } catch (e) {
          expect(e).toBeInstanceOf(TelemetryError);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('Route 53 Resolver query logs', () => {
  const rec = resolverRecord;

  it('reads the documented fields, answers and srcids', async () => {
    const out: unknown[] = [];
    const path = file('dns.log', `${JSON.stringify(rec)}\n{"version":"1.1"}\n`);
    await expect(readResolverLog(path, 'dns.log', (r) => out.push(r))).rejects.toThrow(
      'dns.log:2: field account_id',
    );
    const counts = await readResolverLog(path, 'dns.log', (r) => out.push(r), { skipBad: true });
    expect(counts).toEqual({ records: 1, skipped: 1 });
    expect(out.at(-1)).toEqual(rec);
  });

  it('counts lines as a line reader does, read whole or streamed, plain or gzipped', async () => {
    const line = JSON.stringify(rec);
    // A BOM, CRLF, a lone CR, an empty line, then a broken record on line 6 and no last line break.
    const text = `\uFEFF${line}\r\n${line}\r${line}\n\n${line}\n{"version":"1.1"}`;
    const plain = file('mixed.log', text);
    const gzipped = file('mixed.log.gz', gzipSync(text));
    // A FIFO is streamed through the line reader, as a file of 16 MB or more is.
    const fifo = join(dir, 'mixed.fifo');
    execFileSync('mkfifo', [fifo]);
    const fed = (async () => {
      const handle = await open(fifo, 'w');
      await handle.write(text);
      await handle.close();
    })();
    for (const path of [plain, gzipped, fifo]) {
      const lines: number[] = [];
      const read = readResolverLog(path, 'mixed.log', (_r, _raw, line) => lines.push(line), {
        skipBad: true,
      });
      expect(await read).toEqual({ records: 4, skipped: 1 });
      expect(lines).toEqual([1, 2, 3, 5]);
    }
    await fed;
    await expect(readResolverLog(plain, 'mixed.log', () => {})).rejects.toThrow(
      'mixed.log:6: field account_id',
    );
  });
});
