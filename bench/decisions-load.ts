// The decision gate under a steady load on loopback: POST /api/decisions at a fixed rate for a fixed time, each
// request a different proposal (address changes, transfers and deals on accounts across the sample), open loop
// after a 3 s warm-up at the same rate, the server in
// a process of its own (decisions-server.ts). Prints one JSON line: latency percentiles, errors, the server's
// memory over the run. Usage: decisions-load.ts BUNDLE STORE (BENCH_DECISIONS_RATE=200, BENCH_DECISIONS_SECONDS=30)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import type { ProposalInput } from '../src/contract/decision.ts';

const [bundle, storePath] = process.argv.slice(2) as [string, string];
const RATE = Number(process.env.BENCH_DECISIONS_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_DECISIONS_SECONDS ?? 30);
const WARM_UP_SECONDS = 3;
const server = spawn(
  process.execPath,
  [
    ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ') ?? []),
    'bin/run-ts.mjs',
    'bench/decisions-server.ts',
    bundle,
    storePath,
  ],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const lines = createInterface({ input: server.stdout! })[Symbol.asyncIterator]();
// The server's answers are the lines that are JSON objects (node's own diagnostics may come between them).
const next = async (): Promise<unknown> => {
  for (;;) {
    const line = (await lines.next()).value as string;
    if (line.startsWith('{')) return JSON.parse(line);
    if (process.env.BENCH_SERVER_NODE_ARGS) process.stderr.write(`${line}\n`);
  }
};
const { base, token, asOf, accounts, staff } = (await next()) as {
  base: string;
  token: string;
  asOf: string;
  accounts: string[];
  staff: { id: string; team: string }[];
};

// Proposals on accounts across the sample, the day after the export: a third each of address changes into a
// mainland territory, transfers to another team's member, and deals through an agent.
const at = new Date(Date.parse(`${asOf}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const proposal = (i: number): ProposalInput => {
  const account_id = accounts[(i * 7919) % accounts.length]!;
  const by = staff[i % staff.length]!.id;
  if (i % 3 === 0)
    return { kind: 'address-change', account_id, by, at, address: { country: 'CN', postal_code: '100001' } };
  if (i % 3 === 1) {
    const to = staff[(i * 31) % staff.length]!;
    return { kind: 'transfer', account_id, by, at, to_team_id: to.team, to_owner_staff_id: to.id };
  }
  return {
    kind: 'discount',
    account_id,
    by,
    at,
    deal: { deal_id: `BENCH-${i}`, discount_pct: 25, agent_id: 'AG-01' },
  };
};
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const post = (path: string, h: Record<string, string>, body: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${base}${path}`, { method: 'POST', headers: h, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });

/**
 * An open-loop load: request i is due at i / rate seconds whatever the answers before it, and its latency counts
 * from when it was due (a server that falls behind shows it, not hides it).
 */
async function openLoop(rate: number, seconds: number, send: (i: number) => Promise<number>, first = 0) {
  const total = rate * seconds;
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const n = first + i;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      send(n).then(
        (status) => {
          latencies.push(performance.now() - due);
          if (status < 200 || status >= 300) non2xx++;
        },
        () => {
          errors++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    +latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2);
  return {
    requests: total,
    requestsPerSecond: Math.round(total / elapsed),
    p50Ms: at(0.5),
    p90Ms: at(0.9),
    p99Ms: at(0.99),
    maxMs: +latencies.at(-1)!.toFixed(2),
    errors,
    non2xx,
  };
}

const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
// The gate loads the snapshot's facts on its first question: ask before the clock starts.
const warm = await fetch(`${base}/api/decisions`, {
  method: 'POST',
  headers,
  body: JSON.stringify(proposal(0)),
});
if (!warm.ok) throw new Error(`warm-up: ${warm.status} ${await warm.text()}`);

const rssOf = () =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))![1]) * 1024;
const decisions: Record<string, number> = {};
const ask = async (i: number) => {
  const res = await post(
    '/api/decisions',
    { ...headers, 'idempotency-key': `bench-${i}` },
    JSON.stringify(proposal(i + 1)),
  );
  if (res.status === 200) {
    const d = JSON.parse(res.body).decision as string;
    decisions[d] = (decisions[d] ?? 0) + 1;
  }
  return res.status;
};
// Warm-up at the same rate (the first requests compile the code paths and open the connections), reported apart.
const warmUp = await openLoop(RATE, WARM_UP_SECONDS, ask);
for (const k of Object.keys(decisions)) delete decisions[k];
const rss: number[] = [];
const sampler = setInterval(() => rss.push(rssOf()), 1000);
const r = await openLoop(RATE, SECONDS, ask, RATE * WARM_UP_SECONDS);
clearInterval(sampler);
await new Promise((resolve) => setTimeout(resolve, 1000));
server.kill('SIGTERM');
const { stored, ledgerVerified, eventLoopDelayMs } = (await next()) as {
  stored: number;
  ledgerVerified: boolean;
  eventLoopDelayMs: Record<string, number>;
};
const mb = (b: number) => Math.round(b / 2 ** 20);
const third = Math.max(1, Math.floor(rss.length / 3));
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
process.stdout.write(
  `${JSON.stringify({
    accounts: accounts.length,
    rate: RATE,
    seconds: SECONDS,
    ...r,
    warmUp: { seconds: WARM_UP_SECONDS, p99Ms: warmUp.p99Ms, maxMs: warmUp.maxMs, errors: warmUp.errors },
    decisions,
    storedDecisions: stored,
    ledgerVerified,
    serverEventLoopDelayMs: eventLoopDelayMs,
    serverRssFirstThirdMB: mb(avg(rss.slice(0, third))),
    serverRssLastThirdMB: mb(avg(rss.slice(-third))),
    serverRssGrowthPct: +((avg(rss.slice(-third)) / avg(rss.slice(0, third)) - 1) * 100).toFixed(1),
  })}\n`,
);
