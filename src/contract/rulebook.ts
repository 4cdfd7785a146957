import { z } from 'zod';
import { country, date } from './columns.ts';
import { ACTIVITIES } from './names.ts';

// YAML reads unquoted dates as Date objects; the contract's dates are strings.
const yamlDate = z.preprocess((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v), date);

const instrumentSchema = z.object({
  id: z.string().min(1),
  jurisdiction: country,
  title: z.string().min(1),
  title_en: z.string().min(1),
  number: z.string().nullable(),
  /** Who made it: the issuing bodies of a notice, or the legislature that enacted a statute. */
  issuers: z.array(z.string()).min(1),
  /** The regulator that administers it, where that is not its issuer (a statute's SFC, HKMA or MAS). */
  regulator: z.string().optional(),
  /** Dated (signed), passed by the legislature, gazetted, published: each where the sources give it. */
  dated: yamlDate.optional(),
  enacted: yamlDate.optional(),
  gazetted: yamlDate.optional(),
  published: yamlDate.optional(),
  /** In force from (for a statute, the commencement of the part the rules rest on). */
  commenced: yamlDate,
  superseded_by: z.string().optional(),
  superseded_on: yamlDate.optional(),
  binding: z.boolean(),
  summary: z.string(),
  sources: z.array(z.string()).min(1),
  notes: z.string().optional(),
  /** Words the instrument bars from business names (a checkable indicator on `accounts.name`). */
  name_terms: z.array(z.string().min(1)).optional(),
});

const ruleSchema = z.object({
  instrument: z.string(),
  jurisdiction: country,
  activity: z.enum(ACTIVITIES),
  status: z.enum(['prohibited', 'licensed', 'allowed']),
  from: yamlDate,
  to: yamlDate.optional(),
  /** The rule concerns the activity carried out in the jurisdiction (mining): nexus must include the usage test. */
  territorial: z.boolean().default(false),
  /** What the rule asks of those it allows or licenses (a filing, AML duties), where that says more than the status. */
  conditions: z.string().optional(),
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
export type RuleRow = z.infer<typeof ruleSchema>;
