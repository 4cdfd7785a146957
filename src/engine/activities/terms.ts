import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

export const ACTIVITIES = [
  'crypto.exchange',
  'crypto.mining',
  'crypto.node',
  'crypto.token-issuance',
] as const;
export type Activity = (typeof ACTIVITIES)[number];

const activityMap = <T extends z.ZodType>(value: T) =>
  z
    .partialRecord(z.enum(ACTIVITIES), value)
    .refine((m) => Object.keys(m).length > 0, 'at least one activity');

export const termsSchema = z.object({
  version: z.string(),
  activities: activityMap(z.array(z.string().min(1)).min(1)),
  broad_industry_terms: z.array(z.string().min(1)),
  decoys: z.array(z.string().min(1)),
  facilitation: activityMap(
    z.array(
      z.string().refine((p) => {
        try {
          new RegExp(p, 'iu');
          return true;
        } catch {
          return false;
        }
      }, 'not a valid regular expression'),
    ),
  ),
});
export type TermsFile = z.infer<typeof termsSchema>;

export const DEFAULT_TERMS_PATH = fileURLToPath(
  new URL('../../../rules/activity-terms.yaml', import.meta.url),
);

export function loadTerms(path = DEFAULT_TERMS_PATH): TermsFile {
  return termsSchema.parse(parse(readFileSync(path, 'utf8')));
}
