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
  })
  .loose();

export type BundleMeta = z.output<typeof bundleMetaSchema>;
