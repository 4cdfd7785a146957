import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import zxcvbnCore from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>;
// scrypt is memory-hard: N = 2^15 with r = 8 takes 32 MiB per hash.
const PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return timingSafeEqual(actual, expected);
}

/** A scrypt hash of nothing anyone knows, checked for unknown names so both answers take the same time. */
export const UNKNOWN_USER_HASH =
  'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

// zxcvbn-ts estimates how many guesses a password takes, from common-password, name and word lists and keyboard
// patterns (the library Dropbox published, maintained as zxcvbn-ts). Its ranked dictionaries take about 0.3 s to
// build: made at the first password checked, not by every command that loads this module.
let strength: InstanceType<typeof zxcvbnCore.ZxcvbnFactory> | undefined;
const strengthChecker = () =>
  (strength ??= new zxcvbnCore.ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  }));

/** Score 3 of 4 or more ("safely unguessable"), else the library's own advice, naming the user's inputs. */
export function passwordProblem(password: string, userInputs: string[] = []): string | null {
  if (password.length < 12) return 'at least 12 characters';
  const r = strengthChecker().check(password, userInputs);
  if (r.score >= 3) return null;
  return ['too easy to guess', r.feedback.warning, ...r.feedback.suggestions].filter(Boolean).join(': ');
}
