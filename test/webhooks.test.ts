import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DeliveryAttempt, SIGNATURE_HEADER, verifyWebhook } from '../src/contract/webhook.ts';
import { Store } from '../src/store/store.ts';
import { auditBundle } from '../src/usecases/audit-bundle.ts';
import { WebhookDispatcher } from '../src/usecases/webhooks.ts';
import { buildServer } from '../src/workspace/api/server.ts';
import { addUser, createToken } from '../src/workspace/usecases/users.ts';
import { sampleS, tempDir } from './support/bundles.ts';

interface Received {
  path: string;
  eventId: string;
  attempt: number;
  signature: string;
  body: string;
  answered: 'fail' | 'hang' | 'ok';
}

/** A receiver on loopback that answers each event first with 500, then not at all, then 200. */
function flakyReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const seen = new Map<string, number>();
  const server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const eventId = String(req.headers['daylight-event-id']);
    const n = (seen.get(eventId) ?? 0) + 1;
    seen.set(eventId, n);
    const answered = req.url === '/steady' || n >= 3 ? 'ok' : n === 1 ? 'fail' : 'hang';
    received.push({
      path: req.url!,
      eventId,
      attempt: Number(req.headers['daylight-attempt']),
      signature: String(req.headers[SIGNATURE_HEADER]),
      body,
      answered,
    });
    if (answered === 'fail') res.writeHead(500).end('down');
    else if (answered === 'ok') res.writeHead(204).end();
    // 'hang': no answer; the dispatcher's timeout ends it.
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received }),
    ),
  );
}

const DELIVERY = { intervalMs: 40, timeoutMs: 300, backoffMs: 100, maxAttempts: 5 };

