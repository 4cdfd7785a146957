import cliProgress from 'cli-progress';

const color = process.stdout.isTTY && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
const paint = (code: number) => (s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
export const bold = paint(1);
export const dim = paint(2);
export const red = paint(31);
export const yellow = paint(33);
export const green = paint(32);

export const severityColour = (s: string) => (s === 'high' ? red(s) : s === 'medium' ? yellow(s) : s);

/** Progress on standard error while work runs on a terminal; silent when not a TTY or in --json mode. */
export class Progress {
  private static readonly active = new Set<Progress>();
  private readonly bar: cliProgress.SingleBar | null;
  private readonly started = Date.now();
  private count = 0;
  private ended: number | undefined;
  /** Each step's name and when it began (ms), in the order they came. */
  private readonly timeline: { step: string; at: number }[] = [];

  constructor(
    private readonly total: number,
    quiet = false,
  ) {
    this.bar =
      process.stderr.isTTY && !quiet
        ? new cliProgress.SingleBar(
            {
              stream: process.stderr,
              format: ' {bar} {percentage}% | {step}',
              hideCursor: true,
              clearOnComplete: true,
            },
            cliProgress.Presets.shades_classic,
          )
        : null;
    this.bar?.start(total, 0, { step: 'starting' });
    if (this.bar) Progress.active.add(this);
  }

  /** Stops every bar still drawing (after an error), so the terminal is left clean and the process can end. */
  static stopAll(): void {
    for (const p of Progress.active) p.bar?.stop();
    Progress.active.clear();
  }

  step(name: string): void {
    this.timeline.push({ step: name, at: Date.now() });
    this.count = Math.min(this.count + 1, this.total - 1);
    this.bar?.update(this.count, { step: name });
  }

  detail(text: string): void {
    this.bar?.update(this.count, { step: text });
  }

  done(): number {
    this.bar?.update(this.total, { step: 'done' });
    this.bar?.stop();
    Progress.active.delete(this);
    this.ended ??= Date.now();
    return (this.ended - this.started) / 1000;
  }

  /**
   * How long each step took, in the order they came (a step runs until the next begins, the last until `done`);
   * a step named again (work that went on beside another) is one more entry.
   */
  steps(): { step: string; seconds: number }[] {
    const end = this.ended ?? Date.now();
    return this.timeline.map(({ step, at }, i) => ({
      step,
      seconds: ((this.timeline[i + 1]?.at ?? end) - at) / 1000,
    }));
  }
}
