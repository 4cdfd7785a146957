import type { Rulebook } from '../../engine/rulebook/rulebook.ts';
import type { Store } from '../../store/store.ts';
import type { DecisionGate } from '../../usecases/decisions.ts';
import type { DispatchOptions } from '../../usecases/webhooks.ts';
import type { Workspace } from '../usecases/views.ts';
import type { SignInThrottle } from './throttle.ts';

export const SESSION_COOKIE = 'daylight_session';

export interface ServerOptions {
  /** Where `POST /api/audit` writes its files. */
  outDir?: string;
  /** The built UI's folder (default: dist/ui of this install). */
  uiDir?: string;
  /** How webhooks are delivered (intervals, timeout, retries); `false` delivers none. */
  webhooks?: Omit<DispatchOptions, 'serialise'> | false;
}

/** What every area's routes work with. */
export interface ApiContext {
  store: Store;
  ws: Workspace;
  rulebook: Rulebook;
  options: ServerOptions;
  throttle: SignInThrottle;
  gate: DecisionGate;
}
