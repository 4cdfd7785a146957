// Worker thread entry for sha256FilesOffThread: the SHA-256 of each file in workerData.paths, posted back in order
// (or the error).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

try {
  const hashes = [];
  for (const path of workerData.paths) {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk);
    hashes.push(hash.digest('hex'));
  }
  parentPort.postMessage({ ok: true, hashes });
} catch (e) {
  parentPort.postMessage({ ok: false, error: e?.message ?? String(e) });
}
