import type { Region } from '../contract/tables.ts';

export const UNMAPPED = 'UNMAPPED';

/** The sales-reporting hierarchy, with `UNMAPPED` under the root for revenue nothing maps to. */
export class RegionTree {
  readonly root: string;
  private readonly parent = new Map<string, string | null>();
  private readonly byCountry = new Map<string, string>();
  private readonly ancestorCache = new Map<string, string[]>();

  constructor(regions: Region[]) {
    const root = regions.find((r) => r.parent_id === null);
    this.root = root?.region_id ?? 'WORLD';
    for (const r of regions) {
      this.parent.set(r.region_id, r.parent_id);
      if (r.country) this.byCountry.set(r.country, r.region_id);
    }
    if (!this.parent.has(this.root)) this.parent.set(this.root, null);
    if (!this.parent.has(UNMAPPED)) this.parent.set(UNMAPPED, this.root);
  }

  /** Regions that are one jurisdiction each (they carry a country). */
  jurisdictionRegions(): string[] {
    return [...this.byCountry.values()];
  }

  has(region: string): boolean {
    return this.parent.has(region);
  }

  ids(): string[] {
    return [...this.parent.keys()];
  }

  parentOf(region: string): string | null {
    return this.parent.get(region) ?? null;
  }

  /** The region that *is* this jurisdiction (its `country`), or UNMAPPED. */
  forCountry(country: string | null | undefined): string {
    return (country && this.byCountry.get(country)) || UNMAPPED;
  }

  /** The region itself, then its parent, up to the root. */
  selfAndAncestors(region: string): string[] {
    let cached = this.ancestorCache.get(region);
    if (!cached) {
      cached = [];
      for (let r: string | null = region; r !== null; r = this.parent.get(r) ?? null) cached.push(r);
      this.ancestorCache.set(region, cached);
    }
    return cached;
  }

  /** A team whose sales region is `teamRegion` "gains" `region` when it is that region or a descendant. */
  gains(teamRegion: string, region: string): boolean {
    return this.selfAndAncestors(region).includes(teamRegion);
  }
}
