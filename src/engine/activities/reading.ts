/** findings.md §3a: a CRM note read sentence by sentence. */

export interface Sentence {
  text: string;
  /** The sentence holds a negation cue: its activity terms are not evidence. */
  negated: string | null;
  /** The sentence asks (ends with ? or ？, or holds a question cue): its activity terms are not evidence. */
  question: string | null;
}

export interface ReadingCues {
  negation: readonly string[];
  question: readonly string[];
  refusal: readonly string[];
}

const LETTER = /[\p{L}\p{N}]/u;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A cue as a pattern: Latin words whole (case ignored), anything else as written. */
export function cuePattern(cues: readonly string[]): RegExp {
  const parts = [...cues]
    .sort((a, b) => b.length - a.length)
    .map((cue) => {
      // An apostrophe in a cue (n't) stands for a straight or a curly one.
      const body = escapeRegExp(cue).replace(/\s+/g, '\\s+').replace(/['’]/g, "['’]");
      // A contraction (n't) ends a word: it has no boundary before it.
      const latinStart = /^[A-Za-z]/.test(cue) && !/^n['’]/.test(cue);
      const latinEnd = /[A-Za-z]$/.test(cue);
      return `${latinStart ? '(?<![\\p{L}\\p{N}])' : ''}${body}${latinEnd ? '(?![\\p{L}\\p{N}])' : ''}`;
    });
  return new RegExp(parts.length ? parts.join('|') : '(?!)', 'iu');
}

/**
 * The note's sentences: the subject is one; the body ends a sentence at 。！？!? and a line break, and at a full
 * stop that is followed by a space or the end (so `3.5` and `pool.example.com` stay whole).
 */
export function sentencesOf(subject: string | null | undefined, body: string | null | undefined): string[] {
  const out: string[] = [];
  const push = (s: string) => {
    const t = s.trim();
    if (t) out.push(t);
  };
  if (subject) for (const line of subject.split(/\r?\n|\r/)) push(line);
  const text = body ?? '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n' || c === '\r') {
      push(text.slice(start, i));
      start = i + 1;
    } else if (
      '。！？!?'.includes(c) ||
      (c === '.' && (i + 1 === text.length || !LETTER.test(text[i + 1]!)))
    ) {
      push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  push(text.slice(start));
  return out;
}

export class NoteReader {
  private readonly negation: RegExp;
  private readonly question: RegExp;
  private readonly refusal: RegExp;

  constructor(cues: ReadingCues) {
    this.negation = cuePattern(cues.negation);
    this.question = cuePattern(cues.question);
    this.refusal = cuePattern(cues.refusal);
  }

  sentences(subject: string | null | undefined, body: string | null | undefined): Sentence[] {
    return sentencesOf(subject, body).map((text) => ({
      text,
      negated: this.negation.exec(text)?.[0] ?? null,
      question: /[?？]\s*$/.test(text) ? '?' : (this.question.exec(text)?.[0] ?? null),
    }));
  }

  /** The words of a refusal anywhere in the note, or null: a refusal voids facilitation. */
  refusalIn(subject: string | null | undefined, body: string | null | undefined): string | null {
    return this.refusal.exec(`${subject ?? ''}\n${body ?? ''}`)?.[0] ?? null;
  }
}

const QUOTE_MAX = 300;

/**
 * The sentence as evidence quotes it: line breaks as spaces, the matched words marked «…», at most 300 characters
 * (cut around the mark when longer).
 */
export function quote(sentence: string, at: number, length: number): string {
  const flat = sentence.replace(/\s*[\r\n]+\s*/g, ' ');
  const marked = `${flat.slice(0, at)}«${flat.slice(at, at + length)}»${flat.slice(at + length)}`;
  if (marked.length <= QUOTE_MAX) return marked;
  const room = QUOTE_MAX - 2;
  const from = Math.max(0, Math.min(at - Math.floor((room - length) / 2), marked.length - room));
  return `${from > 0 ? '…' : ''}${marked.slice(from, from + room)}${from + room < marked.length ? '…' : ''}`;
}
