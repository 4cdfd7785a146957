import type { TermsFile } from '../../contract/activity-terms.ts';
import type { Activity } from '../../contract/names.ts';

export interface TermMatch {
  activity: Activity;
  term: string;
}

const LETTER = '[\\p{L}\\p{N}_]';
const KATAKANA = '[\\p{Script=Katakana}ー]';
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isLatin = (c: string) => /[\p{Script=Latin}\p{N}]/u.test(c);
const isKatakana = (c: string) => /[\p{Script=Katakana}ー]/u.test(c);

/** A term as a pattern: words separated by any spacing or hyphen; whole words only; katakana not inside katakana. */
function termPattern(term: string, plural: boolean): string {
  const body = term
    .trim()
    .split(/[\s-]+/)
    .map(escapeRegExp)
    .join('[\\s\\-]+');
  const first = term[0]!;
  const last = term[term.length - 1]!;
  const before = isLatin(first) ? `(?<!${LETTER})` : isKatakana(first) ? `(?<!${KATAKANA})` : '';
  const after = isLatin(last)
    ? `${plural ? '(?:e?s)?' : ''}(?!${LETTER})`
    : isKatakana(last)
      ? `(?!${KATAKANA})`
      : '';
  return `${before}${body}${after}`;
}

/** Recognises activity terms in free text (any of Chinese, Japanese, English). */
export class Recogniser {
  private readonly decoy: RegExp;
  private readonly terms: { activity: Activity; term: string; re: RegExp }[];
  private readonly broad: RegExp;
  private readonly facilitation: { activity: Activity; re: RegExp }[];

  constructor(readonly file: TermsFile) {
    const decoys = [...file.decoys].sort((a, b) => b.length - a.length).map((d) => termPattern(d, true));
    this.decoy = new RegExp(decoys.join('|'), 'giu');
    this.terms = Object.entries(file.activities).flatMap(([activity, terms]) =>
      terms.map((term) => ({
        activity: activity as Activity,
        term,
        re: new RegExp(termPattern(term, true), 'iu'),
      })),
    );
    this.broad = new RegExp(file.broad_industry_terms.map((t) => termPattern(t, false)).join('|'), 'iu');
    this.facilitation = Object.entries(file.facilitation).flatMap(([activity, patterns]) =>
      patterns.map((p) => ({ activity: activity as Activity, re: new RegExp(p, 'iu') })),
    );
  }

  /** Decoys (data mining, Exchange Server, 证券交易所 …) blanked out so they cannot match. */
  private clean(text: string): string {
    return text.replace(this.decoy, (m) => ' '.repeat(m.length));
  }

  /** Every activity the text names, with the first term that named it. */
  activities(text: string | null | undefined): TermMatch[] {
    if (!text) return [];
    const clean = this.clean(text);
    const found = new Map<Activity, string>();
    for (const { activity, term, re } of this.terms)
      if (!found.has(activity) && re.test(clean)) found.set(activity, term);
    return [...found].map(([activity, term]) => ({ activity, term }));
  }

  /** A broad industry word (Blockchain, 区块链 …) without a narrower term. */
  broadIndustry(text: string | null | undefined): string | null {
    if (!text) return null;
    const m = this.broad.exec(this.clean(text));
    return m ? m[0] : null;
  }

  /** Offers or arrangements of help toward an activity, with the words that say so. */
  facilitations(text: string | null | undefined): { activity: Activity; words: string }[] {
    if (!text) return [];
    const clean = this.clean(text);
    const found = new Map<Activity, string>();
    for (const { activity, re } of this.facilitation) {
      if (found.has(activity)) continue;
      const m = re.exec(clean);
      if (m) found.set(activity, m[0]);
    }
    return [...found].map(([activity, words]) => ({ activity, words }));
  }
}
