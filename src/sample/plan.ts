import { addDays, addMonths, type IsoDate, periodOf } from '../contract/dates.ts';
import type { PlannedAccount, PlannedAddress, PlannedDeal, StaffMember, TelemetryKind } from './model.ts';
import { ENTITIES, PLACES, TEAMS, teamOfPlace } from './org.ts';
import type { Rng } from './rng.ts';
import {
  ACTIVITY_MENTION,
  BENIGN_INDUSTRIES,
  BENIGN_NOTES,
  BROAD_INDUSTRY,
  CRYPTO_INDUSTRY,
  companyName,
  FACILITATION,
  FACILITATION_DECOYS,
  NEUTRAL_FINTECH,
  personName,
} from './text.ts';

export const AS_OF = '2022-12-31';
export const FIRST_PERIOD = '2019-01';
const LAST_CREATED = '2022-06';

export interface Plan {
  staff: StaffMember[];
  accounts: PlannedAccount[];
}

const CN_PLACES = ['beijing', 'shanghai', 'shenzhen', 'chengdu', 'hangzhou'];
const FOREIGN_PLACES = ['hongkong', 'singapore', 'tokyo', 'sanfrancisco', 'frankfurt'];
const SERVICES = ['compute', 'storage', 'database', 'network'];

function date(rng: Rng, fromPeriod: string, toPeriod: string): IsoDate {
  const span = Math.max(0, monthsApart(fromPeriod, toPeriod));
  return `${addMonths(fromPeriod, rng.int(0, span))}-${String(rng.int(1, 28)).padStart(2, '0')}`;
}

function monthsApart(a: string, b: string): number {
  const [y1, m1] = a.split('-').map(Number) as [number, number];
  const [y2, m2] = b.split('-').map(Number) as [number, number];
  return (y2 - y1) * 12 + m2 - m1;
}

export function postalIn(rng: Rng, place: string): string {
  const p = PLACES[place]!;
  return p.postalDigits === 0 ? '' : `${p.postalPrefix}${rng.digits(p.postalDigits)}`;
}

