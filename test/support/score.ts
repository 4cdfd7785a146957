import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../src/contract/finding.ts';
import { FINDING_CODES } from '../../src/engine/findings/registry.ts';
import { type ExpectedFinding, findingKey } from '../../src/sample/truth.ts';

export interface CodeScore {
  code: string;
  expected: number;
  found: number;
  truePositives: number;
  precision: number;
  recall: number;
  missing: string[];
  unexpected: string[];
}

/** Precision and recall per finding code of the engine's findings against the sample's ground truth. */
export function score(bundleDir: string, outDir: string): CodeScore[] {
  const truth = JSON.parse(readFileSync(join(bundleDir, 'ground-truth.json'), 'utf8')) as {
    expected: ExpectedFinding[];
  };
  const found = readFileSync(join(outDir, 'findings.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Finding);
  return FINDING_CODES.map((code) => {
    const expected = truth.expected.filter((e) => e.code === code).map(findingKey);
    const got = found.filter((f) => f.code === code).map(findingKey);
    const expectedSet = new Set(expected);
    const gotSet = new Set(got);
    const tp = got.filter((k) => expectedSet.has(k)).length;
    return {
      code,
      expected: expected.length,
      found: got.length,
      truePositives: tp,
      precision: got.length === 0 ? (expected.length === 0 ? 1 : 0) : tp / got.length,
      recall: expected.length === 0 ? 1 : tp / expected.length,
      missing: expected.filter((k) => !gotSet.has(k)),
      unexpected: got.filter((k) => !expectedSet.has(k)),
    };
  });
}
