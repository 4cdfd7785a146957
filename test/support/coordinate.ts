// A coordinator in a process of its own (to be killed): the flow logs of BUNDLE on the cluster at URLS, with the
// tables of TABLES_BUNDLE (so the coordinator itself never reads BUNDLE's flow-log files). Usage:
// coordinate.ts BUNDLE TABLES_BUNDLE URLS JOB_FILES ACK_WAIT_MS
import { loadBundle } from '../../src/ingest/bundle.ts';
import { bundleTelemetry, indicatorsFor } from '../../src/usecases/telemetry.ts';

const [dir, plain, urls, jobFiles, ackWait] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const { tables } = await loadBundle(plain, { only: ['accounts', 'ip_allocations', 'public_nodes'] });
const read = await bundleTelemetry(dir, tables, {
  indicators: indicatorsFor(dir).indicators,
  cluster: { servers: urls.split(','), jobFiles: Number(jobFiles), ackWaitMs: Number(ackWait) },
});
process.stdout.write(`${JSON.stringify(read.cluster)}\n`);
