import type { ResolverFacts } from '../../contract/telemetry.ts';

/** A JSON string's content with no escape and no control character: its text is the value. */
const PLAIN = '[^"\\\\\\x00-\\x1f]*';
const field = (name: string) => `"${name}":"${PLAIN}"`;
const kept = (name: string) => `"${name}":"(${PLAIN})"`;
const ANSWER = `\\{"Rdata":"${PLAIN}","Type":"${PLAIN}","Class":"${PLAIN}"\\}`;

/**
 * A record as Route 53 Resolver writes it: its fields in AWS's order, compact, strings without escapes, the
 * firewall fields only when DNS Firewall matched. Every line it matches is one JSON.parse reads and that meets
 * resolverQuerySchema (each field of the right type, srcport a string or a small integer).
 */
const RECORD = new RegExp(
  [
    `^\\{${field('version')}`,
    kept('account_id'),
    field('region'),
    field('vpc_id'),
    kept('query_timestamp'),
    kept('query_name'),
    field('query_type'),
    field('query_class'),
    field('rcode'),
    `"answers":\\[((?:${ANSWER}(?:,${ANSWER})*)?)\\]`,
    field('srcaddr'),
    `"srcport":(?:"${PLAIN}"|-?(?:0|[1-9][0-9]{0,8}))`,
    field('transport'),
    `"srcids":\\{(?:${field('instance')}(?:,${field('resolver_endpoint')})?|${field('resolver_endpoint')})?\\}` +
      `(?:,${field('firewall_rule_group_id')})?(?:,${field('firewall_rule_action')})?` +
      `(?:,${field('firewall_domain_list_id')})?\\}$`,
  ].join(','),
);
const ANSWERS = new RegExp(`"Rdata":"(${PLAIN})","Type":"(${PLAIN})"`, 'g');

/**
 * A Resolver query log line's facts when the line is laid out as AWS writes it (see RECORD), else null: then
 * JSON.parse and the contract's schema judge the line and word what is wrong. Resolver logs run to millions of
 * lines a day: one regular expression over the text costs a third of building the record as an object and
 * checking it field by field, with the same answer.
 */
export function scanResolverLine(line: string): ResolverFacts | null {
  const m = RECORD.exec(line);
  if (!m || Number.isNaN(Date.parse(m[2]!))) return null;
  const answers: ResolverFacts['answers'] = [];
  const listed = m[4];
  if (listed) {
    ANSWERS.lastIndex = 0;
    for (let a = ANSWERS.exec(listed); a; a = ANSWERS.exec(listed))
      answers.push({ Rdata: a[1]!, Type: a[2]! });
  }
  return { account_id: m[1]!, query_timestamp: m[2]!, query_name: m[3]!, answers };
}