export function planWorld(rng: Rng, size: number): Plan {
  const perTeam = Math.max(4, Math.round(size / 250));
  const staff: StaffMember[] = [];
  for (const team of TEAMS) {
    const entity = ENTITIES.find((e) => e.entity_id === team.entity_id)!;
    const place = PLACES[team.place]!;
    const count = team.team_id === 'T-FSI' ? 4 : perTeam;
    for (let i = 0; i < count; i++) {
      // Two FSI members hold Singapore contracts but work in Beijing and Shanghai.
      const onshore = team.team_id === 'T-FSI' && i < 2;
      staff.push({
        id: `${team.team_id.slice(2)}-${String(i + 1).padStart(3, '0')}`,
        name: personName(rng),
        team: team.team_id,
        entity: entity.entity_id,
        workCountry: onshore ? 'CN' : place.country,
        workCity: onshore ? (i === 0 ? 'Beijing' : 'Shanghai') : place.city,
      });
    }
  }
  // A Hong Kong contract holder who works in Shenzhen but owns only ordinary accounts: must not fire.
  staff.push({
    id: 'HK-900',
    name: personName(rng),
    team: 'T-HK',
    entity: 'E-HK',
    workCountry: 'CN',
    workCity: 'Shenzhen',
  });

  const members = (team: string) => staff.filter((s) => s.team === team && s.id !== 'HK-900');
  const fsiOnshore = staff.filter((s) => s.team === 'T-FSI' && s.workCountry === 'CN');
  const fsiOffshore = staff.filter((s) => s.team === 'T-FSI' && s.workCountry === 'SG');

  const accounts: PlannedAccount[] = [];
  let dealSeq = 0;
  let noteSeq = 0;
  let requestSeq = 0;
  const newDeal = (d: Omit<PlannedDeal, 'id'>): PlannedDeal => ({
    id: `D${String(++dealSeq).padStart(6, '0')}`,
    ...d,
  });
  const note = (
    a: PlannedAccount,
    staffId: string,
    at: IsoDate,
    subject: string,
    body: string,
    type = 'note',
    facilitates?: string,
  ) =>
    a.notes.push({
      id: `N${String(++noteSeq).padStart(7, '0')}`,
      staff: staffId,
      at: `${at}T10:30:00+08:00`,
      type,
      subject,
      body,
      facilitates,
    });

  const account = (
    archetype: string,
    o: {
      hq: string;
      place: string;
      registered?: string;
      industry?: string;
      created?: IsoDate;
      team?: string;
      /** A crypto activity the account declares as its industry. */
      declares?: keyof typeof CRYPTO_INDUSTRY;
    },
  ) => {
    const created = o.created ?? date(rng, FIRST_PERIOD, LAST_CREATED);
    const place = PLACES[o.place]!;
    const team = o.team ?? teamOfPlace(o.place);
    const owner = rng.pick(members(team)).id;
    const hqPlace =
      o.hq === 'CN'
        ? rng.pick(CN_PLACES)
        : (FOREIGN_PLACES.find((p) => PLACES[p]!.country === o.hq) ?? o.place);
    const a: PlannedAccount = {
      id: `A${String(accounts.length + 1).padStart(7, '0')}`,
      archetype,
      name: companyName(rng, o.hq === 'CN'),
      registered: o.registered ?? o.hq,
      hq: o.hq,
      hqCity: PLACES[hqPlace]?.city ?? '',
      industry: o.declares
        ? rng.pick(CRYPTO_INDUSTRY[o.declares])
        : (o.industry ?? rng.pick(BENIGN_INDUSTRIES)),
      created,
      closed: null,
      addresses: [
        {
          from: created,
          place: o.place,
          postal: postalIn(rng, o.place),
          line1: `${rng.int(1, 999)} ${place.city} Road`,
          changedBy: null,
          reason: '',
        },
      ],
      owners: [{ from: created, team, staff: owner, changedBy: null, reason: 'new account' }],
      payments: [],
      deals: [],
      notes: [],
      requests: [],
      loginPattern: null,
      services: Array.from({ length: rng.int(1, 3) }, (_, i) => ({
        name: SERVICES[i]!,
        base: rng.int(50, 5000) * 100 + rng.int(0, 99),
        usageRegion: place.cloudRegion,
      })),
      declared: o.declares ? [o.declares] : [],
      mentions: [],
      selfCredited: [],
      telemetry: null,
    };
    accounts.push(a);
    return a;
  };
  const owner = (a: PlannedAccount) => a.owners[a.owners.length - 1]!.staff;
  /** A CRM note in which the account's owner facilitates `activity`, from one of its templates. */
  const facilitation = (
    a: PlannedAccount,
    t: { subject: string; body: string },
    at: IsoDate,
    type: string,
    activity: string,
  ) => note(a, owner(a), at, t.subject, t.body, type, activity);
  const k = Math.max(1, Math.round(size / 1000));
  const times = (n: number, f: (i: number) => void) => {
    for (let i = 0; i < n * k; i++) f(i);
  };
  const transferDate = (a: PlannedAccount) => date(rng, addMonths(periodOf(a.created), 8), '2022-09');
  const moveOwner = (a: PlannedAccount, at: IsoDate, team: string, staffId: string, reason: string) =>
    a.owners.push({ from: at, team, staff: staffId, changedBy: owner(a), reason });

  // Domestic exchanges (two with a facilitation note from their account manager).
  times(5, (i) => {
    const a = account('domestic-exchange', {
      hq: 'CN',
      place: rng.pick(CN_PLACES),
      declares: 'crypto.exchange',
      created: date(rng, FIRST_PERIOD, '2021-12'),
    });
    a.payments.push({ from: a.created, kind: 'bank', issuer: 'CN' });
    if (i < 2 * k) {
      const t = rng.pick(FACILITATION['crypto.exchange']!);
      facilitation(a, t, date(rng, periodOf(a.created), '2022-10'), 'meeting', 'crypto.exchange');
    }
  });
  // Miners: mining is prohibited from 2021-09-24.
  times(5, () => {
    account('miner', {
      hq: 'CN',
      place: rng.pick(CN_PLACES),
      declares: 'crypto.mining',
      created: date(rng, FIRST_PERIOD, '2022-03'),
    });
  });
  // Outbound exchanges billed offshore while run from the mainland.
  times(4, (i) => {
    const place = i % 2 === 0 ? 'hongkong' : 'singapore';
    account('paper-offshore', {
      hq: 'CN',
      registered: i % 3 === 0 ? 'KY' : 'CN',
      place,
      declares: 'crypto.exchange',
    });
  });
  // HK shells whose console is used from the mainland.
  times(2, () => {
    const a = account('shell-logins', { hq: 'HK', place: 'hongkong', declares: 'crypto.exchange' });
    a.payments.push({ from: a.created, kind: 'card', issuer: 'HK' });
    a.loginPattern = ['CN', 'CN', 'CN', 'CN', 'HK'];
  });
  // Licensed-style HK exchanges with no mainland nexus: nothing to find, even with a facilitation note.
  times(2, (i) => {
    const a = account('hk-exchange', { hq: 'HK', place: 'hongkong', declares: 'crypto.exchange' });
    a.payments.push({ from: a.created, kind: 'card', issuer: 'HK' });
    a.loginPattern = ['HK', 'HK', 'SG'];
    if (i === 0)
      note(
        a,
        owner(a),
        date(rng, periodOf(a.created), '2022-10'),
        'Follow-up',
        'Offered to introduce the customer to an exchange in Singapore.',
        'note',
        'crypto.exchange',
      );
  });
  // Node operators: not prohibited as such; facilitation notes are.
  times(5, (i) => {
    const a = account('node', {
      hq: 'CN',
      place: rng.pick(CN_PLACES),
      declares: 'crypto.node',
      created: date(rng, FIRST_PERIOD, '2021-06'),
    });
    if (i < 2 * k) {
      const t = rng.pick(FACILITATION['crypto.exchange']!);
      facilitation(a, t, date(rng, periodOf(a.created), '2022-10'), 'call', 'crypto.exchange');
    } else if (i < 3 * k) {
      const mining = FACILITATION['crypto.mining']![0]!;
      facilitation(a, mining, date(rng, '2021-10', '2022-10'), 'note', 'crypto.mining');
    } else if (i < 4 * k) {
      // Mining was not yet prohibited: no finding.
      const mining = FACILITATION['crypto.mining']![0]!;
      facilitation(
        a,
        mining,
        date(rng, addMonths(periodOf(a.created), 1), '2021-07'),
        'note',
        'crypto.mining',
      );
    }
  });
  times(2, () =>
    account('blockchain-broad', { hq: 'CN', place: rng.pick(CN_PLACES), industry: rng.pick(BROAD_INDUSTRY) }),
  );
  // Token issuers known only from CRM notes (indicated, 12 months).
  times(3, () => {
    const a = account('token-crm', {
      hq: 'CN',
      place: rng.pick(CN_PLACES),
      industry: rng.pick(NEUTRAL_FINTECH),
    });
    const t = rng.pick(ACTIVITY_MENTION['crypto.token-issuance']!);
    const at = date(rng, periodOf(a.created), '2022-11');
    note(a, owner(a), at, t.subject, t.body);
    a.mentions.push({ activity: 'crypto.token-issuance', month: periodOf(at) });
  });
  // Exchanges incubated by a mainland team, then moved offshore.
  const incubated = (archetype: string, fromPlace: string, to: () => { team: string; staff: string }) => {
    const a = account(archetype, {
      hq: 'CN',
      place: fromPlace,
      declares: 'crypto.exchange',
      created: date(rng, FIRST_PERIOD, '2021-06'),
    });
    const at = transferDate(a);
    const target = to();
    a.requests.push({
      id: `TR${String(++requestSeq).padStart(6, '0')}`,
      requestedAt: addDays(at, -14),
      from: a.owners[0]!.team,
      to: target.team,
      by: owner(a),
      decision: 'accepted',
      decidedAt: addDays(at, -1),
      decidedBy: target.staff,
      reason: 'customer grew',
    });
    moveOwner(a, at, target.team, target.staff, 'moved to the team that serves large customers');
    return a;
  };
  times(2, () =>
    incubated('transfer-hk', 'shenzhen', () => ({ team: 'T-HK', staff: rng.pick(members('T-HK')).id })),
  );
  times(2, () =>
    incubated('transfer-fsi-onshore', 'beijing', () => ({ team: 'T-FSI', staff: rng.pick(fsiOnshore).id })),
  );
  times(1, () =>
    incubated('transfer-fsi-offshore', 'shanghai', () => ({
      team: 'T-FSI',
      staff: rng.pick(fsiOffshore).id,
    })),
  );
  times(2, () =>
    incubated('transfer-same-country', 'beijing', () => ({
      team: 'T-SH',
      staff: rng.pick(members('T-SH')).id,
    })),
  );
  times(1, () => {
    const a = account('transfer-benign', { hq: 'CN', place: 'shenzhen' });
    moveOwner(a, transferDate(a), 'T-HK', rng.pick(members('T-HK')).id, 'customer expanding to Hong Kong');
  });
  // Deals the FSI team declined stay with the mainland team.
  const requested = (archetype: string, decision: 'rejected' | 'pending', declares?: 'crypto.exchange') => {
    const a = account(archetype, {
      hq: 'CN',
      place: 'chengdu',
      declares,
      created: date(rng, FIRST_PERIOD, '2021-06'),
    });
    const at = transferDate(a);
    a.requests.push({
      id: `TR${String(++requestSeq).padStart(6, '0')}`,
      requestedAt: addDays(at, -20),
      from: 'T-CD',
      to: 'T-FSI',
      by: owner(a),
      decision,
      decidedAt: decision === 'pending' ? null : at,
      decidedBy: decision === 'pending' ? null : rng.pick(fsiOffshore).id,
      reason: decision === 'rejected' ? 'declined: outside FSI appetite' : '',
    });
    return a;
  };
  times(3, () => requested('retained', 'rejected', 'crypto.exchange'));
  times(1, () => requested('rejected-benign', 'rejected'));
  times(1, () => requested('pending-exchange', 'pending', 'crypto.exchange'));

  // Overseas customers whose billing address a mainland account manager moved into their own territory.
  const moved = (
    archetype: string,
    by: string,
    toPlace: string,
    changedByStaff = true,
    latest = '2022-08',
  ) => {
    const a = account(archetype, {
      hq: 'CN',
      place: rng.pick(['singapore', 'hongkong', 'sanfrancisco']),
      created: date(rng, FIRST_PERIOD, '2021-06'),
    });
    const at = date(rng, addMonths(periodOf(a.created), 3), latest);
    const changer = changedByStaff ? rng.pick(members(by)).id : null;
    a.addresses.push({
      from: at,
      place: toPlace,
      postal: postalIn(rng, toPlace),
      line1: `${rng.int(1, 999)} ${PLACES[toPlace]!.city} Avenue`,
      changedBy: changer,
      reason: 'customer request',
    });
    return { a, at };
  };
  const cnTeams = [
    ['T-CD', 'chengdu'],
    ['T-SZ', 'shenzhen'],
    ['T-BJ', 'beijing'],
  ] as const;
  times(3, (i) => {
    const [team, place] = cnTeams[i % 3]!;
    const { a, at } = moved('self-credited', team, place);
    a.selfCredited.push({ date: at, high: false });
  });
  times(2, (i) => {
    const [team, place] = cnTeams[i % 3]!;
    const { a, at } = moved('self-credited-agent', team, place);
    a.selfCredited.push({ date: at, high: true });
    a.deals.push(
      newDeal({
        pct: i % 2 === 0 ? 15 : 25,
        from: addDays(at, rng.int(-80, 80)),
        to: null,
        agent: rng.pick(['AG-01', 'AG-02']),
        approvedBy: owner(a),
      }),
    );
  });
  times(1, () => {
    const { a, at } = moved('self-credited-late-deal', 'T-CD', 'chengdu', true, '2022-03');
    a.selfCredited.push({ date: at, high: false });
    a.deals.push(
      newDeal({ pct: 40, from: addDays(at, 200), to: null, agent: 'AG-01', approvedBy: owner(a) }),
    );
  });
  times(1, () => moved('address-customer', 'T-CD', 'chengdu', false));
  times(1, () => moved('address-not-own-region', 'T-CD', 'beijing'));
  times(1, () => {
    const a = account('address-within-region', { hq: 'CN', place: 'chengdu', team: 'T-CD' });
    const at = date(rng, addMonths(periodOf(a.created), 2), '2022-10');
    a.addresses.push({
      from: at,
      place: 'chengdu',
      postal: postalIn(rng, 'chengdu'),
      line1: '8 Tianfu Avenue',
      changedBy: rng.pick(members('T-CD')).id,
      reason: 'office move',
    });
  });

  // Discounts beyond policy: direct ones, and ones through an agent on exchange accounts.
  times(3, () => {
    const a = account('deep-discount', {
      hq: rng.pick(['CN', 'US', 'JP']),
      place: rng.pick([...CN_PLACES, ...FOREIGN_PLACES]),
    });
    a.deals.push(
      newDeal({
        pct: rng.pick([22.5, 25, 30, 35]),
        from: date(rng, periodOf(a.created), '2022-10'),
        to: null,
        agent: null,
        approvedBy: owner(a),
      }),
    );
  });
  times(2, () => {
    const a = account('agent-discount-exchange', {
      hq: 'CN',
      place: rng.pick(CN_PLACES),
      declares: 'crypto.exchange',
    });
    a.deals.push(
      newDeal({
        pct: 30,
        from: date(rng, periodOf(a.created), '2022-10'),
        to: null,
        agent: 'AG-01',
        approvedBy: owner(a),
      }),
    );
  });

  // Workloads known only from network telemetry (2022-10 … 2022-12), next to ordinary web traffic.
  const watched = (kind: TelemetryKind, months: string[], hq = 'CN') => {
    const a = account(`telemetry-${kind}`, {
      hq,
      place: hq === 'CN' ? rng.pick(CN_PLACES) : 'singapore',
      industry: rng.pick(['Cloud gaming', 'SaaS', 'Media & streaming']),
    });
    a.telemetry = { kind, months };
  };
  times(2, () => watched('pool-443', ['2022-10', '2022-11']));
  times(1, () => watched('stratum', ['2022-11', '2022-12']));
  times(2, () => watched('node', ['2022-10', '2022-11', '2022-12']));
  times(1, () => watched('listed-node', ['2022-12']));
  times(1, () => watched('exchange-client', ['2022-11']));
  times(1, () => watched('weak-node', ['2022-12']));
  times(3, () => watched('web', ['2022-10', '2022-11', '2022-12']));
  times(1, () => watched('pool-443', ['2022-12'], 'SG'));

  // Everyone else: ordinary domestic, inbound, outbound and foreign customers.
  while (accounts.length < size) {
    const r = rng.next();
    const [hq, place] =
      r < 0.45
        ? ['CN', rng.pick(CN_PLACES)]
        : r < 0.65
          ? ['CN', rng.pick(FOREIGN_PLACES)]
          : r < 0.75
            ? [rng.pick(['US', 'JP', 'DE', 'SG']), rng.pick(CN_PLACES)]
            : (() => {
                const p = rng.pick(FOREIGN_PLACES);
                return [PLACES[p]!.country, p];
              })();
    const a = account('background', { hq, place });
    if (rng.chance(0.08)) a.closed = date(rng, addMonths(periodOf(a.created), 6), '2022-11');
    if (a.closed && a.closed <= a.created) a.closed = null;
    if (rng.chance(0.15)) {
      const at = date(rng, addMonths(periodOf(a.created), 1), '2022-11');
      const last = a.addresses[0]!;
      const next: PlannedAddress = {
        from: at,
        place: last.place,
        postal: postalIn(rng, last.place),
        line1: `${rng.int(1, 999)} New Street`,
        changedBy: null,
        reason: 'customer moved office',
      };
      a.addresses.push(next);
    }
    if (rng.chance(0.1)) {
      const team = a.owners[0]!.team;
      a.owners.push({
        from: date(rng, addMonths(periodOf(a.created), 1), '2022-11'),
        team,
        staff: rng.pick(members(team)).id,
        changedBy: owner(a),
        reason: 'portfolio rebalancing',
      });
    }
    if (rng.chance(0.12))
      a.deals.push(
        newDeal({
          pct: rng.pick([5, 10, 12.5, 15, 20]),
          from: date(rng, periodOf(a.created), '2022-10'),
          to: null,
          agent: rng.chance(0.3) ? rng.pick(['AG-01', 'AG-02', 'AG-03']) : null,
          approvedBy: owner(a),
        }),
      );
    if (rng.chance(0.3)) {
      const t = rng.pick(BENIGN_NOTES);
      note(
        a,
        owner(a),
        date(rng, periodOf(a.created), '2022-11'),
        t[0],
        t[1],
        rng.pick(['call', 'meeting', 'email']),
      );
    }
    if (rng.chance(0.02)) {
      const t = rng.pick(FACILITATION_DECOYS);
      note(a, owner(a), date(rng, periodOf(a.created), '2022-11'), t.subject, t.body);
    }
    if (rng.chance(0.6))
      a.payments.push({ from: a.created, kind: rng.pick(['card', 'bank', 'invoice']), issuer: a.hq });
    if (rng.chance(0.03)) a.loginPattern = [a.hq, a.hq, 'CN'];
  }
  // The HK contract holder working in Shenzhen owns a few ordinary accounts.
  for (const a of accounts
    .filter((x) => x.archetype === 'background' && x.owners[0]!.team === 'T-HK')
    .slice(0, 3))
    a.owners[0]!.staff = 'HK-900';
  for (const a of accounts) a.addresses.sort((x, y) => x.from.localeCompare(y.from));
  return { staff, accounts };
}
