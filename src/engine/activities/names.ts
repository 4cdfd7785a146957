import { type Evidence, rowKey } from '../../contract/finding.ts';
import type { Rulebook } from '../rulebook/rulebook.ts';
import type { World } from '../world.ts';

/**
 * Words an instrument bars from business names (237号 and 42号: 虚拟货币, 加密货币 …) found in `accounts.name`: a
 * checkable indicator shown with the account's findings and in the report, not evidence of an activity by itself.
 */
export class NameIndicators {
  private readonly byAccount = new Map<string, Evidence[]>();

  constructor(world: World, rulebook: Rulebook) {
    const bans = rulebook.file.instruments.flatMap((i) =>
      (i.name_terms ?? []).map((term) => ({ term, instrument: i.number ?? i.title_en, from: i.commenced })),
    );
    for (const account of world.accounts.values()) {
      const found = bans.filter((b) => account.name.includes(b.term));
      if (found.length === 0) continue;
      const terms = [...new Set(found.map((b) => b.term))];
      this.byAccount.set(account.account_id, [
        {
          table: 'accounts',
          key: rowKey({ account_id: account.account_id }),
          fact: `name "${account.name}" holds ${terms.join(', ')}, which ${[...new Set(found.map((b) => `${b.instrument} (from ${b.from})`))].join(' and ')} bar from business names`,
        },
      ]);
    }
  }

  of(accountId: string): Evidence[] {
    return this.byAccount.get(accountId) ?? [];
  }

  all(): [string, Evidence[]][] {
    return [...this.byAccount].sort(([a], [b]) => (a < b ? -1 : 1));
  }
}
