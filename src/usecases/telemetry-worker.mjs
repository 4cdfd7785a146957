// Worker thread entry: loads the TypeScript job runner through the same loader as the CLI.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runFlowJob } = await import('./telemetry-jobs.ts');
parentPort.on('message', async (job) => {
  try {
    parentPort.postMessage({ ok: true, result: await runFlowJob(job) });
  } catch (e) {
    parentPort.postMessage({
      ok: false,
      error: { name: e?.name, message: e?.message, file: e?.file, line: e?.line },
    });
  }
});
