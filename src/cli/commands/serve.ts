import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { actor } from '../../usecases/actor.ts';
import { buildServer } from '../../workspace/api/server.ts';
import { UI_DIST } from '../../workspace/api/ui-bundle.ts';
import { addUser, createToken, ROLES } from '../../workspace/usecases/users.ts';
import { bold } from '../ui.ts';
import { storeOption, withStore } from './shared.ts';

async function readPassword(fromStdin?: boolean): Promise<string> {
  if (process.env.DAYLIGHT_PASSWORD) return process.env.DAYLIGHT_PASSWORD;
  if (fromStdin || !process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    return text.replace(/\r?\n$/, '');
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question('password (12 characters or more): ');
  rl.close();
  return answer;
}

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

  const users = program.command('users').description('Local users of the workspace');
  storeOption(
    users
      .command('add')
      .description(
        'Add a user (the first admin is made here); the password comes from a prompt, standard input or DAYLIGHT_PASSWORD',
      )
      .argument('<name>')
      .requiredOption('--role <role>', ROLES.join(', '))
      .option('--password-stdin', 'read the password from standard input'),
  ).action(async (name: string, opts: { store: string; role: string; passwordStdin?: boolean }) => {
    const password = await readPassword(opts.passwordStdin);
    const user = await withStore(opts.store, (store) =>
      addUser(store, { name, role: opts.role, password }, actor()),
    );
    process.stdout.write(`added ${user.name} (${user.role})\n`);
  });
  storeOption(
    users
      .command('token')
      .description('Create an API token for a user (printed once)')
      .argument('<name>')
      .option('--label <label>', 'what the token is for', 'api'),
  ).action(async (name: string, opts: { store: string; label: string }) => {
    const token = await withStore(opts.store, (store) => createToken(store, name, opts.label, actor()));
    process.stdout.write(`${token}\n`);
  });
}
