import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');

/** Every non-test TypeScript file under a folder of src/, with the modules it imports. */
function importsUnder(folder: string): { file: string; imports: string[] }[] {
  const out: { file: string; imports: string[] }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
        const text = readFileSync(path, 'utf8');
        const imports = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map(
          (m) => m[1]!,
        );
        for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) imports.push(m[1]!);
        out.push({ file: relative(SRC, path), imports });
      }
    }
  };
  if (existsSync(join(SRC, folder))) walk(join(SRC, folder));
  return out;
}

/** The folder of src/ a relative import lands in, or the package name. */
function target(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return relative(SRC, join(SRC, file, '..', spec)).split('/')[0]!;
}

function violations(folder: string, forbidden: (t: string) => boolean): string[] {
  return importsUnder(folder).flatMap(({ file, imports }) =>
    imports.filter((spec) => forbidden(target(file, spec))).map((spec) => `${file} imports ${spec}`),
  );
}

/** The folders of src/ that reach the database only through the store. */
const OUTSIDE_THE_STORE = [
  'contract',
  'ingest',
  'engine',
  'usecases',
  'outputs',
  'cli',
  'workspace',
  'sample',
  'cluster',
];

const FILE_ACCESS = new Set(['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'node:child_process']);

describe('the layers of the pipeline', () => {
  it('keeps the engine pure: facts and rules in, findings out, no file, store or interface', () => {
    const edges = new Set(['ingest', 'store', 'usecases', 'outputs', 'cli', 'workspace', 'sample']);
    expect(
      violations('engine', (t) => edges.has(t) || FILE_ACCESS.has(t) || t === '@duckdb/node-api'),
    ).toEqual([]);
  });

  it('keeps the contract free of every other layer', () => {
    const allowed = new Set(['contract', 'util', 'zod', 'node:crypto']);
    expect(violations('contract', (t) => !allowed.has(t))).toEqual([]);
  });

  it('keeps DuckDB inside the store', () => {
    expect(OUTSIDE_THE_STORE.flatMap((f) => violations(f, (t) => t === '@duckdb/node-api'))).toEqual([]);
  });

  it('keeps SQL inside the store', () => {
    const sql = /\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE TABLE|BEGIN TRANSACTION)\b/;
    const found = OUTSIDE_THE_STORE.flatMap((folder) =>
      importsUnder(folder)
        .map(({ file }) => file)
        .filter((file) => sql.test(readFileSync(join(SRC, file), 'utf8'))),
    );
    expect(found).toEqual([]);
  });

  it('notices a forbidden import (the rule itself works)', () => {
    expect(target('engine/audit.ts', '../store/store.ts')).toBe('store');
    expect(target('engine/findings/x/rule.ts', '../../../ingest/rules.ts')).toBe('ingest');
    expect(target('engine/audit.ts', 'node:fs')).toBe('node:fs');
  });
});
