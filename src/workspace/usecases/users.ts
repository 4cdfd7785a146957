import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';
import { ROLES, type Role } from '../../contract/names.ts';
import type { Principal } from '../../contract/workspace.ts';
import type { Ledger } from '../../store/ledger.ts';
import type { UsersRepository } from '../../store/users.ts';
import { sha256Hex } from '../../util/hash.ts';

export { type Principal, ROLES, type Role };

/** What user use cases need of the store. */
export interface UserStores {
  users: UsersRepository;
  ledger: Ledger;
  transaction<T>(work: () => Promise<T>): Promise<T>;
}

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>;
// scrypt is memory-hard: N = 2^15 with r = 8 takes 32 MiB per hash.
const PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const SESSION_HOURS = 12;

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

export const newUserSchema = z.object({
  name: z.string().regex(/^[a-z0-9._-]{2,40}$/i, 'letters, digits, dot, dash or underscore (2–40)'),
  role: z.enum(ROLES),
  password: z.string().min(12, 'at least 12 characters'),
});

export async function addUser(
  stores: UserStores,
  input: unknown,
  by: string,
): Promise<{ name: string; role: Role }> {
  const user = newUserSchema.parse(input);
  if (await stores.users.find(user.name)) throw new Error(`user ${user.name} already exists`);
  const hash = await hashPassword(user.password);
  await stores.transaction(async () => {
    await stores.users.add({
      name: user.name,
      role: user.role,
      password_hash: hash,
      created_at: new Date().toISOString(),
    });
    await stores.ledger.append('user-change', by, { user: user.name, role: user.role, change: 'added' });
  });
  return { name: user.name, role: user.role };
}

/** A scrypt hash of nothing anyone knows, checked for unknown names so both answers take the same time. */
const UNKNOWN_USER_HASH =
  'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export async function login(
  stores: Pick<UserStores, 'users'>,
  name: string,
  password: string,
): Promise<string | null> {
  const user = await stores.users.find(name);
  const ok = await verifyPassword(password, user?.password_hash ?? UNKNOWN_USER_HASH);
  if (!user || !ok) return null;
  const session = randomBytes(32).toString('base64url');
  const expires = new Date(Date.now() + SESSION_HOURS * 3_600_000).toISOString();
  await stores.users.addSession(sha256Hex(session), name, expires);
  return session;
}

export async function logout(stores: Pick<UserStores, 'users'>, session: string): Promise<void> {
  await stores.users.deleteSession(sha256Hex(session));
}

/** A new API token for a user (shown once; only its hash is kept). */
export async function createToken(
  stores: UserStores,
  name: string,
  label: string,
  by: string,
): Promise<string> {
  if (!(await stores.users.find(name))) throw new Error(`no user ${name}`);
  const token = `dl_${randomBytes(32).toString('base64url')}`;
  await stores.transaction(async () => {
    await stores.users.addToken(sha256Hex(token), name, label, new Date().toISOString());
    await stores.ledger.append('user-change', by, { user: name, change: 'token created', label });
  });
  return token;
}

/** The user behind a session cookie or an API token, or null. */
export async function authenticate(
  stores: Pick<UserStores, 'users'>,
  credentials: { session?: string; token?: string },
): Promise<Principal | null> {
  if (credentials.token) {
    const p = await stores.users.principalOfToken(sha256Hex(credentials.token));
    if (p) return p;
  }
  if (credentials.session)
    return stores.users.principalOfSession(sha256Hex(credentials.session), new Date().toISOString());
  return null;
}
