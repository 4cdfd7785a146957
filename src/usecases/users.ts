import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { Store } from '../store/store.ts';
import { sha256Hex } from '../util/hash.ts';

export const ROLES = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const roleAtLeast = (role: Role, needed: Role) => ROLES.indexOf(role) >= ROLES.indexOf(needed);

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
  store: Store,
  input: unknown,
  by: string,
): Promise<{ name: string; role: Role }> {
  const user = newUserSchema.parse(input);
  const exists = await store.db.runAndReadAll('SELECT 1 FROM users WHERE name = $n', { n: user.name });
  if (exists.currentRowCount > 0) throw new Error(`user ${user.name} already exists`);
  const hash = await hashPassword(user.password);
  await store.db.run('BEGIN TRANSACTION');
  try {
    await store.db.run('INSERT INTO users VALUES ($n, $r, $h, $t)', {
      n: user.name,
      r: user.role,
      h: hash,
      t: new Date().toISOString(),
    });
    await store.ledger.append('user-change', by, { user: user.name, role: user.role, change: 'added' });
    await store.db.run('COMMIT');
  } catch (e) {
    await store.db.run('ROLLBACK');
    throw e;
  }
  return { name: user.name, role: user.role };
}

export async function userCount(store: Store): Promise<number> {
  const r = await store.db.runAndReadAll('SELECT count(*)::INTEGER AS n FROM users');
  return Number(r.getRowObjectsJson()[0]!.n);
}

export async function login(store: Store, name: string, password: string): Promise<string | null> {
  const r = await store.db.runAndReadAll('SELECT password_hash FROM users WHERE name = $n', { n: name });
  const row = r.getRowObjectsJson()[0];
  // Hash even for an unknown name, so the answer takes the same time either way.
  const ok = await verifyPassword(
    password,
    row
      ? String(row.password_hash)
      : 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  );
  if (!row || !ok) return null;
  const session = randomBytes(32).toString('base64url');
  const expires = new Date(Date.now() + SESSION_HOURS * 3_600_000).toISOString();
  await store.db.run('INSERT INTO sessions VALUES ($h, $n, $e)', {
    h: sha256Hex(session),
    n: name,
    e: expires,
  });
  return session;
}

export async function logout(store: Store, session: string): Promise<void> {
  await store.db.run('DELETE FROM sessions WHERE session_hash = $h', { h: sha256Hex(session) });
}

/** A new API token for a user (shown once; only its hash is kept). */
export async function createToken(store: Store, name: string, label: string, by: string): Promise<string> {
  const exists = await store.db.runAndReadAll('SELECT 1 FROM users WHERE name = $n', { n: name });
  if (exists.currentRowCount === 0) throw new Error(`no user ${name}`);
  const token = `dl_${randomBytes(32).toString('base64url')}`;
  await store.db.run('BEGIN TRANSACTION');
  try {
    await store.db.run('INSERT INTO api_tokens VALUES ($h, $n, $l, $t)', {
      h: sha256Hex(token),
      n: name,
      l: label,
      t: new Date().toISOString(),
    });
    await store.ledger.append('user-change', by, { user: name, change: 'token created', label });
    await store.db.run('COMMIT');
  } catch (e) {
    await store.db.run('ROLLBACK');
    throw e;
  }
  return token;
}

export interface Principal {
  name: string;
  role: Role;
}

/** The user behind a session cookie or an API token, or null. */
export async function authenticate(
  store: Store,
  credentials: { session?: string; token?: string },
): Promise<Principal | null> {
  if (credentials.token) {
    const r = await store.db.runAndReadAll(
      'SELECT u.name, u.role FROM api_tokens t JOIN users u ON u.name = t.name WHERE t.token_hash = $h',
      { h: sha256Hex(credentials.token) },
    );
    const row = r.getRowObjectsJson()[0];
    if (row) return { name: String(row.name), role: String(row.role) as Role };
  }
  if (credentials.session) {
    const r = await store.db.runAndReadAll(
      'SELECT u.name, u.role FROM sessions s JOIN users u ON u.name = s.name WHERE s.session_hash = $h AND s.expires_at > $now',
      { h: sha256Hex(credentials.session), now: new Date().toISOString() },
    );
    const row = r.getRowObjectsJson()[0];
    if (row) return { name: String(row.name), role: String(row.role) as Role };
  }
  return null;
}
