// The workspace server for decisions-load.ts, in a process of its own so the load generator does not share its
// thread: audits the bundle into a fresh store, adds a decider token, listens on loopback and prints
// {"base","token","asOf"} as one line; stops on SIGTERM. Usage: decisions-server.ts BUNDLE STORE
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { removeStore, Store } from '../src/store/store.ts';
import { auditBundle } from '../src/usecases/audit-bundle.ts';
import { buildServer } from '../src/workspace/api/server.ts';
import { addUser, createToken } from '../src/workspace/usecases/users.ts';

const [bundle, storePath] = process.argv.slice(2) as [string, string];
removeStore(storePath);
const store = await Store.open(storePath);
const run = await auditBundle(store, bundle, { outDir: `${storePath}.out` });
await addUser(store, { name: 'crm', role: 'decider', password: 'benchmark password' }, 'bench');
const { token } = await createToken(store, 'crm', 'bench', 'bench');
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
const app = await buildServer(store);
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const { tables, asOf } = run.result.context.world.facts;
process.stdout.write(
  `${JSON.stringify({
    base,
    token,
    asOf,
    accounts: tables.accounts.map((a) => a.account_id),
    staff: tables.staff.map((s) => ({ id: s.staff_id, team: s.team_id })),
  })}\n`,
);
process.on('SIGTERM', async () => {
  loop.disable();
  await app.close();
  const stored = (await store.decisions.recent(10_000_000)).length;
  const ledger = await store.verifyLedger();
  store.close();
  process.stdout.write(
    `${JSON.stringify({
      stored,
      ledgerVerified: ledger.ok,
      eventLoopDelayMs: {
        p50: loop.percentile(50) / 1e6,
        p99: loop.percentile(99) / 1e6,
        max: loop.max / 1e6,
      },
    })}\n`,
  );
  process.exit(0);
});
