import { z } from 'zod';
import { ACTIVITIES } from './names.ts';

const activityMap = <T extends z.ZodType>(value: T) =>
  z
    .partialRecord(z.enum(ACTIVITIES), value)
    .refine((m) => Object.keys(m).length > 0, 'at least one activity');

export const termsSchema = z.object({
  version: z.string(),
  activities: activityMap(z.array(z.string().min(1)).min(1)),
  broad_industry_terms: z.array(z.string().min(1)),
  decoys: z.array(z.string().min(1)),
  /** findings.md §3a: cues that make a sentence not evidence (negation, question) or void facilitation (refusal). */
  reading: z.object({
    negation: z.array(z.string().min(1)).min(1),
    question: z.array(z.string().min(1)).min(1),
    refusal: z.array(z.string().min(1)).min(1),
  }),
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
