import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSample } from '../../src/sample/generate.ts';

let pristine: Promise<string> | null = null;

/** The S sample (seed 1), generated once per test file. */
export function sampleS(): Promise<string> {
  pristine ??= (async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'daylight-sample-')), 'bundle');
    await generateSample('s', 1, dir);
    return dir;
  })();
  return pristine;
}

/** A private copy of the S sample to break. */
export async function copyOfSample(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'daylight-copy-')), 'bundle');
  cpSync(await sampleS(), dir, { recursive: true });
  return dir;
}

export function editTable(dir: string, file: string, edit: (lines: string[]) => string[]): void {
  const path = join(dir, file);
  const lines = readFileSync(path, 'utf8').split('\n');
  writeFileSync(path, edit(lines).join('\n'));
}

/** Replaces one cell (by column name) of one data line (1-based file line). */
export function setCell(dir: string, file: string, line: number, column: string, value: string): void {
  editTable(dir, file, (lines) => {
    const header = lines[0]!.split(',');
    const cells = lines[line - 1]!.split(',');
    cells[header.indexOf(column)] = value;
    lines[line - 1] = cells.join(',');
    return lines;
  });
}

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
