import {
  addDays,
  addMonths,
  daysBetween,
  type IsoDate,
  type Period,
  periodEnd,
  periodOf,
  periodRange,
  periodStart,
} from '../contract/dates.ts';
import { invoiceLines } from './amounts.ts';
import { EXPECTED_SIGNAL, type PlannedAccount, type StaffMember } from './model.ts';
import { CLOUD_COUNTRY, entityCountry, PLACES } from './org.ts';
import { AS_OF } from './plan.ts';

/** One finding the engine must raise on the sample, identified by what an auditor would compare. */
export interface ExpectedFinding {
  code: string;
  account_id: string | null;
  staff_id: string | null;
  jurisdiction: string | null;
  activity: string | null;
  period_from: Period;
  period_to: Period;
  severity: 'high' | 'medium';
}

/** The fields two findings must share to be "the same finding" when scoring. */
export function findingKey(f: Omit<ExpectedFinding, 'severity'> & { severity: string }): string {
  const subject =
    f.code === 'offshore-contract-onshore-work' ? `staff=${f.staff_id}` : `account=${f.account_id ?? ''}`;
  const activity = f.code === 'prohibited-activity' || f.code === 'facilitation-note' ? f.activity : '';
  return [f.code, subject, f.jurisdiction ?? '', activity ?? '', f.period_from, f.period_to, f.severity].join(
    '|',
  );
}

const LAST = periodOf(AS_OF);
const J = 'CN';

/** Whether mainland law prohibits an activity on a date (the research's rulebook, restated for the sample). */
function cnProhibits(activity: string, date: IsoDate): boolean {
  if (activity === 'crypto.exchange' || activity === 'crypto.token-issuance') return date >= '2017-09-04';
  if (activity === 'crypto.mining') return date >= '2021-09-24';
  return false;
}

const last = <T extends { from: IsoDate }>(rows: T[], date: IsoDate): T | undefined =>
  rows.filter((r) => r.from <= date).at(-1);

export function periodsOf(a: PlannedAccount): Period[] {
  const end = a.closed && periodOf(a.closed) < LAST ? periodOf(a.closed) : LAST;
  return periodRange(periodOf(a.created), end);
}

export function loginDates(a: PlannedAccount): { date: IsoDate; country: string }[] {
  if (!a.loginPattern) return [];
  const out = [];
  const end = a.closed ?? AS_OF;
  for (let d = a.created, i = 0; d <= end; d = addDays(d, 5), i++)
    out.push({ date: d, country: a.loginPattern[i % a.loginPattern.length]! });
  return out;
}

function loginNexus(logins: { date: IsoDate; country: string }[], end: IsoDate): boolean {
  const from = addDays(end, -89);
  const window = logins.filter((l) => l.date >= from && l.date <= end);
  return window.length >= 5 && window.filter((l) => l.country === J).length * 2 >= window.length;
}

function substance(a: PlannedAccount, end: IsoDate, logins: { date: IsoDate; country: string }[]): boolean {
  return a.hq === J || a.registered === J || last(a.payments, end)?.issuer === J || loginNexus(logins, end);
}

function nexus(a: PlannedAccount, end: IsoDate, logins: { date: IsoDate; country: string }[]): boolean {
  return (
    substance(a, end, logins) ||
    PLACES[last(a.addresses, end)!.place]!.country === J ||
    usage(a, periodOf(end))
  );
}

/** The usage test: at least half the period's net invoiced amount ran in cloud regions in J. */
function usage(a: PlannedAccount, period: Period): boolean {
  const index = periodsOf(a).indexOf(period);
  if (index < 0) return false;
  let total = 0n;
  let inJ = 0n;
  for (const line of invoiceLines(a, period, index)) {
    total += line.net;
    if (CLOUD_COUNTRY[line.service.usageRegion] === J) inJ += line.net;
  }
  return total > 0n && inJ > 0n && inJ * 2n >= total;
}

/** Mining is territorial (findings.md §5): only the usage test gives nexus, or substance, for it. */
const nexusFor = (
  act: string,
  a: PlannedAccount,
  end: IsoDate,
  logins: { date: IsoDate; country: string }[],
) => (act === 'crypto.mining' ? usage(a, periodOf(end)) : nexus(a, end, logins));
const substanceFor = (
  act: string,
  a: PlannedAccount,
  end: IsoDate,
  logins: { date: IsoDate; country: string }[],
) => (act === 'crypto.mining' ? usage(a, periodOf(end)) : substance(a, end, logins));

/** For each period of the account, the activities prohibited under CN, with whether each is confirmed. */
function prohibitedPeriods(a: PlannedAccount): Map<Period, Map<string, boolean>> {
  const logins = loginDates(a);
  const out = new Map<Period, Map<string, boolean>>();
  for (const p of periodsOf(a)) {
    const end = periodEnd(p);
    const acts = new Map<string, boolean>();
    for (const act of a.declared) acts.set(act, true);
    for (const m of a.mentions)
      if (p >= m.month && p <= addMonths(m.month, 11) && !acts.has(m.activity)) acts.set(m.activity, false);
    // Telemetry confirms an activity from its first to its last month.
    const months = a.telemetry?.months ?? [];
    const confirms = a.telemetry ? EXPECTED_SIGNAL[a.telemetry.kind]?.confirms : null;
    if (confirms && p >= months[0]! && p <= months.at(-1)!) acts.set(confirms, true);
    const prohibited = new Map(
      [...acts].filter(([act]) => cnProhibits(act, end) && nexusFor(act, a, end, logins)),
    );
    if (prohibited.size > 0) out.set(p, prohibited);
  }
  return out;
}

