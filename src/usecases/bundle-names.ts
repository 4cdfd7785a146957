import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvFile } from '../ingest/csv.ts';

/**
 * The ids of a bundle table's rows by their exact name (entities, teams), for exports that name what the bundle
 * numbers: a mapping entry wins; a name found here needs none. Empty when the bundle has no such table yet.
 */
export async function idsByName(
  bundleDir: string,
  table: string,
  idColumn: string,
): Promise<Map<string, string>> {
  const path = join(bundleDir, `${table}.csv`);
  const out = new Map<string, string>();
  if (!existsSync(path)) return out;
  let header: string[] = [];
  await parseCsvFile(
    path,
    (cells) => {
      if (header.length === 0) header = cells;
      else out.set(cells[header.indexOf('name')] ?? '', cells[header.indexOf(idColumn)] ?? '');
    },
    () => {}, // a broken table is for ingest to report, with its line
  );
  out.delete('');
  return out;
}
