/** A place in a bundle file and what is wrong there. `line` is the 1-based line (CSV) or record (NDJSON, Parquet). */
export interface Problem {
  file: string;
  line?: number;
  column?: string;
  message: string;
}

export function formatProblem(p: Problem): string {
  const where = [p.file, p.line].filter((x) => x !== undefined).join(':');
  return `${where}: ${p.column ? `column ${p.column}: ` : ''}${p.message}`;
}

/** Collects problems up to a cap, counting the rest, so one run reports everything worth fixing. */
export class Problems {
  readonly list: Problem[] = [];
  dropped = 0;
  constructor(readonly cap = 100) {}

  add(p: Problem): void {
    if (this.list.length < this.cap) this.list.push(p);
    else this.dropped++;
  }

  get count(): number {
    return this.list.length + this.dropped;
  }
}

/** Thrown when a bundle breaks the contract; carries every problem found. Exit status 2. */
export class BundleError extends Error {
  override name = 'BundleError';
  constructor(
    readonly problems: Problem[],
    readonly dropped = 0,
  ) {
    super(
      `the bundle breaks the contract (${problems.length + dropped} problem${problems.length + dropped === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  ${formatProblem(p)}`).join('\n') +
        (dropped ? `\n  … and ${dropped} more` : ''),
    );
  }
}