function runs(periods: Period[]): Period[][] {
  const out: Period[][] = [];
  for (const p of [...periods].sort()) {
    const run = out.at(-1);
    if (run && addMonths(run.at(-1)!, 1) === p) run.push(p);
    else out.push([p]);
  }
  return out;
}

export function expectedFindings(accounts: PlannedAccount[], staff: StaffMember[]): ExpectedFinding[] {
  const out: ExpectedFinding[] = [];
  const base = { account_id: null, staff_id: null, jurisdiction: null, activity: null };
  const staffById = new Map(staff.map((s) => [s.id, s]));
  const entityCountryOf = (entity: string) =>
    ({ 'E-BJ': 'CN', 'E-HK': 'HK', 'E-SG': 'SG', 'E-US': 'US' })[entity];
  const offshore = new Map<string, Period[]>();
  const hasProhibited = new Set<string>();
  const perAccount = new Map<string, Map<Period, Map<string, boolean>>>();

  for (const a of accounts) {
    const prohibited = prohibitedPeriods(a);
    perAccount.set(a.id, prohibited);
    if (prohibited.size > 0) hasProhibited.add(a.id);
    const logins = loginDates(a);
    const activities = new Set([...prohibited.values()].flatMap((m) => [...m.keys()]));
    for (const act of activities)
      for (const run of runs([...prohibited].filter(([, m]) => m.has(act)).map(([p]) => p)))
        out.push({
          ...base,
          code: 'prohibited-activity',
          account_id: a.id,
          jurisdiction: J,
          activity: act,
          period_from: run[0]!,
          period_to: run.at(-1)!,
          severity: run.some((p) => prohibited.get(p)!.get(act)) ? 'high' : 'medium',
        });

    const paper = [...prohibited]
      .filter(([p, acts]) => {
        const end = periodEnd(p);
        return (
          PLACES[last(a.addresses, end)!.place]!.country !== J &&
          [...acts.keys()].some((act) => substanceFor(act, a, end, logins))
        );
      })
      .map(([p]) => p);
    for (const run of runs(paper))
      out.push({
        ...base,
        code: 'paper-offshore-account',
        account_id: a.id,
        jurisdiction: J,
        period_from: run[0]!,
        period_to: run.at(-1)!,
        severity: 'high',
      });

    a.owners.slice(1).forEach((after, i) => {
      const before = a.owners[i]!;
      if (entityCountry(before.team) === entityCountry(after.team)) return;
      const from = addDays(after.from, -180);
      const recent = [...prohibited].filter(([p]) => periodStart(p) <= after.from && periodEnd(p) >= from);
      const next = addMonths(periodOf(after.from), 1);
      const acts = new Set(recent.flatMap(([, m]) => [...m.keys()]));
      if (recent.length && [...acts].some((act) => nexusFor(act, a, periodEnd(next), logins)))
        out.push({
          ...base,
          code: 'transfer-after-risk',
          account_id: a.id,
          jurisdiction: J,
          period_from: periodOf(after.from),
          period_to: periodOf(after.from),
          severity: 'high',
        });
    });

    for (const [p] of prohibited) {
      const owner = last(a.owners, periodEnd(p))!;
      const member = staffById.get(owner.staff)!;
      if (member.workCountry === J && entityCountryOf(member.entity) !== J)
        offshore.set(member.id, [...(offshore.get(member.id) ?? []), p]);
    }

    for (const r of a.requests) {
      if (r.decision !== 'rejected' || last(a.owners, r.decidedAt!)!.team !== r.from) continue;
      const after = [...prohibited.keys()]
        .filter((p) => periodEnd(p) > r.decidedAt! && last(a.owners, periodEnd(p))!.team === r.from)
        .sort();
      if (after.length)
        out.push({
          ...base,
          code: 'retained-after-rejection',
          account_id: a.id,
          jurisdiction: J,
          period_from: after[0]!,
          period_to: after.at(-1)!,
          severity: 'high',
        });
    }

    for (const s of a.selfCredited)
      out.push({
        ...base,
        code: 'self-credited-address-change',
        account_id: a.id,
        period_from: periodOf(s.date),
        period_to: periodOf(s.date),
        severity: s.high ? 'high' : 'medium',
      });
  }

  for (const [staffId, periods] of offshore) {
    const sorted = [...periods].sort();
    out.push({
      ...base,
      code: 'offshore-contract-onshore-work',
      staff_id: staffId,
      jurisdiction: J,
      period_from: sorted[0]!,
      period_to: sorted.at(-1)!,
      severity: 'high',
    });
  }

  for (const a of accounts) {
    const logins = loginDates(a);
    for (const n of a.notes) {
      if (!n.facilitates) continue;
      const month = n.at.slice(0, 7);
      if (
        !cnProhibits(n.facilitates, periodEnd(month)) ||
        !nexusFor(n.facilitates, a, periodEnd(month), logins)
      )
        continue;
      out.push({
        ...base,
        code: 'facilitation-note',
        account_id: a.id,
        jurisdiction: J,
        activity: n.facilitates,
        period_from: month,
        period_to: month,
        severity: hasProhibited.has(a.id) ? 'high' : 'medium',
      });
    }
    for (const d of a.deals) {
      if (d.pct <= 20) continue;
      const nearChange = a.selfCredited.some((s) => Math.abs(daysBetween(d.from, s.date)) <= 90);
      const high = d.agent !== null && (hasProhibited.has(a.id) || nearChange);
      out.push({
        ...base,
        code: 'discount-beyond-policy',
        account_id: a.id,
        period_from: periodOf(d.from),
        period_to: periodOf(d.from),
        severity: high ? 'high' : 'medium',
      });
    }
  }
  return out;
}
