import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ResolverFacts, resolverQuerySchema } from '../../contract/telemetry.ts';
import { readResolverFacts, readResolverLog } from './dns.ts';
import { resolverRecord } from './resolver-record.fixture.ts';
import { scanResolverLine } from './resolver-scan.ts';

const record = {
  ...resolverRecord,
  answers: [...resolverRecord.answers, { Rdata: 'eu1.nanopool.org.', Type: 'CNAME', Class: 'IN' }],
};

/** The facts the schema's record gives, or null when JSON.parse or the schema refuses the line. */
function factsByParsing(line: string): ResolverFacts | null {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = resolverQuerySchema.safeParse(json);
  if (!parsed.success) return null;
  const { account_id, query_timestamp, query_name, answers } = parsed.data;
  return {
    account_id,
    query_timestamp,
    query_name,
    answers: answers.map(({ Rdata, Type }) => ({ Rdata, Type })),
  };
}

describe('scanResolverLine', () => {
  it('reads a record laid out as AWS writes it, without parsing it', () => {
    expect(scanResolverLine(JSON.stringify(record))).toEqual(factsByParsing(JSON.stringify(record)));
    const firewall = {
      ...record,
      answers: [],
      srcport: 53,
      srcids: { instance: 'i-1', resolver_endpoint: 'rslvr-in-1' },
      firewall_rule_group_id: 'rslvr-frg-1',
      firewall_rule_action: 'BLOCK',
      firewall_domain_list_id: 'rslvr-fdl-1',
    };
    expect(scanResolverLine(JSON.stringify(firewall))).toEqual({
      account_id: '111122223333',
      query_timestamp: '2022-06-29T10:05:25Z',
      query_name: 'eth-eu1.nanopool.org.',
      answers: [],
    });
  });

  it('leaves every other layout to JSON.parse and the schema', () => {
    const line = JSON.stringify(record);
    const { account_id: _, ...withoutAccount } = record;
    const others = [
      JSON.stringify(record, null, 1), // spaces and line breaks
      JSON.stringify({ ...record, query_name: 'a"b.example.' }), // an escape
      JSON.stringify({ account_id: record.account_id, ...withoutAccount }), // another order (same fields)
      JSON.stringify({ ...record, extra: 1 }), // a field AWS does not write
      JSON.stringify({ ...record, srcport: 1e21 }),
      line.replace('"Class":"IN"}', '"Class":"IN","TTL":"60"}'),
    ];
    for (const other of others) {
      expect(scanResolverLine(other)).toBeNull();
      expect(factsByParsing(other)).not.toBeNull();
    }
  });

  it('never takes a line JSON.parse or the schema refuses', () => {
    const line = JSON.stringify(record);
    const broken = [
      line.slice(0, -1),
      `${line},`,
      line.replace('"49271"', '49271.'),
      line.replace('"49271"', '012'),
      line.replace('"49271"', 'null'),
      line.replace('2022-06-29T10:05:25Z', 'yesterday'),
      line.replace('"vpc_id":"vpc-0123",', ''),
      line.replace('"Type":"A"', '"Type":1'),
      line.replace('"srcids":{"instance":"i-0123"}', '"srcids":null'),
      line.replace('"answers":[', '"answers":[,'),
      line.replace('nanopool', 'nano\u0001pool'),
    ];
    for (const bad of broken) {
      expect(factsByParsing(bad), bad).toBeNull();
      expect(scanResolverLine(bad), bad).toBeNull();
    }
  });

  it('agrees with JSON.parse and the schema on any line made of the record’s pieces', () => {
    const line = JSON.stringify(record);
    // Lines cut and spliced from a valid one, characters dropped, repeated or swapped: mostly invalid, sometimes
    // valid in another way; wherever the scan answers, its answer is the parse's.
    const edited = fc
      .tuple(
        fc.nat(line.length),
        fc.nat(40),
        fc.constantFrom('', '"', ',', ':', '{', '}', '[', ']', '\\', '0', ' '),
      )
      .map(([at, cut, put]) => line.slice(0, at) + put + line.slice(Math.min(line.length, at + cut)));
    let taken = 0;
    fc.assert(
      fc.property(edited, (text) => {
        const scanned = scanResolverLine(text);
        if (scanned) {
          taken++;
          expect(scanned).toEqual(factsByParsing(text));
        }
      }),
      { numRuns: 5000 },
    );
    // Some edits leave a line the scan reads (an empty cut, a digit for a digit), so the property is not empty.
    expect(taken).toBeGreaterThan(0);
  });
});

describe('readResolverFacts', () => {
  it('reads the lines, numbers and messages readResolverLog does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daylight-dns-'));
    const line = JSON.stringify(record);
    const spaced = JSON.stringify(record, null, 0).replace(/,/g, ', ');
    const text = `\uFEFF${line}\r\n${spaced}\n\n${line}\n{"version":"1.1"}\n${line}`;
    for (const [name, content] of [
      ['dns.log', text],
      ['dns.log.gz', gzipSync(text)],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, content);
      const full: [unknown, string, number][] = [];
      const facts: [unknown, string, number][] = [];
      const fullCounts = await readResolverLog(path, name, (r, raw, n) => full.push([r, raw, n]), {
        skipBad: true,
      });
      const factCounts = await readResolverFacts(path, name, (f, raw, n) => facts.push([f, raw, n]), {
        skipBad: true,
      });
      expect(factCounts).toEqual(fullCounts);
      expect(factCounts).toEqual({ records: 4, skipped: 1 });
      expect(facts.map(([, raw, n]) => [raw, n])).toEqual(full.map(([, raw, n]) => [raw, n]));
      expect(facts.map(([f]) => (f as ResolverFacts).query_name)).toEqual(full.map(() => record.query_name));
      await expect(readResolverFacts(path, name, () => {})).rejects.toThrow(`${name}:5: field account_id`);
    }
  });
});
