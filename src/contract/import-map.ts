import { z } from 'zod';

const names = z.record(z.string(), z.string().min(1));

/**
 * `--map MAPPING.yaml` of `daylight import`: how the names of an export become the bundle's ids. Every section is
 * optional; what an import needs and does not find is said in its report (never guessed).
 */
export const importMapSchema = z.strictObject({
  /** Seller of record (FOCUS InvoiceIssuerName, CUR invoicing entity) → entity_id. */
  sellers: names.default({}),
  /** Billing account id in the export → account_id in the bundle (unmapped ids are kept as they are). */
  accounts: names.default({}),
  /** Salesforce: Territory2 Id or DeveloperName → region_id. */
  territories: names.default({}),
  /** Salesforce: UserRole Id or name, or Profile Id or name → team_id. */
  teams: names.default({}),
  /** Salesforce User Id → staff_id (default: the user's EmployeeNumber). */
  users: names.default({}),
  /** Workday: Company → entity_id. */
  companies: names.default({}),
  /** Workday: Supervisory Organization → team_id. */
  organizations: names.default({}),
  /** Salesforce account fields that hold the HQ and registration country (default: BillingCountry for both). */
  account_fields: z
    .strictObject({
      hq_country: z.string().default('BillingCountry'),
      hq_city: z.string().default('BillingCity'),
      registered_country: z.string().default('BillingCountry'),
    })
    .default({ hq_country: 'BillingCountry', hq_city: 'BillingCity', registered_country: 'BillingCountry' }),
  /** Country names or codes → ISO 3166-1 alpha-2, for exports that spell countries out. */
  countries: names.default({}),
});
export type ImportMap = z.infer<typeof importMapSchema>;
