import { describe, expect, it } from 'vitest';
import type { Finding } from '../../contract/finding.ts';
import { MemoryCasesRepository } from '../../store/cases.ts';
import { Ledger, MemoryLedgerRepository, verifyLedger } from '../../store/ledger.ts';
import { MemoryOutbox } from '../../store/webhooks.ts';
import { caseOf, casesOf, changeCase, commentCase } from './cases.ts';

/** The case use cases over in-memory stores: what they decide does not depend on DuckDB. */
function memoryStores() {
  const ledgerRepository = new MemoryLedgerRepository();
  const cases = new MemoryCasesRepository();
  const outbox = new MemoryOutbox();
  return {
    cases,
    outbox,
    ledger: new Ledger(ledgerRepository),
    ledgerRepository,
    // All or nothing, like the store: a failure inside leaves the cases and the ledger as they were.
    async transaction<T>(work: () => Promise<T>): Promise<T> {
      const states = new Map(cases.states);
      const notes = [...cases.notes];
      const entries = [...ledgerRepository.entries];
      const events = [...outbox.events];
      try {
        return await work();
      } catch (e) {
        cases.states.clear();
        for (const [k, v] of states) cases.states.set(k, v);
        cases.notes.splice(0, cases.notes.length, ...notes);
        ledgerRepository.entries.splice(0, ledgerRepository.entries.length, ...entries);
        outbox.events.splice(0, outbox.events.length, ...events);
        throw e;
      }
    },
  };
}

const finding = (id: string): Finding => ({
  id,
  code: 'prohibited-activity',
  severity: 'high',
  account_id: 'A1',
  staff_id: null,
  jurisdiction: 'CN',
  activity: 'crypto.exchange',
  basis: null,
  region_id: null,
  period_from: '2022-01',
  period_to: '2022-03',
  revenue_at_stake: '10.00',
  summary: '',
  evidence: [],
  settings: {},
});

describe('case triage (in-memory stores)', () => {
  it('moves a case through its statuses, says why in the ledger, and refuses a move that is not allowed', async () => {
    const stores = memoryStores();
    expect(await caseOf(stores, 'pa-1')).toMatchObject({ status: 'open', updated_by: null });
    await changeCase(stores, 'pa-1', { status: 'investigating', assignee: 'ana', why: 'looks real' }, 'ana');
    await expect(changeCase(stores, 'pa-1', { status: 'closed', why: 'done' }, 'ana')).rejects.toThrow(
      /resolution/,
    );
    await changeCase(stores, 'pa-1', { status: 'closed', resolution: 'confirmed', why: 'agreed' }, 'bo');
    await expect(
      changeCase(stores, 'pa-1', { status: 'snoozed', snoozed_until: '2023-01-01', why: 'later' }, 'bo'),
    ).rejects.toThrow('a closed case cannot become snoozed');
    await commentCase(stores, 'pa-1', 'signed off by compliance', 'bo');
    expect(await caseOf(stores, 'pa-1')).toMatchObject({
      status: 'closed',
      resolution: 'confirmed',
      assignee: 'ana',
      updated_by: 'bo',
    });
    const entries = await stores.ledger.entries();
    expect(entries.map((e) => e.body)).toEqual([
      expect.objectContaining({ before: expect.objectContaining({ status: 'open' }), why: 'looks real' }),
      expect.objectContaining({
        after: expect.objectContaining({ status: 'closed', resolution: 'confirmed' }),
      }),
      {
        finding_id: 'pa-1',
        comment: expect.objectContaining({ author: 'bo', text: 'signed off by compliance' }),
      },
    ]);
    const none = async () => new Map();
    const held = {
      snapshots: none,
      tableDigests: async () => ({}),
      readings: none,
      runs: none,
      cases: async () => new Map(stores.cases.states),
      comments: async () => stores.cases.notes,
      users: none,
      tokens: none,
      sessions: none,
      decisions: none,
      replays: none,
      webhooks: none,
    };
    expect(await verifyLedger(stores.ledgerRepository, held)).toMatchObject({ ok: true, entries: 3 });
    // The same ledger against a case changed behind its back.
    stores.cases.states.set('pa-1', { ...stores.cases.states.get('pa-1')!, resolution: 'dismissed' });
    expect(await verifyLedger(stores.ledgerRepository, held)).toMatchObject({
      ok: false,
      broken: { seq: 2, reason: 'case pa-1 differs from what entry 2 recorded' },
    });
  });

  it('stores neither the case, its ledger entry nor its webhook event when the ledger write fails', async () => {
    const stores = memoryStores();
    await changeCase(stores, 'pa-1', { status: 'investigating', why: 'look' }, 'ana');
    expect(stores.outbox.events.map((e) => [e.event, e.payload.finding_id, e.payload.by])).toEqual([
      ['case.changed', 'pa-1', 'ana'],
    ]);
    stores.ledgerRepository.insert = async () => {
      throw new Error('disk full');
    };
    await expect(changeCase(stores, 'pa-2', { status: 'investigating', why: 'try' }, 'ana')).rejects.toThrow(
      'disk full',
    );
    expect(await stores.cases.get('pa-2')).toBeNull();
    expect(stores.outbox.events).toHaveLength(1);
  });

  it('lists the newest run with its cases in one read, and cases whose finding disappeared', async () => {
    const stores = memoryStores();
    await changeCase(stores, 'gone', { status: 'investigating', why: 'was real' }, 'ana');
    await changeCase(stores, 'pa-3', { status: 'investigating', why: 'look' }, 'ana');
    let reads = 0;
    const all = stores.cases.all.bind(stores.cases);
    stores.cases.all = async () => {
      reads++;
      return all();
    };
    stores.cases.get = async () => {
      throw new Error('one query per finding');
    };
    const rows = await casesOf(stores, [finding('pa-3'), finding('pa-4')]);
    expect(reads).toBe(1);
    expect(rows.map((r) => [r.finding_id, r.status, r.disappeared])).toEqual([
      ['pa-3', 'investigating', false],
      ['pa-4', 'open', false],
      ['gone', 'investigating', true],
    ]);
  });
});
