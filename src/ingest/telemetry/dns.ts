import { createInterface } from 'node:readline';
import { z } from 'zod';
import { openText } from '../csv.ts';
import { TelemetryError } from './flowlogs.ts';

/** A Route 53 Resolver query log record, fields as AWS documents them (firewall fields only when DNS Firewall matched). */
export const resolverQuerySchema = z.looseObject({
  version: z.string(),
  account_id: z.string(),
  region: z.string(),
  vpc_id: z.string(),
  query_timestamp: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO 8601 timestamp'),
  query_name: z.string(),
  query_type: z.string(),
  query_class: z.string(),
  rcode: z.string(),
  answers: z.array(z.looseObject({ Rdata: z.string(), Type: z.string(), Class: z.string() })).default([]),
  srcaddr: z.string(),
  srcport: z.union([z.string(), z.number()]),
  transport: z.string(),
  srcids: z
    .looseObject({ instance: z.string().optional(), resolver_endpoint: z.string().optional() })
    .default({}),
  firewall_rule_group_id: z.string().optional(),
  firewall_rule_action: z.string().optional(),
  firewall_domain_list_id: z.string().optional(),
});
export type ResolverQuery = z.infer<typeof resolverQuerySchema>;

/** Streams a Resolver query log (NDJSON, plain or gzip). */
export async function readResolverLog(
  path: string,
  file: string,
  onRecord: (record: ResolverQuery, raw: string, line: number) => void,
  options: { skipBad?: boolean } = {},
): Promise<{ records: number; skipped: number }> {
  let line = 0;
  let records = 0;
  let skipped = 0;
  const bad = (message: string) => {
    if (!options.skipBad) throw new TelemetryError(file, line, message);
    skipped++;
  };
  try {
    for await (const raw of createInterface({ input: openText(path), crlfDelay: Number.POSITIVE_INFINITY })) {
      line++;
      const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (text.trim() === '') continue;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        bad('not a JSON object');
        continue;
      }
      const parsed = resolverQuerySchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        bad(`field ${issue.path.join('.') || '(record)'}: ${issue.message}`);
        continue;
      }
      records++;
      onRecord(parsed.data, text, line);
    }
  } catch (e) {
    if (e instanceof TelemetryError) throw e;
    throw new TelemetryError(file, line, `cannot be read (${(e as Error).message})`);
  }
  return { records, skipped };
}
