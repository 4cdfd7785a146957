import { periodOf } from '../../contract/dates.ts';
import { CN_PLACES, date, type Planner } from '../planner.ts';
import { ASSERTED_BESIDE_NEGATION, NOT_EVIDENCE } from '../text.ts';

/**
 * What a note says, not which words it holds (findings.md §3a): refusals, questions and denials that must raise
 * nothing; a negated sentence beside one that asserts mining; and mining where it runs — a mainland company mining
 * in us-east-1 (nothing), a Singapore company mining in cn-northwest-1 (prohibited, and paper offshore).
 */
export function notesInContext(p: Planner): void {
  p.times(NOT_EVIDENCE.length, (i) => {
    const a = p.account('note-not-evidence', { hq: 'CN', place: p.rng.pick(CN_PLACES) });
    const t = NOT_EVIDENCE[i % NOT_EVIDENCE.length]!;
    p.note(a, p.owner(a), date(p.rng, periodOf(a.created), '2022-11'), t.subject, t.body, 'call');
  });
  p.times(ASSERTED_BESIDE_NEGATION.length, (i) => {
    const a = p.account('note-mining-beside-negation', { hq: 'CN', place: p.rng.pick(CN_PLACES) });
    const t = ASSERTED_BESIDE_NEGATION[i % ASSERTED_BESIDE_NEGATION.length]!;
    const at = date(p.rng, '2021-10', '2022-11');
    p.note(a, p.owner(a), at, t.subject, t.body, 'meeting');
    a.mentions.push({ activity: 'crypto.mining', month: periodOf(at) });
  });
  p.times(1, () => {
    const a = p.account('miner-abroad', { hq: 'CN', place: 'chengdu', declares: 'crypto.mining' });
    for (const s of a.services) s.usageRegion = 'us-east-1';
  });
  p.times(1, () => {
    const a = p.account('foreign-miner-onshore', {
      hq: 'SG',
      place: 'singapore',
      declares: 'crypto.mining',
      created: date(p.rng, '2020-01', '2021-06'),
    });
    for (const s of a.services) s.usageRegion = 'cn-northwest-1';
  });
}
