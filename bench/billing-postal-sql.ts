/**
 * Billing-postal crediting as one plain SQL query (the baseline the bench compares Daylight with), over three
 * sources given as SQL relations with typed columns: invoices (account_id, period, net_amount), billing addresses
 * (account_id, valid_from, country, postal_code) and territories (country, postal_prefix, region_id, valid_from,
 * valid_to). The store's tables and a bundle's CSV files each supply their own.
 */
export function billingPostalSql(from: {
  invoices: string;
  billing_addresses: string;
  territories: string;
}): string {
  return `
WITH inv AS (
  SELECT account_id, period, SUM(net_amount) AS net,
         last_day(strptime(period || '-01', '%Y-%m-%d')::DATE) AS end_date
  FROM ${from.invoices} GROUP BY account_id, period),
addr AS (
  SELECT inv.*, b.country, coalesce(b.postal_code, '') AS postal
  FROM inv ASOF LEFT JOIN ${from.billing_addresses} b
    ON inv.account_id = b.account_id AND inv.end_date >= b.valid_from),
credited AS (
  SELECT addr.period, addr.net, t.region_id
  FROM addr LEFT JOIN ${from.territories} t
    ON t.country = addr.country AND t.valid_from <= addr.end_date
   AND (t.valid_to IS NULL OR addr.end_date < t.valid_to)
   AND starts_with(addr.postal, coalesce(t.postal_prefix, ''))
  QUALIFY row_number() OVER (PARTITION BY addr.account_id, addr.period
                             ORDER BY length(coalesce(t.postal_prefix, '')) DESC, t.valid_from DESC) = 1)
SELECT period, coalesce(region_id, 'UNMAPPED') AS region, CAST(SUM(net) AS VARCHAR) AS amount
FROM credited GROUP BY ALL ORDER BY ALL`;
}
