// Worker thread entry: loads the TypeScript job runner through the same loader as the CLI.
// Posts { ok: true } once loaded. A message { jobs, next } (next: a SharedArrayBuffer counter) makes this thread
// take jobs until none is left; it answers with its counts and its packed state.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { workerShare } = await import('./telemetry-jobs.ts');
const { transferables } = await import('../engine/network/accumulator.ts');
parentPort.postMessage({ ok: true });
parentPort.on('message', async ({ jobs, next }) => {
  try {
    const result = await workerShare(jobs, new Int32Array(next));
    // The state's typed arrays are handed over, not copied.
    parentPort.postMessage({ ok: true, result }, result.state ? transferables(result.state) : []);
  } catch (e) {
    parentPort.postMessage({
      ok: false,
      error: { name: e?.name, message: e?.message, file: e?.file, line: e?.line },
    });
  }
});
