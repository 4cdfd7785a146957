import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIp } from '../../contract/ip.ts';
import { readRangeDir, readRangeFile } from '../../ingest/ranges/read-ranges.ts';
import { hostingConcentration, rangeIndex } from './hosting.ts';

// The real range files live beside the repository (../shared), never in it; a checkout without them skips these.
const DIR = join(import.meta.dirname, '../../../../shared/data/cloud-ip-ranges-2022-06-29');
const present = existsSync(DIR);
const index = rangeIndex(present ? readRangeDir(DIR) : []);
const at = (ip: string) => index.lookup(parseIp(ip)!)?.value;

describe.skipIf(!present)('cloud range files of 2022-06-29', () => {
  it('reads every provider format in the folder', () => {
    const providers = new Set(readRangeDir(DIR).map((e) => e.provider));
    expect([...providers].sort()).toEqual(['AWS', 'Azure', 'DigitalOcean', 'Google Cloud', 'Oracle Cloud']);
  });

  it("maps go-ethereum's AWS bootnodes to their regions, preferring the specific service label", () => {
    expect(at('18.138.108.67')).toMatchObject({ provider: 'AWS', region: 'ap-southeast-1' });
    expect(at('3.209.45.79')).toMatchObject({ provider: 'AWS', region: 'us-east-1' });
    expect(at('34.255.23.113')).toMatchObject({ provider: 'AWS', region: 'eu-west-1' });
    expect(at('35.158.244.151')).toMatchObject({ provider: 'AWS', region: 'eu-central-1' });
    expect(at('18.138.108.67')?.service).not.toBe('AMAZON');
  });

  it('maps the Azure bootnode to australiaeast and leaves Hetzner unknown', () => {
    expect(at('52.187.207.27')).toMatchObject({ provider: 'Azure', region: 'australiaeast' });
    expect(at('65.108.70.101')).toBeUndefined();
    expect(at('157.90.35.166')).toBeUndefined();
  });

  it('reports shares per provider and region', () => {
    const report = hostingConcentration(
      ['18.138.108.67', '3.209.45.79', '52.187.207.27', '65.108.70.101', 'not-an-ip'],
      index,
    );
    expect(report.nodes).toBe(4);
    expect(report.unparsable).toBe(1);
    expect(report.byProvider).toEqual([
      { provider: 'AWS', region: null, nodes: 2, share: 0.5 },
      { provider: 'Azure', region: null, nodes: 1, share: 0.25 },
      { provider: 'unknown', region: null, nodes: 1, share: 0.25 },
    ]);
  });

  it('refuses an HTML page saved as a range file', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'daylight-ranges-'));
    writeFileSync(join(dir, 'aws-ip-ranges.json'), '<!DOCTYPE html><html><body>Access denied</body></html>');
    expect(() => readRangeFile(join(dir, 'aws-ip-ranges.json'))).toThrow(/HTML or XML page/);
    writeFileSync(join(dir, 'list.txt'), '10.0.0.0/8\nnot a cidr\n');
    expect(() => readRangeFile(join(dir, 'list.txt'))).toThrow('list.txt:2: not a CIDR block');
  });
});