describe('webhooks', () => {
  let root = '';
  let store: Store;
  let app: FastifyInstance;
  let receiver: Awaited<ReturnType<typeof flakyReceiver>>;
  let admin: Record<string, string>;
  let findingId = '';

  beforeAll(async () => {
    root = tempDir('daylight-webhooks-');
    store = await Store.open(join(root, 'd.duckdb'));
    const run = await auditBundle(store, await sampleS(), { outDir: join(root, 'out') });
    findingId = run.result.findings.find((f) => f.severity === 'medium')!.id;
    await addUser(store, { name: 'ada', role: 'admin', password: 'a long passphrase 12' }, 'test');
    admin = { authorization: `Bearer ${(await createToken(store, 'ada', 'test', 'test')).token}` };
    receiver = await flakyReceiver();
    app = await buildServer(store, { outDir: join(root, 'api-out'), webhooks: DELIVERY });
  });
  afterAll(async () => {
    await app?.close();
    receiver?.server.closeAllConnections();
    receiver?.server.close();
    store?.close();
  });

  const addHook = async (path: string, events: string[]) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: admin,
      payload: { url: `${receiver.url}${path}`, events },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { endpoint: { id: string }; secret: string };
  };
  const log = async (): Promise<DeliveryAttempt[]> =>
    (await app.inject({ method: 'GET', url: '/api/webhooks/deliveries', headers: admin })).json();

  it('delivers a case change through a failure and a timeout, signed, once, with growing waits', async () => {
    const flaky = await addHook('/flaky', ['case.changed']);
    const steady = await addHook('/steady', ['decision.made']);
    expect(flaky.secret).not.toBe(steady.secret);
    const change = await app.inject({
      method: 'PATCH',
      url: `/api/findings/${findingId}/case`,
      headers: admin,
      payload: { status: 'investigating', why: 'webhook test' },
    });
    expect(change.statusCode, change.body).toBe(200);

    const attempts = await vi.waitFor(
      async () => {
        const mine = (await log()).filter((a) => a.endpoint_id === flaky.endpoint.id).reverse();
        expect(mine.map((a) => a.outcome)).toEqual(['retrying', 'retrying', 'delivered']);
        return mine;
      },
      { timeout: 5000, interval: 50 },
    );
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(attempts[0]).toMatchObject({ event: 'case.changed', http_status: 500, error: 'answered 500' });
    expect(attempts[1]).toMatchObject({ http_status: null, error: 'no answer within 300 ms' });
    expect(attempts[2]).toMatchObject({ http_status: 204, error: null, next_at: null });
    // Exponential backoff: each retry waits at least twice as long as the one before.
    const gap = (i: number) =>
      Date.parse(attempts[i + 1]!.attempted_at) - Date.parse(attempts[i]!.attempted_at);
    expect(gap(0)).toBeGreaterThanOrEqual(100);
    expect(gap(1)).toBeGreaterThanOrEqual(200);

    const deliveries = receiver.received.filter((r) => r.path === '/flaky');
    expect(deliveries.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(new Set(deliveries.map((r) => r.eventId)).size).toBe(1);
    expect(deliveries.filter((r) => r.answered === 'ok')).toHaveLength(1);
    const last = deliveries[2]!;
    const payload = JSON.parse(last.body);
    expect(payload).toMatchObject({
      id: last.eventId,
      event: 'case.changed',
      data: { finding_id: findingId, by: 'ada', after: { status: 'investigating' } },
    });
    // The signature holds under the endpoint's own secret only, and an old delivery replayed is refused.
    const now = Math.floor(Date.now() / 1000);
    expect(verifyWebhook(flaky.secret, last.signature, last.body, now)).toEqual({ ok: true });
    expect(verifyWebhook(steady.secret, last.signature, last.body, now)).toMatchObject({ ok: false });
    expect(verifyWebhook(flaky.secret, last.signature, last.body.replace('ada', 'eve'), now)).toMatchObject({
      ok: false,
      why: 'signature does not match',
    });
    expect(verifyWebhook(flaky.secret, last.signature, last.body, now + 3600)).toMatchObject({
      ok: false,
      why: 'timestamp outside the tolerance',
    });
    // The endpoint for decisions heard nothing of the case.
    expect(receiver.received.filter((r) => r.path === '/steady')).toEqual([]);
  });

  it('gives up after the last attempt, and keeps the ledger whole', async () => {
    const hook = await app.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: admin,
      payload: { url: 'http://127.0.0.1:9/closed-port', events: ['case.changed'] },
    });
    const id = hook.json().endpoint.id as string;
    await app.inject({
      method: 'POST',
      url: `/api/findings/${findingId}/comments`,
      headers: admin,
      payload: { text: 'for the dead endpoint' },
    });
    const attempts = await vi.waitFor(
      async () => {
        const mine = (await log()).filter((a) => a.endpoint_id === id);
        expect(mine[0]?.outcome).toBe('failed');
        return mine;
      },
      { timeout: 8000, interval: 50 },
    );
    expect(attempts).toHaveLength(DELIVERY.maxAttempts);
    expect(attempts.slice(1).every((a) => a.outcome === 'retrying')).toBe(true);
    expect((await store.verifyLedger()).ok).toBe(true);
  });

  it('loses no event to a crash: what is in the outbox is delivered by the next dispatcher', async () => {
    const dir = tempDir('daylight-outbox-');
    const path = join(dir, 'd.duckdb');
    let other = await Store.open(path);
    await auditBundle(other, await sampleS(), { outDir: join(dir, 'out') });
    await addUser(other, { name: 'ada', role: 'admin', password: 'a long passphrase 12' }, 'test');
    const token = { authorization: `Bearer ${(await createToken(other, 'ada', 'test', 'test')).token}` };
    // A server that never delivers (it "crashes" before its first pass) takes an endpoint and a decision.
    const down = await buildServer(other, { webhooks: false });
    const hook = await down.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: token,
      payload: { url: `${receiver.url}/steady`, events: ['decision.made'] },
    });
    const secret = hook.json().secret as string;
    const decided = await down.inject({
      method: 'POST',
      url: '/api/decisions',
      headers: token,
      payload: {
        kind: 'transfer',
        account_id: 'A0000001',
        by: 'BJ-001',
        at: '2023-01-05',
        to_team_id: 'T-SH',
        to_owner_staff_id: 'SH-001',
      },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    await down.close();
    other.close();

    other = await Store.open(path);
    expect((await other.webhooks.outbox()).map((e) => e.event)).toContain('decision.made');
    const dispatcher = new WebhookDispatcher(other, DELIVERY);
    expect(await dispatcher.runOnce()).toBe(1);
    const got = receiver.received.filter((r) => r.path === '/steady');
    expect(got).toHaveLength(1);
    expect(JSON.parse(got[0]!.body)).toMatchObject({
      event: 'decision.made',
      data: { id: decided.json().id, decision: decided.json().decision },
    });
    expect(verifyWebhook(secret, got[0]!.signature, got[0]!.body, Math.floor(Date.now() / 1000)).ok).toBe(
      true,
    );
    expect(await dispatcher.runOnce()).toBe(0);
    await dispatcher.stop();
    other.close();
  });
});
