// One audit in a fresh process, so its peak memory is its own. Prints one JSON line.
import { removeStore, Store } from '../src/store/store.ts';
import { auditBundle } from '../src/usecases/audit-bundle.ts';

const [bundle, storePath, outDir] = process.argv.slice(2) as [string, string, string];
removeStore(storePath);
const phases: Record<string, number> = {};
const started = performance.now();
let last = started;
let current = 'start';
let heapPeak = 0;
const store = await Store.open(storePath);
const run = await auditBundle(store, bundle, {
  outDir,
  onStep: (step) => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    const now = performance.now();
    phases[current] = (phases[current] ?? 0) + (now - last) / 1000;
    current = step.startsWith('finding ') ? 'findings' : step;
    last = now;
  },
});
phases[current] = (phases[current] ?? 0) + (performance.now() - last) / 1000;
store.close();
const rows = run.result.context.world.facts.invoiceTotals.rowCount();
process.stdout.write(
  `${JSON.stringify({
    seconds: (performance.now() - started) / 1000,
    phases,
    invoiceRows: rows,
    accounts: run.result.context.world.accounts.size,
    findings: run.result.findings.length,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    /** The JavaScript heap at the steps' ends: what the engine holds (DuckDB's memory is apart, see the limit). */
    heapPeakMB: Math.round(heapPeak / 2 ** 20),
  })}\n`,
);
