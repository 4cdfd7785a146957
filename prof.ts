import { rmSync } from 'node:fs';
import { Store } from './src/store/store.ts';
import { auditBundle } from './src/usecases/audit-bundle.ts';

rmSync('/tmp/prof', { recursive: true, force: true });
const store = await Store.open('/tmp/prof/d.duckdb');
const t0 = performance.now();
let last = t0;
await auditBundle(store, process.argv[2]!, {
  outDir: '/tmp/prof/out',
  onStep: (s) => {
    const now = performance.now();
    console.log(((now - last) / 1000).toFixed(2), 'before', s);
    last = now;
  },
});
console.log(
  ((performance.now() - last) / 1000).toFixed(2),
  'writing',
  'total',
  ((performance.now() - t0) / 1000).toFixed(2),
);
