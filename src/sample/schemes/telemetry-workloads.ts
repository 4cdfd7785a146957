import type { TelemetryKind } from '../model.ts';
import { CN_PLACES, type Planner } from '../planner.ts';

/** Workloads known only from network telemetry (2022-10 … 2022-12), next to ordinary web traffic. */
export function telemetryWorkloads(p: Planner): void {
  // Workloads known only from network telemetry (2022-10 … 2022-12), next to ordinary web traffic.
  const watched = (kind: TelemetryKind, months: string[], hq = 'CN') => {
    const a = p.account(`telemetry-${kind}`, {
      hq,
      place: hq === 'CN' ? p.rng.pick(CN_PLACES) : 'singapore',
      industry: p.rng.pick(['Cloud gaming', 'SaaS', 'Media & streaming']),
    });
    a.telemetry = { kind, months };
  };
  p.times(2, () => watched('pool-443', ['2022-10', '2022-11']));
  p.times(1, () => watched('stratum', ['2022-11', '2022-12']));
  p.times(2, () => watched('node', ['2022-10', '2022-11', '2022-12']));
  p.times(1, () => watched('listed-node', ['2022-12']));
  p.times(1, () => watched('exchange-client', ['2022-11']));
  p.times(1, () => watched('weak-node', ['2022-12']));
  p.times(3, () => watched('web', ['2022-10', '2022-11', '2022-12']));
  p.times(1, () => watched('pool-443', ['2022-12'], 'SG'));
  p.times(1, () => watched('pool-by-name', ['2022-11', '2022-12']));
  p.times(1, () => watched('pool-like-web', ['2022-11', '2022-12']));
}
