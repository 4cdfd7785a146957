import { z } from 'zod';
import { activitySettings } from './activities/evidence.ts';
import { decisionSettings } from './decisions/settings.ts';
import { FINDING_RULES } from './findings/registry.ts';
import { nexusSettings } from './nexus.ts';

/** All settings of an audit, each with its default; unknown names are refused so a typo cannot pass silently. */
export const settingsSchema = z.strictObject({
  ...activitySettings.shape,
  ...nexusSettings.shape,
  ...decisionSettings.shape,
  ...Object.assign({}, ...FINDING_RULES.map((r) => r.settings.shape)),
});
export type Settings = z.infer<typeof activitySettings> &
  z.infer<typeof nexusSettings> &
  z.infer<typeof decisionSettings> &
  Record<string, unknown>;

export function parseSettings(...layers: Record<string, unknown>[]): Settings {
  return settingsSchema.parse(Object.assign({}, ...layers)) as Settings;
}

/** The settings a rule used, as reported with each of its findings. */
export function settingsFor(rule: (typeof FINDING_RULES)[number], all: Settings, rulebookVersion: string) {
  const groups = { nexus: nexusSettings, activities: activitySettings };
  const used: Record<string, unknown> = { rulebook_version: rulebookVersion };
  for (const name of [...(rule.uses ?? []).map((g) => groups[g]), rule.settings])
    for (const key of Object.keys(name.shape)) used[key] = all[key];
  return used;
}
