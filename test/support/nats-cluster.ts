import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { tempDir } from './bundles.ts';

export const NATS_SERVER = process.env.NATS_SERVER ?? '/usr/sbin/nats-server';
export const haveNats = existsSync(NATS_SERVER);

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export interface NatsCluster {
  urls: string[];
  /** The node names, in the order of `urls`. */
  names: string[];
  kill(i: number, signal?: NodeJS.Signals): void;
  /** The node that leads the stream (its index in `urls`). */
  leaderOf(stream: string): Promise<number>;
  stop(): Promise<void>;
}

/** A JetStream cluster of `size` nats-server processes on loopback ports, each with its own store folder. */
export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  const dir = tempDir('daylight-nats-');
  const ports = await Promise.all(Array.from({ length: size }, freePort));
  const routes = await Promise.all(Array.from({ length: size }, freePort));
  const monitor = await Promise.all(Array.from({ length: size }, freePort));
  const names = ports.map((_, i) => `n${i + 1}`);
  const procs: (ChildProcess | null)[] = ports.map((port, i) => {
    mkdirSync(join(dir, names[i]!), { recursive: true });
    return spawn(
      NATS_SERVER,
      [
        '-a',
        '127.0.0.1',
        '-p',
        String(port),
        '-n',
        names[i]!,
        '-js',
        '-sd',
        join(dir, names[i]!),
        '-m',
        String(monitor[i]),
        '--cluster_name',
        'daylight-test',
        '--cluster',
        `nats://127.0.0.1:${routes[i]}`,
        '--routes',
        routes
          .filter((_, j) => j !== i)
          .map((r) => `nats://127.0.0.1:${r}`)
          .join(','),
      ],
      { stdio: 'ignore' },
    );
  });
  const urls = ports.map((p) => `nats://127.0.0.1:${p}`);
  // Ready when every node answers and JetStream has a meta leader.
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const all = await Promise.all(
        monitor.map(
          async (m) =>
            (await fetch(`http://127.0.0.1:${m}/jsz`)).json() as Promise<{
              meta_cluster?: { leader?: string };
            }>,
        ),
      );
      if (all.every((j) => j.meta_cluster?.leader)) break;
    } catch {}
    if (Date.now() > deadline) throw new Error('the NATS cluster did not come up');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    urls,
    names,
    kill: (i, signal = 'SIGKILL') => {
      procs[i]?.kill(signal);
      procs[i] = null;
    },
    leaderOf: async (stream) => {
      for (const [i, m] of monitor.entries()) {
        if (!procs[i]) continue;
        try {
          const j = (await (await fetch(`http://127.0.0.1:${m}/jsz?streams=true`)).json()) as {
            account_details?: { stream_detail?: { name: string; cluster?: { leader?: string } }[] }[];
          };
          for (const a of j.account_details ?? [])
            for (const s of a.stream_detail ?? [])
              if (s.name === stream && s.cluster?.leader) return names.indexOf(s.cluster.leader);
        } catch {}
      }
      return -1;
    },
    stop: async () => {
      for (const p of procs) p?.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
    },
  };
}
