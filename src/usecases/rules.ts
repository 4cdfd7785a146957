import { Recogniser } from '../engine/activities/recognise.ts';
import type { AuditRules } from '../engine/audit.ts';
import { Rulebook } from '../engine/rulebook/rulebook.ts';
import { readRulebookFile, readTermsFile } from '../ingest/rules.ts';

let shipped: AuditRules | null = null;

/** The rulebook and activity terms that ship in rules/, read and checked once per process. */
export function shippedRules(): AuditRules {
  shipped ??= { rulebook: new Rulebook(readRulebookFile()), recogniser: new Recogniser(readTermsFile()) };
  return shipped;
}
