import { userInfo } from 'node:os';

/** Who the ledger names for work done from this process. */
export const actor = () => process.env.DAYLIGHT_ACTOR ?? `local:${userInfo().username}`;
