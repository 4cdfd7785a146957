import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
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

/**
 * The bundle's flow logs laid out as AWS writes them to S3: many small gzipped files under
 * AWSLogs/ACCOUNT/vpcflowlogs/REGION/YYYY/MM/DD/, each with its log's header and `lines` records.
 */
export function toS3Layout(dir: string, lines = 12): string[] {
  const root = join(dir, 'flowlogs');
  const logs = readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  const out = join(root, 'AWSLogs', '111122223333', 'vpcflowlogs', 'ap-southeast-1', '2022', '11', '30');
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  for (const log of logs) {
    const raw = readFileSync(log);
    const text = (log.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8').trimEnd().split('\n');
    for (let i = 1; i < text.length; i += lines) {
      const name = join(
        out,
        `111122223333_vpcflowlogs_${basename(log).split('.')[0]}_${String(written.length).padStart(4, '0')}.log.gz`,
      );
      writeFileSync(name, gzipSync(`${[text[0], ...text.slice(i, i + lines)].join('\n')}\n`));
      written.push(name);
    }
    rmSync(log);
  }
  return written;
}
