import type { IsoDate } from '../../contract/dates.ts';
import type { Activity } from '../../contract/names.ts';
import type { Instrument, RulebookFile, RuleRow } from '../../contract/rulebook.ts';

export type Rule = RuleRow & { id: string; instrumentInfo: Instrument };

export class Rulebook {
  readonly rules: Rule[];

  constructor(readonly file: RulebookFile) {
    const byId = new Map(file.instruments.map((i) => [i.id, i]));
    this.rules = file.rules.map((r) => ({
      ...r,
      id: `${r.instrument}/${r.activity}`,
      instrumentInfo: byId.get(r.instrument)!,
    }));
  }

  get version(): string {
    return this.file.version;
  }

  inForce(
    at: IsoDate,
    filter: { jurisdiction?: string; activity?: Activity; status?: Rule['status'] } = {},
  ): Rule[] {
    return this.rules.filter(
      (r) =>
        r.from <= at &&
        (r.to === undefined || at < r.to) &&
        (!filter.jurisdiction || r.jurisdiction === filter.jurisdiction) &&
        (!filter.activity || r.activity === filter.activity) &&
        (!filter.status || r.status === filter.status),
    );
  }

  /**
   * The rules prohibiting an activity in a jurisdiction on a date (empty when none). Asked once per account, period,
   * jurisdiction and activity, of a few dozen distinct questions: each is answered once (the same frozen list).
   */
  prohibiting(jurisdiction: string, activity: Activity, at: IsoDate): readonly Rule[] {
    const key = `${jurisdiction}\n${activity}\n${at}`;
    let rules = this.answers.get(key);
    if (!rules) {
      rules = Object.freeze(this.inForce(at, { jurisdiction, activity, status: 'prohibited' }));
      this.answers.set(key, rules);
    }
    return rules;
  }

  private readonly answers = new Map<string, readonly Rule[]>();

  jurisdictions(): string[] {
    return [...new Set(this.rules.map((r) => r.jurisdiction))].sort();
  }
}
