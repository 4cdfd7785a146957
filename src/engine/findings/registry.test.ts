import { describe, expect, it } from 'vitest';
import { BundleBuilder } from '../../../test/support/builder.ts';
import { FINDING_CODES, FINDING_RULES, runOrder } from './registry.ts';

describe('the registry of finding rules', () => {
  it('lists each code once, each rule in its own folder with its settings', () => {
    expect(new Set(FINDING_CODES).size).toBe(FINDING_RULES.length);
    for (const rule of FINDING_RULES) expect(rule.settings.safeParse({}).success).toBe(true);
  });

  it('runs every rule after the rules it declares it needs', () => {
    const order = runOrder().map((r) => r.code as string);
    for (const rule of FINDING_RULES)
      for (const needed of ('needs' in rule ? rule.needs : undefined) ?? [])
        expect(order.indexOf(needed), `${rule.code} after ${needed}`).toBeLessThan(order.indexOf(rule.code));
  });

  it('puts a needed rule first even when the registry lists it later, and refuses a cycle', () => {
    const [first, second] = [FINDING_RULES[0], FINDING_RULES[1]];
    const late = { ...first, needs: [second.code] } as unknown as (typeof FINDING_RULES)[number];
    expect(runOrder([late, second]).map((r) => r.code)).toEqual([second.code, first.code]);
    const loop = { ...second, needs: [first.code] } as unknown as (typeof FINDING_RULES)[number];
    expect(() => runOrder([late, loop])).toThrow(/cycle/);
  });

  it('refuses a rule that reads findings it did not declare', async () => {
    const { audit } = await import('../audit.ts');
    const { shippedRules } = await import('../../usecases/rules.ts');
    const facts = new BundleBuilder().facts();
    const sneaky = FINDING_RULES.find((r) => r.code === 'facilitation-note')!;
    const saved = sneaky.needs;
    expect(() => audit(facts, shippedRules())).not.toThrow();
    (sneaky as { needs?: readonly string[] }).needs = [];
    try {
      expect(() => audit(facts, shippedRules())).toThrow(
        'facilitation-note reads prohibited-activity without declaring it in needs',
      );
    } finally {
      (sneaky as { needs?: readonly string[] }).needs = saved;
    }
  });
});
