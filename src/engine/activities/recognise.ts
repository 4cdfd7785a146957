import type { TermsFile } from '../../contract/activity-terms.ts';
import type { Activity } from '../../contract/names.ts';
import { NoteReader, quote } from './reading.ts';

export interface TermMatch {
  activity: Activity;
  term: string;
}

/** What a CRM note says (findings.md §3a), each item with the sentence it rests on, quoted and marked. */
export interface NoteReading {
  /** Activities a sentence asserts (not negated, not a question, not the object of a facilitation). */
  assertions: (TermMatch & { quote: string })[];
  /** Offers or arrangements of help; none when the note records a refusal. */
  facilitations: { activity: Activity; words: string; quote: string }[];
  /** The refusal that voided facilitation, if any. */
  refusal: string | null;
  /** Activity terms that are not evidence, and why (for explaining what was read and set aside). */
  setAside: (TermMatch & { why: string; quote: string })[];
}

/** The reading of a note that names nothing: shared, so frozen through. */
const NOTHING_READ = Object.freeze({
  assertions: Object.freeze([]),
  facilitations: Object.freeze([]),
  refusal: null,
  setAside: Object.freeze([]),
}) as unknown as NoteReading;

/** One pattern matching wherever any of `patterns` (all case-insensitive, Unicode) would. */
const anyOf = (patterns: RegExp[]) =>
  patterns.length ? new RegExp(patterns.map((p) => `(?:${p.source})`).join('|'), 'iu') : /(?!)/;

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
  /** Any term, any facilitation: most sentences name none, and one scan says so where each pattern took one. */
  private readonly anyTerm: RegExp;
  private readonly anyFacilitation: RegExp;
  private readonly reader: NoteReader;
  private readonly readings = new WeakMap<object, NoteReading>();

  constructor(readonly file: TermsFile) {
    this.reader = new NoteReader(file.reading);
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
    this.anyTerm = anyOf(this.terms.map((t) => t.re));
    this.anyFacilitation = anyOf(this.facilitation.map((f) => f.re));
  }

  /** Decoys (data mining, Exchange Server, 证券交易所 …) blanked out so they cannot match. */
  private clean(text: string): string {
    return text.replace(this.decoy, (m) => ' '.repeat(m.length));
  }

  /** Every activity the text names, with the first term that named it. */
  activities(text: string | null | undefined): TermMatch[] {
    return this.matches(text).map(({ activity, term }) => ({ activity, term }));
  }

  /** Every activity the text names, with the first term that named it and where it stands in the text. */
  matches(text: string | null | undefined): (TermMatch & { at: number; length: number })[] {
    if (!text) return [];
    const clean = this.clean(text);
    if (!this.anyTerm.test(clean)) return [];
    const found = new Map<Activity, TermMatch & { at: number; length: number }>();
    // Per activity, the earliest term in the text, the longest where two start together ("mining pool" over "mining").
    for (const { activity, term, re } of this.terms) {
      const m = re.exec(clean);
      if (!m) continue;
      const best = found.get(activity);
      if (!best || m.index < best.at || (m.index === best.at && m[0].length > best.length))
        found.set(activity, { activity, term, at: m.index, length: m[0].length });
    }
    return [...found.values()];
  }

  /**
   * `readNote` of a CRM activity row, read once however many rules ask (activities and facilitation both read
   * every note). Only readings that found something are kept; the rest share one empty reading.
   */
  readRow(row: { subject?: string | null; body?: string | null }): NoteReading {
    let reading = this.readings.get(row);
    if (!reading) {
      reading = this.readNote(row.subject, row.body);
      const empty =
        !reading.assertions.length &&
        !reading.facilitations.length &&
        !reading.refusal &&
        !reading.setAside.length;
      if (empty) reading = NOTHING_READ;
      this.readings.set(row, reading);
    }
    return reading;
  }

  /** A CRM note read sentence by sentence: what it asserts, what it offers, and what it sets aside. */
  readNote(subject: string | null | undefined, body: string | null | undefined): NoteReading {
    const sentences = this.reader.sentences(subject, body);
    const refusal = this.reader.refusalIn(subject, body);
    const offers: NoteReading['facilitations'] = [];
    for (const s of sentences) {
      const clean = this.clean(s.text);
      if (!this.anyFacilitation.test(clean)) continue;
      for (const { activity, re } of this.facilitation) {
        if (offers.some((o) => o.activity === activity)) continue;
        const m = re.exec(clean);
        if (m) offers.push({ activity, words: m[0].trim(), quote: quote(s.text, m.index, m[0].length) });
      }
    }
    // Words that point to an offer are about the offer, refused or not, never about what the account does.
    const offered = new Set(offers.map((o) => o.activity));
    const assertions: NoteReading['assertions'] = [];
    const setAside: NoteReading['setAside'] = [];
    for (const s of sentences)
      for (const m of this.matches(s.text)) {
        const q = quote(s.text, m.at, m.length);
        const why = offered.has(m.activity)
          ? 'it names what was offered'
          : s.negated
            ? `negated ("${s.negated}")`
            : s.question
              ? `a question ("${s.question}")`
              : null;
        if (why) setAside.push({ activity: m.activity, term: m.term, why, quote: q });
        else if (!assertions.some((a) => a.activity === m.activity))
          assertions.push({ activity: m.activity, term: m.term, quote: q });
      }
    return { assertions, facilitations: refusal ? [] : offers, refusal, setAside };
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
