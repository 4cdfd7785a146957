import { z } from 'zod';
import { country, date } from './columns.ts';

/** `daylight.json`: home jurisdiction, currency, export date and optional finding settings. */
export const bundleMetaSchema = z
  .object({
    home_country: country.default('CN'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'not an ISO 4217 currency code')
      .default('USD'),
    as_of: date.optional(),
    settings: z.record(z.string(), z.unknown()).default({}),
    /** A stored snapshot whose invoices this bundle's (new periods only) extend; the other tables are whole. */
    extends: z
      .string()
      .regex(/^[0-9a-f]{16}$/, 'not a snapshot id')
      .optional(),
  })
  .loose();

export type BundleMeta = z.output<typeof bundleMetaSchema>;
