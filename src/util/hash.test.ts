import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256FilesOffThread, sha256Hex } from './hash.ts';

describe('sha256FilesOffThread', () => {
  it('hashes each file on another thread, in the order given, as the content hash of its text (one file larger than the read buffer)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daylight-hash-'));
    const texts = ['', 'a,b\n1,2\n', '漢字 and more\n'.repeat(300_000)];
    const paths = texts.map((text, i) => {
      const path = join(dir, `f${i}.csv`);
      writeFileSync(path, text);
      return path;
    });
    expect(await sha256FilesOffThread(paths)).toEqual(texts.map(sha256Hex));
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('fails for a file it cannot read, naming it', async () => {
    await expect(sha256FilesOffThread(['/nonexistent/daylight.csv'])).rejects.toThrow('daylight.csv');
  });
});
