import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const IMPORT_REPORT = 'import-report.json';

/**
 * Records what one import did in the bundle's import-report.json, beside what earlier imports of other kinds
 * (billing, CRM, HR) recorded there: one report per kind, the newest of each.
 */
export function recordImport(bundleDir: string, kind: string, report: object): void {
  const path = join(bundleDir, IMPORT_REPORT);
  let reports: Record<string, unknown> = {};
  if (existsSync(path))
    try {
      const earlier = JSON.parse(readFileSync(path, 'utf8'));
      if (earlier && typeof earlier === 'object' && !Array.isArray(earlier)) reports = earlier;
    } catch {
      // not ours to keep: a report that does not parse is replaced
    }
  reports[kind] = report;
  writeFileSync(`${path}.partial`, `${JSON.stringify(reports, null, 2)}\n`);
  renameSync(`${path}.partial`, path);
}
