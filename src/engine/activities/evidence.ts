import { z } from 'zod';
import { addMonths, type Period, periodOf } from '../../contract/dates.ts';
import { type Evidence, rowKey } from '../../contract/finding.ts';
import type { Activity } from '../../contract/names.ts';
import { monthOfTimestamp } from '../facts.ts';
import type { NetworkSignal } from '../network/classify.ts';
import type { World } from '../world.ts';
import type { Recogniser, TermMatch } from './recognise.ts';

export const activitySettings = z.object({
  /** A CRM mention covers its own month and the months after it, this many in all. */
  crm_indicated_months: z.number().int().positive().default(12),
});

export type Strength = 'confirmed' | 'indicated';

/** Where a sighting comes from, which decides how a finding words it (findings.md §3a). */
export type SightingSource = 'declared' | 'broad-industry' | 'telemetry' | 'crm';

/** How each source is worded: what the evidence says, never more. */
export const SOURCE_WORDING: Record<SightingSource, string> = {
  declared: 'declared in its industry',
  'broad-industry': 'indicated by its broadly blockchain industry',
  telemetry: 'seen in network telemetry',
  crm: 'indicated by a CRM note',
};

/** A piece of evidence placing an account in an activity over a range of periods. */
export interface ActivitySighting {
  activity: Activity;
  strength: Strength;
  source: SightingSource;
  from: Period;
  to: Period;
  evidence: Evidence;
}

export interface ActivityInPeriod {
  strength: Strength;
  sightings: ActivitySighting[];
}

/** Where the account is placed in each activity, from declared industry and CRM text. */
export function activitySightings(
  world: World,
  recogniser: Recogniser,
  settings: z.infer<typeof activitySettings>,
): Map<string, ActivitySighting[]> {
  const out = new Map<string, ActivitySighting[]>();
  const add = (accountId: string, s: ActivitySighting) => {
    const list = out.get(accountId) ?? [];
    list.push(s);
    out.set(accountId, list);
  };
  const lastPeriod = periodOf(world.facts.asOf);

  // Accounts share a few declared industries: each one is read once.
  const industries = new Map<string, { named: TermMatch[]; broad: string | null }>();
  const industry = (text: string | null | undefined) => {
    const known = industries.get(text ?? '');
    if (known) return known;
    const named = recogniser.activities(text);
    const read = { named, broad: named.length === 0 ? recogniser.broadIndustry(text) : null };
    industries.set(text ?? '', read);
    return read;
  };
  for (const account of world.accounts.values()) {
    const { named, broad } = industry(account.declared_industry);
    if (named.length === 0 && !broad) continue;
    const from = periodOf(account.created_at);
    const to = account.closed_at ? periodOf(account.closed_at) : lastPeriod;
    const key = rowKey({ account_id: account.account_id });
    for (const { activity, term } of named)
      add(account.account_id, {
        activity,
        strength: 'confirmed',
        source: 'declared',
        from,
        to,
        evidence: {
          table: 'accounts',
          key,
          fact: `declared_industry "${account.declared_industry}" names ${activity} ("${term}")`,
        },
      });
    if (broad)
      add(account.account_id, {
        activity: 'crypto.node',
        strength: 'indicated',
        source: 'broad-industry',
        from,
        to,
        evidence: {
          table: 'accounts',
          key,
          fact: `declared_industry "${account.declared_industry}" is broadly blockchain ("${broad}")`,
        },
      });
  }

  for (const s of networkSightings(world.facts.networkSignals)) add(s.accountId, s.sighting);

  for (const crm of world.facts.tables.activities) {
    const month = monthOfTimestamp(crm.occurred_at);
    for (const { activity, quote } of recogniser.readRow(crm).assertions)
      add(crm.account_id, {
        activity,
        strength: 'indicated',
        source: 'crm',
        from: month,
        to: addMonths(month, settings.crm_indicated_months - 1),
        evidence: {
          table: 'activities',
          key: rowKey({ activity_id: crm.activity_id }),
          fact: `CRM ${crm.type} of ${crm.occurred_at} indicates ${activity}: "${quote}"`,
        },
      });
  }
  return out;
}

/** The activities an account performs in a period, the strongest evidence deciding the strength. */
export function activitiesInPeriod(
  sightings: ActivitySighting[] | undefined,
  period: Period,
): Map<Activity, ActivityInPeriod> {
  const out = new Map<Activity, ActivityInPeriod>();
  for (const s of sightings ?? []) {
    if (period < s.from || period > s.to) continue;
    const current = out.get(s.activity);
    if (!current) out.set(s.activity, { strength: s.strength, sightings: [s] });
    else {
      current.sightings.push(s);
      if (s.strength === 'confirmed') current.strength = 'confirmed';
    }
  }
  return out;
}

const ACTIVITY_OF_SIGNAL = { node: 'crypto.node', miner: 'crypto.mining' } as const;

/**
 * Node and miner signals of at least moderate strength confirm the activity from the first to the last month
 * they were seen. Weak signals (a port alone) and exchange-client traffic stay evidence only.
 */
function networkSightings(signals: NetworkSignal[]): { accountId: string; sighting: ActivitySighting }[] {
  const groups = new Map<string, NetworkSignal[]>();
  for (const s of signals) {
    if (s.signal === 'exchange-client' || s.strength === 'weak') continue;
    const key = `${s.account_id}\u0000${s.signal}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups.values()].map((list) => {
    const periods = list.map((s) => s.period).sort();
    const first = list[0]!;
    return {
      accountId: first.account_id,
      sighting: {
        activity: ACTIVITY_OF_SIGNAL[first.signal as 'node' | 'miner'],
        strength: 'confirmed' as const,
        source: 'telemetry' as const,
        from: periods[0]!,
        to: periods[periods.length - 1]!,
        evidence: {
          table: 'telemetry',
          key: `account_id=${first.account_id}, signal=${first.signal}`,
          fact: `${first.signal} traffic seen ${periods[0]}…${periods[periods.length - 1]} in ${list.length} month(s): ${[...new Set(list.flatMap((s) => s.rests_on))].slice(0, 3).join('; ')}`,
        },
      },
    };
  });
}
