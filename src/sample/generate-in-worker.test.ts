import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSample } from './generate.ts';
import { generateSampleInWorker } from './generate-in-worker.ts';

describe('a sample written on a thread of its own', () => {
  it('is byte for byte the sample written here, with the same summary', async () => {
    const here = mkdtempSync(join(tmpdir(), 'daylight-sample-here-'));
    const there = mkdtempSync(join(tmpdir(), 'daylight-sample-there-'));
    const a = await generateSample('s', 3, here);
    const b = await generateSampleInWorker('s', 3, there);
    expect({ ...b, dir: here }).toEqual(a);
    const files = readdirSync(here, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.length).toBeGreaterThan(15);
    for (const f of files) {
      const rel = join(f.parentPath, f.name).slice(here.length);
      expect(readFileSync(join(there, rel)).equals(readFileSync(join(here, rel))), rel).toBe(true);
    }
  });

  it('rejects with the generator error when the folder cannot be written', async () => {
    await expect(generateSampleInWorker('s', 1, '/dev/null/sample')).rejects.toThrow(/ENOTDIR/);
  });
});
