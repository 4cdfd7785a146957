import { readFileSync, rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { Store } from '../src/store/store.ts';

const file = '/tmp/h4.duckdb';
rmSync(file, { force: true });
rmSync(`${file}.wal`, { force: true });
(await Store.open(file)).close();
const sql = readFileSync('/tmp/inv-x10.sql', 'utf8')
  .trim()
  .replaceAll('$id', "'snap'")
  .replaceAll('$bad', "'bad'");
const db = await DuckDBInstance.create(file, { memory_limit: process.env.LIMIT ?? '256MB' });
const c1 = await db.connect();
const c2 = await db.connect();
for (const s of (process.env.SETUP ?? 'SET preserve_insertion_order=false').split(';').filter(Boolean))
  await c1.run(s);
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
let peak = 0;
let peakTracked = 0;
let polling = true;
const poll = (async () => {
  while (polling) {
    const r = await c2.runAndReadAll(
      "SELECT (sum(memory_usage_bytes) / 1048576)::INTEGER AS mb, string_agg(tag || '=' || (memory_usage_bytes // 1048576)::VARCHAR, ' ') FILTER (WHERE memory_usage_bytes > 8e6) AS tags FROM duckdb_memory()",
    );
    const [mb, tags] = r.getRows()[0] as [number, string];
    const now = rss();
    if (now > peak + 15)
      console.log(`${(performance.now() / 1000).toFixed(1)} rss ${now.toFixed(0)} tracked ${mb} ${tags}`);
    peak = Math.max(peak, now);
    peakTracked = Math.max(peakTracked, mb);
    await new Promise((r) => setTimeout(r, 200));
  }
})();
const t = performance.now();
await c1.run(sql);
console.log('insert', ((performance.now() - t) / 1000).toFixed(2), 's');
await c1.run('CHECKPOINT');
polling = false;
await poll;
console.log('peak rss', peak.toFixed(0), 'peak tracked', peakTracked, 'final rss', rss().toFixed(0));
