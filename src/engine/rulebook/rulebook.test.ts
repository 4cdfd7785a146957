import { describe, expect, it } from 'vitest';
import { rulebookSchema } from '../../contract/rulebook.ts';
import { readRulebookFile } from '../../ingest/rules.ts';
import { Rulebook } from './rulebook.ts';

const book = new Rulebook(readRulebookFile());
const ids = (rules: { id: string }[]) => rules.map((r) => r.id).sort();

describe('rulebook', () => {
  it('has 237 in force from its publication until 42 replaced it', () => {
    expect(ids(book.prohibiting('CN', 'crypto.exchange', '2021-09-23'))).toEqual([
      'cn-2017-ico-announcement/crypto.exchange',
    ]);
    expect(ids(book.prohibiting('CN', 'crypto.exchange', '2021-09-24'))).toContain(
      'cn-2021-yinfa-237/crypto.exchange',
    );
    expect(ids(book.prohibiting('CN', 'crypto.exchange', '2026-02-05'))).toContain(
      'cn-2021-yinfa-237/crypto.exchange',
    );
    const after = ids(book.prohibiting('CN', 'crypto.exchange', '2026-02-06'));
    expect(after).toContain('cn-2026-yinfa-42/crypto.exchange');
    expect(after).not.toContain('cn-2021-yinfa-237/crypto.exchange');
  });

  it('prohibits mining on the mainland from 1283 on, and nodes not at all', () => {
    expect(book.prohibiting('CN', 'crypto.mining', '2021-09-23')).toEqual([]);
    expect(book.prohibiting('CN', 'crypto.mining', '2021-09-24')).toHaveLength(1);
    expect(book.prohibiting('CN', 'crypto.node', '2025-01-01')).toEqual([]);
  });

  it('encodes Hong Kong and Singapore as licensed, not prohibited', () => {
    expect(book.prohibiting('HK', 'crypto.exchange', '2024-01-01')).toEqual([]);
    expect(book.inForce('2023-05-31', { jurisdiction: 'HK' })).toEqual([]);
    expect(book.inForce('2023-06-01', { jurisdiction: 'HK' }).map((r) => r.status)).toEqual(['licensed']);
    expect(book.inForce('2020-01-28', { jurisdiction: 'SG', activity: 'crypto.exchange' })).toHaveLength(1);
  });

  it('refuses a rule of a superseded instrument that outlives it', () => {
    const file = structuredClone(book.file);
    const rule = file.rules.find((r) => r.instrument === 'cn-2021-yinfa-237')!;
    delete rule.to;
    expect(rulebookSchema.safeParse(file).success).toBe(false);
  });
});
