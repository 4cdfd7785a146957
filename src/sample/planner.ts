import { addMonths, type IsoDate, periodOf, periodRange } from '../contract/dates.ts';
import { getOrCreate } from '../util/maps.ts';
import type { PlannedAccount, PlannedDeal, StaffMember } from './model.ts';
import { ENTITIES, PLACES, TEAMS, teamOfPlace } from './org.ts';
import type { Rng } from './rng.ts';
import { BENIGN_INDUSTRIES, CRYPTO_INDUSTRY, companyName, personName } from './text.ts';

export const AS_OF = '2022-12-31';
export const FIRST_PERIOD = '2019-01';
const LAST_CREATED = '2022-06';

export const CN_PLACES = ['beijing', 'shanghai', 'shenzhen', 'chengdu', 'hangzhou'];
export const FOREIGN_PLACES = ['hongkong', 'singapore', 'tokyo', 'sanfrancisco', 'frankfurt'];
const SERVICES = ['compute', 'storage', 'database', 'network'];

/** A day between the starts of two months (days 1–28). */
export function date(rng: Rng, fromPeriod: string, toPeriod: string): IsoDate {
  const span = Math.max(0, periodRange(fromPeriod, toPeriod).length - 1);
  return `${addMonths(fromPeriod, rng.int(0, span))}-${String(rng.int(1, 28)).padStart(2, '0')}`;
}

export function postalIn(rng: Rng, place: string): string {
  const p = PLACES[place]!;
  return p.postalDigits === 0 ? '' : `${p.postalPrefix}${rng.digits(p.postalDigits)}`;
}

export interface AccountOptions {
  hq: string;
  place: string;
  registered?: string;
  industry?: string;
  created?: IsoDate;
  team?: string;
  /** A crypto activity the account declares as its industry. */
  declares?: keyof typeof CRYPTO_INDUSTRY;
}

/**
 * The sample world being planned: its staff and accounts, and the helpers every scheme uses to add to them. The
 * schemes draw from one random stream in a fixed order, so a seed always gives the same world.
 */
export class Planner {
  readonly staff: StaffMember[] = [];
  readonly accounts: PlannedAccount[] = [];
  /** How many times each planted pattern repeats: one per 1,000 accounts. */
  readonly k: number;
  private dealSeq = 0;
  private noteSeq = 0;
  private requestSeq = 0;

  constructor(
    readonly rng: Rng,
    readonly size: number,
  ) {
    this.k = Math.max(1, Math.round(size / 1000));
    this.hireStaff();
  }

  private hireStaff(): void {
    const perTeam = Math.max(4, Math.round(this.size / 250));
    for (const team of TEAMS) {
      const entity = ENTITIES.find((e) => e.entity_id === team.entity_id)!;
      const place = PLACES[team.place]!;
      const count = team.team_id === 'T-FSI' ? 4 : perTeam;
      for (let i = 0; i < count; i++) {
        // Two FSI members hold Singapore contracts but work in Beijing and Shanghai.
        const onshore = team.team_id === 'T-FSI' && i < 2;
        // Number 900 of Hong Kong is the onshore contract holder below (teams reach it from XL on).
        const n = team.team_id === 'T-HK' && i + 1 >= 900 ? i + 2 : i + 1;
        this.staff.push({
          id: `${team.team_id.slice(2)}-${String(n).padStart(3, '0')}`,
          name: personName(this.rng),
          team: team.team_id,
          entity: entity.entity_id,
          workCountry: onshore ? 'CN' : place.country,
          workCity: onshore ? (i === 0 ? 'Beijing' : 'Shanghai') : place.city,
        });
      }
    }
    // A Hong Kong contract holder who works in Shenzhen but owns only ordinary accounts: must not fire.
    this.staff.push({
      id: 'HK-900',
      name: personName(this.rng),
      team: 'T-HK',
      entity: 'E-HK',
      workCountry: 'CN',
      workCity: 'Shenzhen',
    });
  }

  /** The staff is hired once, in the constructor: each team's members are looked up, not searched, per account. */
  private readonly memberLists = new Map<string, StaffMember[]>();

  members(team: string): StaffMember[] {
    return getOrCreate(this.memberLists, team, () =>
      this.staff.filter((s) => s.team === team && s.id !== 'HK-900'),
    );
  }

  fsi(workCountry: 'CN' | 'SG'): StaffMember[] {
    return getOrCreate(this.memberLists, `fsi ${workCountry}`, () =>
      this.staff.filter((s) => s.team === 'T-FSI' && s.workCountry === workCountry),
    );
  }

  /** `n` per 1,000 accounts of the sample. */
  times(n: number, f: (i: number) => void): void {
    for (let i = 0; i < n * this.k; i++) f(i);
  }

  newDeal(d: Omit<PlannedDeal, 'id'>): PlannedDeal {
    return { id: `D${String(++this.dealSeq).padStart(6, '0')}`, ...d };
  }

  nextRequestId(): string {
    return `TR${String(++this.requestSeq).padStart(6, '0')}`;
  }

  note(
    a: PlannedAccount,
    staffId: string,
    at: IsoDate,
    subject: string,
    body: string,
    type = 'note',
    facilitates?: string,
  ): void {
    a.notes.push({
      id: `N${String(++this.noteSeq).padStart(7, '0')}`,
      staff: staffId,
      at: `${at}T10:30:00+08:00`,
      type,
      subject,
      body,
      facilitates,
    });
  }

  owner(a: PlannedAccount): string {
    return a.owners[a.owners.length - 1]!.staff;
  }

  /** A CRM note in which the account's owner facilitates `activity`, from one of its templates. */
  facilitation(
    a: PlannedAccount,
    t: { subject: string; body: string },
    at: IsoDate,
    type: string,
    activity: string,
  ): void {
    this.note(a, this.owner(a), at, t.subject, t.body, type, activity);
  }

  transferDate(a: PlannedAccount): IsoDate {
    return date(this.rng, addMonths(periodOf(a.created), 8), '2022-09');
  }

  moveOwner(a: PlannedAccount, at: IsoDate, team: string, staffId: string, reason: string): void {
    a.owners.push({ from: at, team, staff: staffId, changedBy: this.owner(a), reason });
  }

  account(archetype: string, o: AccountOptions): PlannedAccount {
    const { rng } = this;
    const created = o.created ?? date(rng, FIRST_PERIOD, LAST_CREATED);
    const place = PLACES[o.place]!;
    const team = o.team ?? teamOfPlace(o.place);
    const owner = rng.pick(this.members(team)).id;
    const hqPlace =
      o.hq === 'CN'
        ? rng.pick(CN_PLACES)
        : (FOREIGN_PLACES.find((p) => PLACES[p]!.country === o.hq) ?? o.place);
    const a: PlannedAccount = {
      id: `A${String(this.accounts.length + 1).padStart(7, '0')}`,
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
    this.accounts.push(a);
    return a;
  }
}
