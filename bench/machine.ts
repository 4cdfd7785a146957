// How two threads share this machine, to read the second-thread figures against: the same work alone on one thread,
// then on two threads at once, for pure arithmetic and for memory (each thread reads and writes its own 32 MB array,
// a cache line a step).
// ratio = time alone / time together (1: the second thread cost the first nothing). Prints one JSON line.
import { Worker } from 'node:worker_threads';

const THREAD = `
const { parentPort } = require('node:worker_threads');
const work = {
  compute: () => { let x = 0; for (let i = 0; i < 2e8; i++) x = (x * 31 + i) | 0; return x; },
  memory: () => {
    let s = 0;
    for (let r = 0; r < 30; r++) for (let i = 0; i < array.length; i += 8) s += array[i]++;
    return s;
  },
};
// Filled, so every page is the thread's own (an untouched array reads the kernel's one zero page).
const array = new Float64Array(1 << 22).fill(1);
parentPort.on('message', (kind) => {
  const t = performance.now();
  work[kind]();
  parentPort.postMessage(performance.now() - t);
});`;

const timed = (w: Worker, kind: string) =>
  new Promise<number>((resolve) => {
    w.once('message', resolve);
    w.postMessage(kind);
  });

const out: Record<string, unknown> = {};
for (const kind of ['compute', 'memory']) {
  const [a, b] = [new Worker(THREAD, { eval: true }), new Worker(THREAD, { eval: true })];
  await Promise.all([timed(a, kind), timed(b, kind)]); // compiled and warm
  let alone = Number.POSITIVE_INFINITY;
  let together = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    alone = Math.min(alone, await timed(a, kind));
    together = Math.min(together, Math.max(...(await Promise.all([timed(a, kind), timed(b, kind)]))));
  }
  out[kind] = {
    aloneMs: Math.round(alone),
    togetherMs: Math.round(together),
    ratio: +(alone / together).toFixed(2),
  };
  await Promise.all([a.terminate(), b.terminate()]);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
