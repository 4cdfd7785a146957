import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { country, date } from '../../contract/columns.ts';
import type { IsoDate } from '../../contract/dates.ts';
import { ACTIVITIES, type Activity } from '../activities/terms.ts';

// YAML reads unquoted dates as Date objects; the contract's dates are strings.
const yamlDate = z.preprocess((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v), date);

const instrumentSchema = z.object({
  id: z.string().min(1),
  jurisdiction: country,
  title: z.string().min(1),
  title_en: z.string().min(1),
  number: z.string().nullable(),
  issuers: z.array(z.string()).min(1),
  dated: yamlDate.optional(),
  published: yamlDate,
  superseded_by: z.string().optional(),
  superseded_on: yamlDate.optional(),
  binding: z.boolean(),
  summary: z.string(),
  sources: z.array(z.string()).min(1),
  notes: z.string().optional(),
});

const ruleSchema = z.object({
  instrument: z.string(),
  jurisdiction: country,
  activity: z.enum(ACTIVITIES),
  status: z.enum(['prohibited', 'licensed', 'allowed']),
  from: yamlDate,
  to: yamlDate.optional(),
});

export const rulebookSchema = z
  .object({ version: z.string(), instruments: z.array(instrumentSchema), rules: z.array(ruleSchema) })
  .superRefine((book, ctx) => {
    const byId = new Map(book.instruments.map((i) => [i.id, i]));
    book.rules.forEach((rule, i) => {
      const inst = byId.get(rule.instrument);
      if (!inst)
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'instrument'],
          message: `unknown instrument ${rule.instrument}`,
        });
      else if (!inst.binding)
        ctx.addIssue({ code: 'custom', path: ['rules', i], message: `instrument ${inst.id} is not binding` });
      else if (inst.superseded_on && rule.to !== inst.superseded_on)
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'to'],
          message: `must end when ${inst.id} was superseded (${inst.superseded_on})`,
        });
      if (rule.to && rule.to <= rule.from)
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'to'], message: 'ends before it starts' });
    });
    book.instruments.forEach((inst, i) => {
      if (inst.superseded_by && !byId.has(inst.superseded_by))
        ctx.addIssue({
          code: 'custom',
          path: ['instruments', i, 'superseded_by'],
          message: `unknown instrument ${inst.superseded_by}`,
        });
    });
  });

export type RulebookFile = z.infer<typeof rulebookSchema>;
export type Instrument = z.infer<typeof instrumentSchema>;
export type Rule = z.infer<typeof ruleSchema> & { id: string; instrumentInfo: Instrument };

export const DEFAULT_RULEBOOK_PATH = fileURLToPath(new URL('../../../rules/rulebook.yaml', import.meta.url));

export class Rulebook {
  readonly rules: Rule[];

  constructor(readonly file: RulebookFile) {
    const byId = new Map(file.instruments.map((i) => [i.id, i]));
    this.rules = file.rules.map((r) => ({
      ...r,
      id: `${r.instrument}/${r.activity}`,
      instrumentInfo: byId.get(r.instrument)!,
    }));
  }

  static load(path = DEFAULT_RULEBOOK_PATH): Rulebook {
    return new Rulebook(rulebookSchema.parse(parse(readFileSync(path, 'utf8'))));
  }

  get version(): string {
    return this.file.version;
  }

  inForce(
    at: IsoDate,
    filter: { jurisdiction?: string; activity?: Activity; status?: Rule['status'] } = {},
  ): Rule[] {
    return this.rules.filter(
      (r) =>
        r.from <= at &&
        (r.to === undefined || at < r.to) &&
        (!filter.jurisdiction || r.jurisdiction === filter.jurisdiction) &&
        (!filter.activity || r.activity === filter.activity) &&
        (!filter.status || r.status === filter.status),
    );
  }

  /** The rules prohibiting an activity in a jurisdiction on a date (empty when none). */
  prohibiting(jurisdiction: string, activity: Activity, at: IsoDate): Rule[] {
    return this.inForce(at, { jurisdiction, activity, status: 'prohibited' });
  }

  jurisdictions(): string[] {
    return [...new Set(this.rules.map((r) => r.jurisdiction))].sort();
  }
}
