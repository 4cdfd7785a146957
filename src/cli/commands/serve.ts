import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildServer } from '../../workspace/api/server.ts';
import { UI_DIST } from '../../workspace/api/ui-bundle.ts';
import { bold } from '../ui.ts';
import { storeOption } from './shared.ts';

export function registerServe(program: Command): void {
  storeOption(
    program
      .command('serve')
      .description(
        'The analyst workspace: web UI and JSON API on the store (create a user first: daylight users add)',
      )
      .option('--port <n>', 'port', '8080')
      .option('--host <host>', 'address to listen on', '127.0.0.1'),
  ).action(async (opts: { store: string; port: string; host: string }) => {
    const { Store } = await import('../../store/store.ts');
    const store = await Store.open(opts.store);
    const app = await buildServer(store);
    const address = await app.listen({ port: Number(opts.port), host: opts.host });
    process.stdout.write(
      `${bold('Daylight workspace')} on ${address} (store ${opts.store}); Ctrl-C to stop\n`,
    );
    if (!existsSync(join(UI_DIST, 'index.html')))
      process.stderr.write(
        'The web UI is not built (npm install builds it; or run npm run build): the API works.\n',
      );
    const stop = async () => {
      await app.close();
      store.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await new Promise(() => {});
  });
}
