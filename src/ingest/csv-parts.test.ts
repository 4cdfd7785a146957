import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { strictCsv } from '../store/screen.ts';
import { csvParts, writeCsvPart } from './csv-parts.ts';

const dir = mkdtempSync(join(tmpdir(), 'daylight-parts-'));

function csv(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The file's parts, each written behind the header as a file of its own. */
async function partsOf(path: string, bytes: number): Promise<string[]> {
  const { header, parts } = csvParts(path, bytes);
  const texts: string[] = [];
  for (const [i, part] of parts.entries()) {
    const to = `${path}.${i}`;
    await writeCsvPart(path, header, part, to);
    texts.push(readFileSync(to, 'utf8'));
  }
  return texts;
}

describe('a CSV file cut into parts', () => {
  it('cuts at line starts, every row in exactly one part, each part behind the header', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `acct-${i},${i * 7}.25\r\n`);
    const path = csv('rows.csv', `account_id,amount\r\n${rows.join('')}`);
    const texts = await partsOf(path, 100);
    expect(texts.length).toBeGreaterThan(5);
    for (const t of texts) {
      expect(t.startsWith('account_id,amount\r\n')).toBe(true);
      expect(t.endsWith('\r\n')).toBe(true);
    }
    expect(texts.flatMap((t) => t.split('\r\n').slice(1, -1))).toEqual(rows.map((r) => r.trimEnd()));
  });

  it('gives one part for a small file, and an empty one for a header alone or a last line without a newline', async () => {
    expect(await partsOf(csv('small.csv', 'a,b\n1,2\n'), 1 << 20)).toEqual(['a,b\n1,2\n']);
    expect(await partsOf(csv('header.csv', 'a,b\n'), 10)).toEqual(['a,b\n']);
    expect(await partsOf(csv('bare.csv', 'a,b'), 10)).toEqual(['a,b']);
    expect(await partsOf(csv('last.csv', 'a,b\n1,2\n3,4'), 1)).toEqual(['a,b\n1,2\n', 'a,b\n3,4']);
  });

  it('leaves a quote open at the end of a part cut inside a value spanning lines, which a strict read refuses', async () => {
    const path = csv('quoted.csv', 'id,note\n1,"first\nsecond\nthird"\n2,plain\n');
    const texts = await partsOf(path, 5);
    expect(texts[0]).toBe('id,note\n1,"first\n');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const read = (p: string) => connection.runAndReadAll(`SELECT * FROM ${strictCsv(p, ['id', 'note'])}`);
    // The whole file reads; its first part does not.
    expect((await read(path)).getRows()).toHaveLength(2);
    await expect(read(`${path}.0`)).rejects.toThrow();
    connection.closeSync();
    instance.closeSync();
  });
});
