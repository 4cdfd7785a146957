import { addMonths, periodOf } from '../../contract/dates.ts';
import { CN_PLACES, date, FIRST_PERIOD, type Planner } from '../planner.ts';
import { ACTIVITY_MENTION, BROAD_INDUSTRY, FACILITATION, NEUTRAL_FINTECH } from '../text.ts';

/** Customers in each crypto activity, onshore and offshore, some with facilitation notes, and their near-misses. */
export function cryptoCustomers(p: Planner): void {
  // Domestic exchanges (two with a facilitation note from their account manager).
  p.times(5, (i) => {
    const a = p.account('domestic-exchange', {
      hq: 'CN',
      place: p.rng.pick(CN_PLACES),
      declares: 'crypto.exchange',
      created: date(p.rng, FIRST_PERIOD, '2021-12'),
    });
    a.payments.push({ from: a.created, kind: 'bank', issuer: 'CN' });
    if (i < 2 * p.k) {
      const t = p.rng.pick(FACILITATION['crypto.exchange']!);
      p.facilitation(a, t, date(p.rng, periodOf(a.created), '2022-10'), 'meeting', 'crypto.exchange');
    }
  });
  // Miners: mining is prohibited from 2021-09-24.
  p.times(5, () => {
    p.account('miner', {
      hq: 'CN',
      place: p.rng.pick(CN_PLACES),
      declares: 'crypto.mining',
      created: date(p.rng, FIRST_PERIOD, '2022-03'),
    });
  });
  // Outbound exchanges billed offshore while run from the mainland.
  p.times(4, (i) => {
    const place = i % 2 === 0 ? 'hongkong' : 'singapore';
    p.account('paper-offshore', {
      hq: 'CN',
      registered: i % 3 === 0 ? 'KY' : 'CN',
      place,
      declares: 'crypto.exchange',
    });
  });
  // HK shells whose console is used from the mainland.
  p.times(2, () => {
    const a = p.account('shell-logins', { hq: 'HK', place: 'hongkong', declares: 'crypto.exchange' });
    a.payments.push({ from: a.created, kind: 'card', issuer: 'HK' });
    a.loginPattern = ['CN', 'CN', 'CN', 'CN', 'HK'];
  });
  // Licensed-style HK exchanges with no mainland nexus: nothing to find, even with a facilitation note.
  p.times(2, (i) => {
    const a = p.account('hk-exchange', { hq: 'HK', place: 'hongkong', declares: 'crypto.exchange' });
    a.payments.push({ from: a.created, kind: 'card', issuer: 'HK' });
    a.loginPattern = ['HK', 'HK', 'SG'];
    if (i === 0)
      p.note(
        a,
        p.owner(a),
        date(p.rng, periodOf(a.created), '2022-10'),
        'Follow-up',
        'Offered to introduce the customer to an exchange in Singapore.',
        'note',
        'crypto.exchange',
      );
  });
  // Node operators: not prohibited as such; facilitation notes are.
  p.times(5, (i) => {
    const a = p.account('node', {
      hq: 'CN',
      place: p.rng.pick(CN_PLACES),
      declares: 'crypto.node',
      created: date(p.rng, FIRST_PERIOD, '2021-06'),
    });
    if (i < 2 * p.k) {
      const t = p.rng.pick(FACILITATION['crypto.exchange']!);
      p.facilitation(a, t, date(p.rng, periodOf(a.created), '2022-10'), 'call', 'crypto.exchange');
    } else if (i < 3 * p.k) {
      const mining = FACILITATION['crypto.mining']![0]!;
      p.facilitation(a, mining, date(p.rng, '2021-10', '2022-10'), 'note', 'crypto.mining');
    } else if (i < 4 * p.k) {
      // Mining was not yet prohibited: no finding.
      const mining = FACILITATION['crypto.mining']![0]!;
      p.facilitation(
        a,
        mining,
        date(p.rng, addMonths(periodOf(a.created), 1), '2021-07'),
        'note',
        'crypto.mining',
      );
    }
  });
  p.times(2, () =>
    p.account('blockchain-broad', {
      hq: 'CN',
      place: p.rng.pick(CN_PLACES),
      industry: p.rng.pick(BROAD_INDUSTRY),
    }),
  );
  // Token issuers known only from CRM notes (indicated, 12 months).
  p.times(3, () => {
    const a = p.account('token-crm', {
      hq: 'CN',
      place: p.rng.pick(CN_PLACES),
      industry: p.rng.pick(NEUTRAL_FINTECH),
    });
    const t = p.rng.pick(ACTIVITY_MENTION['crypto.token-issuance']!);
    const at = date(p.rng, periodOf(a.created), '2022-11');
    p.note(a, p.owner(a), at, t.subject, t.body);
    a.mentions.push({ activity: 'crypto.token-issuance', month: periodOf(at) });
  });
}
