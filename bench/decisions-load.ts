// The decision gate under a steady load on loopback: POST /api/decisions at a fixed rate for a fixed time, each
// request a different proposal (address changes, transfers and deals on accounts across the sample), the server in
// a process of its own (decisions-server.ts). Prints one JSON line: latency percentiles, errors, the server's
// memory over the run. Usage: decisions-load.ts BUNDLE STORE (BENCH_DECISIONS_RATE=200, BENCH_DECISIONS_SECONDS=30)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import type { ProposalInput } from '../src/contract/decision.ts';

const [bundle, storePath] = process.argv.slice(2) as [string, string];
const RATE = Number(process.env.BENCH_DECISIONS_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_DECISIONS_SECONDS ?? 30);
const server = spawn(process.execPath, [...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ') ?? []), 'bin/run-ts.mjs', 'bench/decisions-server.ts', bundle, storePath], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
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
const rss: number[] = [];
const sampler = setInterval(() => rss.push(rssOf()), 1000);
let n = 0;
const decisions: Record<string, number> = {};
const r = await autocannon({
  url: `${base}/api/decisions`,
  connections: 20,
  overallRate: RATE,
  duration: SECONDS,
  requests: [
    {
      method: 'POST',
      setupRequest: (req) => {
        n++;
        return {
          ...req,
          headers: { ...headers, 'idempotency-key': `bench-${n}` },
          body: JSON.stringify(proposal(n)),
        };
      },
      onResponse: (status, body) => {
        if (status === 200) {
          const d = JSON.parse(body).decision as string;
          decisions[d] = (decisions[d] ?? 0) + 1;
        }
      },
    },
  ],
});
clearInterval(sampler);
await new Promise((resolve) => setTimeout(resolve, 1000));
server.kill('SIGTERM');
const { stored, ledgerVerified } = (await next()) as { stored: number; ledgerVerified: boolean };
const mb = (b: number) => Math.round(b / 2 ** 20);
const third = Math.max(1, Math.floor(rss.length / 3));
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
process.stdout.write(
  `${JSON.stringify({
    accounts: accounts.length,
    rate: RATE,
    seconds: SECONDS,
    connections: 20,
    requests: r.requests.total,
    requestsPerSecond: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p90Ms: r.latency.p90,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    decisions,
    storedDecisions: stored,
    ledgerVerified,
    serverRssFirstThirdMB: mb(avg(rss.slice(0, third))),
    serverRssLastThirdMB: mb(avg(rss.slice(-third))),
    serverRssGrowthPct: +((avg(rss.slice(-third)) / avg(rss.slice(0, third)) - 1) * 100).toFixed(1),
  })}\n`,
);
