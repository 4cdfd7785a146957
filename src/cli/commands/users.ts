import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { actor } from '../../usecases/actor.ts';
import {
  addUser,
  changePassword,
  changeRole,
  createToken,
  DEFAULT_TOKEN_DAYS,
  ROLES,
  revokeToken,
  setDisabled,
  tokenId,
} from '../../workspace/usecases/users.ts';
import { positiveInteger, printJson, storeOption, withStore } from './shared.ts';

async function readPassword(fromStdin?: boolean): Promise<string> {
  if (process.env.DAYLIGHT_PASSWORD) return process.env.DAYLIGHT_PASSWORD;
  if (fromStdin || !process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    return text.replace(/\r?\n$/, '');
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question('password (12 characters or more, not easy to guess): ');
  rl.close();
  return answer;
}

/** Local users of the workspace: every change is an admin's act, recorded in the ledger with who made it. */
export function registerUsers(program: Command): void {
  const users = program.command('users').description('Local users of the workspace and their API tokens');
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
      .description('Create an API token for a user (printed once; it expires)')
      .argument('<name>')
      .option('--label <label>', 'what the token is for', 'api')
      .option('--days <n>', `days until it expires (default ${DEFAULT_TOKEN_DAYS})`, positiveInteger),
  ).action(async (name: string, opts: { store: string; label: string; days?: number }) => {
    const t = await withStore(opts.store, (store) =>
      createToken(store, name, opts.label, actor(), opts.days),
    );
    process.stderr.write(`token ${t.id} for ${name}, expires ${t.expires_at}\n`);
    process.stdout.write(`${t.token}\n`);
  });
  storeOption(
    users
      .command('revoke')
      .description('Revoke an API token by its id (see users tokens)')
      .argument('<token-id>'),
  ).action(async (id: string, opts: { store: string }) => {
    const r = await withStore(opts.store, (store) => revokeToken(store, id, actor()));
    process.stdout.write(`revoked token ${r.id} of ${r.user}\n`);
  });
  storeOption(
    users
      .command('tokens')
      .description("A user's tokens (or everyone's): id, label, created, expires, revoked")
      .argument('[name]')
      .option('--json', 'machine-readable output'),
  ).action(async (name: string | undefined, opts: { store: string; json?: boolean }) => {
    const rows = await withStore(opts.store, (store) => store.users.tokens(name));
    const out = rows.map(({ token_hash, ...t }) => ({ id: tokenId(token_hash), ...t }));
    if (opts.json) return printJson(out);
    for (const t of out)
      process.stdout.write(
        `${t.id}  ${t.name}  ${t.label ?? ''}  created ${t.created_at}  expires ${t.expires_at ?? 'never'}${t.revoked_at ? `  revoked ${t.revoked_at}` : ''}\n`,
      );
  });
  storeOption(
    users
      .command('role')
      .description("Change a user's role")
      .argument('<name>')
      .argument('<role>', ROLES.join(', '))
      .requiredOption('--why <text>', 'why (recorded in the ledger)'),
  ).action(async (name: string, role: string, opts: { store: string; why: string }) => {
    await withStore(opts.store, (store) => changeRole(store, name, { role, why: opts.why }, actor()));
    process.stdout.write(`${name} is now ${role}\n`);
  });
  for (const disabled of [true, false])
    storeOption(
      users
        .command(disabled ? 'disable' : 'enable')
        .description(
          disabled ? 'Disable a user: their sessions and tokens stop working' : 'Enable a disabled user',
        )
        .argument('<name>')
        .requiredOption('--why <text>', 'why (recorded in the ledger)'),
    ).action(async (name: string, opts: { store: string; why: string }) => {
      await withStore(opts.store, (store) => setDisabled(store, name, disabled, opts.why, actor()));
      process.stdout.write(`${name} ${disabled ? 'disabled' : 'enabled'}\n`);
    });
  storeOption(
    users
      .command('password')
      .description("Set a user's password (from a prompt, standard input or DAYLIGHT_PASSWORD)")
      .argument('<name>')
      .option('--password-stdin', 'read the password from standard input'),
  ).action(async (name: string, opts: { store: string; passwordStdin?: boolean }) => {
    const password = await readPassword(opts.passwordStdin);
    await withStore(opts.store, (store) => changePassword(store, name, { password }, actor()));
    process.stdout.write(`password of ${name} changed\n`);
  });
}
