import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvFile } from '../csv.ts';
import { BundleError } from '../problems.ts';

/**
 * Salesforce object exports as Data Loader writes them: one CSV per object, named after it (`Account.csv`,
 * `AccountHistory.csv` …), the API field names as headers. Rows come back as records with the file and line they
 * came from.
 */
export const SALESFORCE_OBJECTS = [
  'Account',
  'AccountHistory',
  'User',
  'Opportunity',
  'OpportunityLineItem',
  'Territory2Model',
  'Territory2',
  'ObjectTerritory2AssignmentRule',
  'ObjectTerritory2AssignmentRuleItem',
  'RuleTerritory2Association',
  'ObjectTerritory2Association',
  'UserTerritory2Association',
  'Task',
  'Event',
  'Note',
] as const;
export type SalesforceObject = (typeof SALESFORCE_OBJECTS)[number];

export type SfRecord = Record<string, string> & { $file: string; $line: string };

/** Fields each object must have for what Daylight takes from it. */
const REQUIRED: Partial<Record<SalesforceObject, string[]>> = {
  Account: ['Id', 'Name', 'BillingCountry', 'BillingPostalCode', 'OwnerId', 'CreatedDate'],
  AccountHistory: ['AccountId', 'CreatedById', 'CreatedDate', 'Field', 'OldValue', 'NewValue'],
  User: ['Id', 'Name'],
  Opportunity: ['Id', 'AccountId', 'CloseDate', 'OwnerId'],
  OpportunityLineItem: ['OpportunityId', 'Discount'],
  Territory2Model: ['Id', 'State'],
  Territory2: ['Id', 'DeveloperName', 'Territory2ModelId'],
  ObjectTerritory2AssignmentRule: ['Id', 'Territory2ModelId'],
  ObjectTerritory2AssignmentRuleItem: ['RuleId', 'Field', 'Operation', 'Value'],
  RuleTerritory2Association: ['RuleId', 'Territory2Id'],
  Task: ['Id', 'OwnerId', 'Subject'],
  Event: ['Id', 'OwnerId', 'Subject'],
  Note: ['Id', 'ParentId', 'OwnerId', 'Title'],
};

/** Reads the objects found in a folder (Account is required); a missing field is a problem naming file and column. */
export async function readSalesforce(dir: string): Promise<Partial<Record<SalesforceObject, SfRecord[]>>> {
  const out: Partial<Record<SalesforceObject, SfRecord[]>> = {};
  const problems: { file: string; line?: number; column?: string; message: string }[] = [];
  if (!existsSync(join(dir, 'Account.csv')))
    throw new BundleError([
      { file: join(dir, 'Account.csv'), message: 'a Salesforce export needs Account.csv' },
    ]);
  for (const object of SALESFORCE_OBJECTS) {
    const file = join(dir, `${object}.csv`);
    if (!existsSync(file)) continue;
    out[object] = await readCsvRecords(file, REQUIRED[object] ?? [], problems);
  }
  if (problems.length) throw new BundleError(problems);
  return out;
}

export async function readCsvRecords(
  file: string,
  required: string[],
  problems: { file: string; line?: number; column?: string; message: string }[],
): Promise<SfRecord[]> {
  const rows: SfRecord[] = [];
  let header: string[] | null = null;
  await parseCsvFile(
    file,
    (cells, line) => {
      if (!header) {
        header = cells.map((c) => c.trim());
        for (const c of required)
          if (!header.includes(c))
            problems.push({ file, line: 1, column: c, message: 'required field is missing' });
        return;
      }
      if (cells.length !== header.length) {
        problems.push({
          file,
          line,
          message: `has ${cells.length} fields where the header has ${header.length}`,
        });
        return;
      }
      const r = { $file: file, $line: String(line) } as SfRecord;
      header.forEach((h, i) => {
        r[h] = cells[i]!;
      });
      rows.push(r);
    },
    (line, message) => problems.push({ file, line, message }),
  );
  return rows;
}
