import type { Command } from 'commander';
import { WEBHOOK_EVENTS } from '../../contract/webhook.ts';
import { actor } from '../../usecases/actor.ts';
import { addEndpoint, listEndpoints, setEndpointDisabled } from '../../usecases/webhooks.ts';
import { positiveInteger, printJson, storeOption, withStore } from './shared.ts';

/** Webhook endpoints (delivered by `daylight serve`), each change recorded in the ledger. */
export function registerWebhooks(program: Command): void {
  const webhooks = program
    .command('webhooks')
    .description('Endpoints told of new findings, case changes and decisions (delivered by daylight serve)');
  storeOption(
    webhooks
      .command('add')
      .description('Add an endpoint; its signing secret is printed once')
      .argument('<url>', 'http or https address that receives signed POSTs')
      .requiredOption('--events <list>', `comma-separated: ${WEBHOOK_EVENTS.join(', ')}`)
      .option('--json', 'print the endpoint and secret as JSON'),
  ).action(async (url: string, opts: { store: string; events: string; json?: boolean }) => {
    const added = await withStore(opts.store, (store) =>
      addEndpoint(store, { url, events: opts.events.split(',').map((e) => e.trim()) as never }, actor()),
    );
    if (opts.json) return printJson(added);
    process.stderr.write(
      `endpoint ${added.endpoint.id} for ${added.endpoint.events.join(', ')}; its secret:\n`,
    );
    process.stdout.write(`${added.secret}\n`);
  });
  storeOption(
    webhooks.command('list').description('Endpoints and what they receive').option('--json', 'as JSON'),
  ).action(async (opts: { store: string; json?: boolean }) => {
    const list = await withStore(opts.store, (store) => listEndpoints(store));
    if (opts.json) return printJson(list);
    for (const e of list)
      process.stdout.write(
        `${e.id}  ${e.disabled ? 'disabled' : 'delivering'}  ${e.events.join(',')}  ${e.url}\n`,
      );
  });
  for (const change of ['disable', 'enable'] as const)
    storeOption(
      webhooks
        .command(change)
        .description(change === 'disable' ? 'Stop delivering to an endpoint' : 'Deliver to an endpoint again')
        .argument('<id>'),
    ).action(async (id: string, opts: { store: string }) => {
      await withStore(opts.store, (store) => setEndpointDisabled(store, id, change === 'disable', actor()));
      process.stdout.write(`${id} ${change}d\n`);
    });
  storeOption(
    webhooks
      .command('deliveries')
      .description('The delivery log, newest first')
      .option('--limit <n>', 'attempts to show', positiveInteger, 50)
      .option('--json', 'as JSON'),
  ).action(async (opts: { store: string; limit: number; json?: boolean }) => {
    const log = await withStore(opts.store, (store) => store.webhooks.attempts(opts.limit));
    if (opts.json) return printJson(log);
    for (const a of log)
      process.stdout.write(
        `${a.attempted_at}  ${a.event} ${a.event_id} → ${a.endpoint_id}  #${a.attempt} ${a.outcome}  ${a.error ?? a.http_status}${a.next_at ? `  next ${a.next_at}` : ''}\n`,
      );
  });
}
