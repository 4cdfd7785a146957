// Worker thread entry: loads the TypeScript job runner through the same loader as the CLI.
// Posts { ok: true } once loaded. Messages: { job, index } classifies one job into this worker's classifier;
// { finish: true } returns its state.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { WorkerClassifier } = await import('./telemetry-jobs.ts');
const { transferables } = await import('../engine/network/accumulator.ts');
const worker = new WorkerClassifier();
parentPort.postMessage({ ok: true });
parentPort.on('message', async (message) => {
  try {
    const result = message.finish ? worker.finish() : await worker.run(message.job, message.index);
    // A finished state's typed arrays are handed over, not copied.
    parentPort.postMessage({ ok: true, result }, message.finish && result ? transferables(result) : []);
  } catch (e) {
    parentPort.postMessage({
      ok: false,
      error: { name: e?.name, message: e?.message, file: e?.file, line: e?.line },
    });
  }
});
