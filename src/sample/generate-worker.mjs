// Worker thread entry for `daylight sample`: loads the generator through the same loader as the CLI, writes the
// sample described by workerData, and posts its summary (or the error).
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { generateSample } = await import('./generate.ts');
try {
  const summary = await generateSample(workerData.size, workerData.seed, workerData.dir);
  parentPort.postMessage({ ok: true, summary });
} catch (e) {
  parentPort.postMessage({ ok: false, error: e?.message ?? String(e) });
}
