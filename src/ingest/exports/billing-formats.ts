import type { BillingLayout } from '../../store/billing-import.ts';

/** A billing export format: how to recognise it from its columns, and where each invoice value lives. */
export interface BillingFormat {
  name: string;
  /** The version the columns show, or null when they are not this format. */
  version(columns: string[]): string | null;
  /** Columns it must have (a missing one is a problem naming it). */
  required(columns: string[]): string[];
  layout(columns: string[], options: { accountLevel?: string }): BillingLayout;
}

const has = (columns: string[], c: string) => columns.includes(c);

/**
 * FinOps FOCUS 1.0, 1.1 and 1.2: BillingAccountId (or SubAccountId) → account, BillingPeriodStart → period,
 * ServiceName → service, RegionId → usage region (RegionName when RegionId is null and the name is id-like, as
 * Oracle writes it), ListCost/BilledCost → list/net, InvoiceIssuerName → seller, BillingCurrency → currency,
 * ChargeCategory `Tax` → tax.
 */
export const FOCUS: BillingFormat = {
  name: 'focus',
  version: (c) =>
    !has(c, 'BilledCost') || !has(c, 'ChargeCategory')
      ? null
      : has(c, 'InvoiceId') || has(c, 'BillingAccountType')
        ? '1.2'
        : has(c, 'ServiceSubcategory') || has(c, 'CapacityReservationId')
          ? '1.1'
          : '1.0',
  required: () => [
    'BillingAccountId',
    'BillingPeriodStart',
    'ServiceName',
    'RegionId',
    'ListCost',
    'BilledCost',
    'InvoiceIssuerName',
    'BillingCurrency',
    'ChargeCategory',
  ],
  layout: (_columns, { accountLevel }) => ({
    account: accountLevel === 'sub' ? ['SubAccountId', 'BillingAccountId'] : ['BillingAccountId'],
    periodStart: 'BillingPeriodStart',
    service: ['ServiceName'],
    region: ['RegionId'],
    regionIfIdLike: 'RegionName',
    list: 'ListCost',
    net: 'BilledCost',
    seller: ['InvoiceIssuerName'],
    currency: 'BillingCurrency',
    tax: { column: 'ChargeCategory', values: ['Tax'] },
  }),
};

/** The two namings of AWS Cost and Usage Reports: legacy CUR (`lineItem/UnblendedCost`) and CUR 2.0. */
const CUR_NAMES = {
  legacy: {
    usageAccount: 'lineItem/UsageAccountId',
    payerAccount: 'bill/PayerAccountId',
    periodStart: 'bill/BillingPeriodStartDate',
    product: ['product/ProductName', 'lineItem/ProductCode'],
    region: ['product/regionCode', 'product/region'],
    list: 'pricing/publicOnDemandCost',
    net: 'lineItem/UnblendedCost',
    seller: ['bill/InvoicingEntity', 'lineItem/LegalEntity'],
    currency: 'lineItem/CurrencyCode',
    type: 'lineItem/LineItemType',
  },
  v2: {
    usageAccount: 'line_item_usage_account_id',
    payerAccount: 'bill_payer_account_id',
    periodStart: 'bill_billing_period_start_date',
    product: ['product_product_name', 'line_item_product_code'],
    region: ['product_region_code', 'product_region'],
    list: 'pricing_public_on_demand_cost',
    net: 'line_item_unblended_cost',
    seller: ['bill_invoicing_entity', 'line_item_legal_entity'],
    currency: 'line_item_currency_code',
    type: 'line_item_line_item_type',
  },
} as const;

const curNames = (columns: string[]) =>
  has(columns, 'lineItem/UnblendedCost') ? CUR_NAMES.legacy : CUR_NAMES.v2;

/**
 * AWS CUR (legacy and 2.0): the usage account (or the payer, `--account-level payer`) → account, the billing period
 * start → period, product name → service, region code → usage region, public on-demand cost → list (the unblended
 * cost where it is empty), unblended cost → net, invoicing entity (else the line's legal entity) → seller,
 * currency code → currency. Every line type but `Tax` is revenue: Usage, Fee, RI and Savings Plans lines, and
 * Credit, Refund, EdpDiscount, PrivateRateDiscount, BundledDiscount and SavingsPlanNegation as negative lines of
 * the same account.
 */
export const CUR: BillingFormat = {
  name: 'cur',
  version: (c) =>
    has(c, 'lineItem/UnblendedCost') ? 'legacy' : has(c, 'line_item_unblended_cost') ? '2.0' : null,
  required: (c) => {
    const n = curNames(c);
    return [n.usageAccount, n.payerAccount, n.periodStart, n.net, n.currency, n.type];
  },
  layout: (columns, { accountLevel }) => curLayout(columns, accountLevel),
};

/** CUR's layout depends on the naming its columns show. */
function curLayout(columns: string[], accountLevel?: string): BillingLayout {
  const n = curNames(columns);
  return {
    account: accountLevel === 'payer' ? [n.payerAccount] : [n.usageAccount, n.payerAccount],
    periodStart: n.periodStart,
    service: [...n.product],
    region: [...n.region],
    list: n.list,
    net: n.net,
    seller: [...n.seller],
    currency: n.currency,
    tax: { column: n.type, values: ['Tax'] },
    reductions: {
      column: n.type,
      values: [
        'Credit',
        'Refund',
        'EdpDiscount',
        'PrivateRateDiscount',
        'BundledDiscount',
        'SavingsPlanNegation',
        'Discount',
      ],
    },
  };
}
