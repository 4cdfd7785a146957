/**
 * The order of `String.prototype.localeCompare` (the default locale's collation), from one shared collator:
 * `localeCompare` sets one up per call, which dominates sorts of many small lists.
 */
export const collate: (a: string, b: string) => number = new Intl.Collator().compare;
