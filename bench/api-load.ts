// Load on the workspace API over loopback only, bounded in time: the findings list and one finding, on an
// audited sample. Prints one JSON line. Usage: api-load.ts BUNDLE STORE
import { join } from 'node:path';
import autocannon from 'autocannon';
import { removeStore, Store } from '../src/store/store.ts';
import { auditBundle } from '../src/usecases/audit-bundle.ts';
import { buildServer } from '../src/workspace/api/server.ts';
import { addUser, createToken } from '../src/workspace/usecases/users.ts';

const [bundle, storePath] = process.argv.slice(2) as [string, string];
const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 10);
const WARM_UP_SECONDS = 3;
removeStore(storePath);
const store = await Store.open(storePath);
const run = await auditBundle(store, bundle, { outDir: join(`${storePath}.out`) });
const name = `bench-${Date.now()}`;
await addUser(store, { name, role: 'viewer', password: 'benchmark password' }, 'bench');
const { token } = await createToken(store, name, 'bench', 'bench');
const app = await buildServer(store);
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const id = run.result.findings[Math.floor(run.result.findings.length / 2)]!.id;

async function load(path: string) {
  // A warm-up at the same load first, reported apart (the first requests compile the queries and fill the caches:
  // with 10 connections the first round alone is 1 % of a 10 s run's requests, and set its p99).
  const options = { url: `${base}${path}`, connections: 10, headers: { authorization: `Bearer ${token}` } };
  const warm = await autocannon({ ...options, duration: WARM_UP_SECONDS });
  const r = await autocannon({ ...options, duration: SECONDS });
  return {
    path,
    warmUp: {
      seconds: WARM_UP_SECONDS,
      p99Ms: warm.latency.p99,
      maxMs: warm.latency.max,
      errors: warm.errors,
    },
    requestsPerSecond: Math.round(r.requests.average),
    p99Ms: r.latency.p99,
    errors: r.errors,
    non2xx: r.non2xx,
    requests: r.requests.total,
  };
}

const results = [
  await load('/api/findings?page_size=50&sort=revenue_at_stake'),
  await load(`/api/findings/${id}`),
];
// Autocannon stops the clock with requests still in flight: let them finish before the store closes.
await new Promise((resolve) => setTimeout(resolve, 1000));
await app.close();
store.close();
process.stdout.write(
  `${JSON.stringify({ findings: run.result.findings.length, seconds: SECONDS, connections: 10, results })}\n`,
);
