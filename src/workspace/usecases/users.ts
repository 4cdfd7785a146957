import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ROLES, type Role } from '../../contract/names.ts';
import type { Principal } from '../../contract/workspace.ts';
import type { Ledger } from '../../store/ledger.ts';
import type { UsersRepository } from '../../store/users.ts';
import { sha256Hex } from '../../util/hash.ts';
import { hashPassword, passwordProblem, UNKNOWN_USER_HASH, verifyPassword } from './passwords.ts';

export { type Principal, ROLES, type Role };

/** What user use cases need of the store. */
export interface UserStores {
  users: UsersRepository;
  ledger: Ledger;
  transaction<T>(work: () => Promise<T>): Promise<T>;
}

/** A user administration step the rules refuse (409 in the API). */
export class UserRuleError extends Error {
  override name = 'UserRuleError';
}

const SESSION_HOURS = 12;
export const DEFAULT_TOKEN_DAYS = 90;

const userName = z.string().regex(/^[a-z0-9._-]{2,40}$/i, 'letters, digits, dot, dash or underscore (2–40)');
/** A strong password: checked by zxcvbn-ts against common passwords, words, names and patterns. */
const password = (name: string) =>
  z.string().superRefine((p, ctx) => {
    const problem = passwordProblem(p, [name, 'daylight']);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const newUserSchema = z
  .strictObject({ name: userName, role: z.enum(ROLES), password: z.string() })
  .superRefine((u, ctx) => {
    const problem = passwordProblem(u.password, [u.name, 'daylight']);
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
  });
export const roleChangeSchema = z.strictObject({ role: z.enum(ROLES), why: z.string().trim().min(3) });
export const passwordChangeSchema = z.strictObject({ password: z.string() });
export const tokenRequestSchema = z.strictObject({
  label: z.string().trim().min(1).max(80),
  days: z.number().int().min(1).max(366).default(DEFAULT_TOKEN_DAYS),
});

const digest = (passwordHash: string) => sha256Hex(passwordHash);

async function mustFind(stores: Pick<UserStores, 'users'>, name: string) {
  const user = await stores.users.find(name);
  if (!user) throw new UserRuleError(`no user ${name}`);
  return user;
}

export async function addUser(
  stores: UserStores,
  input: unknown,
  by: string,
): Promise<{ name: string; role: Role }> {
  const user = newUserSchema.parse(input);
  if (await stores.users.find(user.name)) throw new UserRuleError(`user ${user.name} already exists`);
  const hash = await hashPassword(user.password);
  const created = new Date().toISOString();
  await stores.transaction(async () => {
    await stores.users.add({
      name: user.name,
      role: user.role,
      password_hash: hash,
      created_at: created,
      disabled: false,
    });
    await stores.ledger.append('user-change', by, {
      user: user.name,
      change: 'added',
      role: user.role,
      created_at: created,
      password: digest(hash),
    });
  });
  return { name: user.name, role: user.role };
}

export async function changeRole(stores: UserStores, name: string, input: unknown, by: string) {
  const { role, why } = roleChangeSchema.parse(input);
  const user = await mustFind(stores, name);
  if (user.role === role) throw new UserRuleError(`${name} already has the ${role} role`);
  await stores.transaction(async () => {
    await stores.users.setRole(name, role);
    await stores.ledger.append('user-change', by, {
      user: name,
      change: 'role changed',
      from: user.role,
      role,
      why,
    });
  });
  return { name, role };
}

export async function changePassword(stores: UserStores, name: string, input: unknown, by: string) {
  const parsed = passwordChangeSchema.parse(input);
  const checked = password(name).parse(parsed.password);
  await mustFind(stores, name);
  const hash = await hashPassword(checked);
  await stores.transaction(async () => {
    await stores.users.setPassword(name, hash);
    await stores.ledger.append('user-change', by, {
      user: name,
      change: 'password changed',
      password: digest(hash),
    });
  });
  return { name };
}

export async function setDisabled(
  stores: UserStores,
  name: string,
  disabled: boolean,
  why: string,
  by: string,
) {
  const user = await mustFind(stores, name);
  if (user.disabled === disabled)
    throw new UserRuleError(`${name} is already ${disabled ? 'disabled' : 'enabled'}`);
  if (disabled && name === by) throw new UserRuleError('an admin cannot disable their own account');
  await stores.transaction(async () => {
    await stores.users.setDisabled(name, disabled);
    await stores.ledger.append('user-change', by, {
      user: name,
      change: disabled ? 'disabled' : 'enabled',
      why,
    });
  });
  return { name, disabled };
}

export async function login(stores: UserStores, name: string, password: string): Promise<string | null> {
  const user = await stores.users.find(name);
  // Hash even for an unknown name, so the answer takes the same time either way.
  const ok = await verifyPassword(password, user?.password_hash ?? UNKNOWN_USER_HASH);
  // A decider is an integration's account: it calls with tokens and has no sessions.
  if (!user || !ok || user.disabled || user.role === 'decider') return null;
  const session = randomBytes(32).toString('base64url');
  const started = new Date().toISOString();
  const expires = new Date(Date.now() + SESSION_HOURS * 3_600_000).toISOString();
  await stores.transaction(async () => {
    await stores.users.addSession(sha256Hex(session), name, started, expires);
    await stores.ledger.append('sign-in', name, {
      event: 'started',
      user: name,
      session: sha256Hex(session),
      started_at: started,
      expires_at: expires,
    });
  });
  return session;
}

export async function logout(stores: UserStores, session: string): Promise<void> {
  const hash = sha256Hex(session);
  const ended = new Date().toISOString();
  await stores.transaction(async () => {
    const s = await stores.users.endSession(hash, ended);
    if (s)
      await stores.ledger.append('sign-in', s.name, {
        event: 'ended',
        user: s.name,
        session: hash,
        ended_at: ended,
      });
  });
}

/** A new API token for a user (shown once; only its hash is kept), expiring after `days`. */
export async function createToken(
  stores: UserStores,
  name: string,
  label: string,
  by: string,
  days = DEFAULT_TOKEN_DAYS,
): Promise<{ token: string; expires_at: string; id: string }> {
  await mustFind(stores, name);
  const token = `dl_${randomBytes(32).toString('base64url')}`;
  const hash = sha256Hex(token);
  const created = new Date().toISOString();
  const expires = new Date(Date.now() + days * 86_400_000).toISOString();
  await stores.transaction(async () => {
    await stores.users.addToken({
      token_hash: hash,
      name,
      label,
      created_at: created,
      expires_at: expires,
      revoked_at: null,
    });
    await stores.ledger.append('user-change', by, {
      user: name,
      change: 'token created',
      token: hash,
      label,
      created_at: created,
      expires_at: expires,
    });
  });
  return { token, expires_at: expires, id: tokenId(hash) };
}

/** A token's public id: the start of its hash (never the token). */
export const tokenId = (hash: string) => hash.slice(0, 16);

export async function revokeToken(stores: UserStores, id: string, by: string) {
  const matches = (await stores.users.tokens()).filter((t) => t.token_hash.startsWith(id));
  if (matches.length !== 1) throw new UserRuleError(`no single token has the id ${id}`);
  const t = matches[0]!;
  if (t.revoked_at) throw new UserRuleError(`token ${id} is already revoked`);
  const revoked = new Date().toISOString();
  await stores.transaction(async () => {
    await stores.users.revokeToken(t.token_hash, revoked);
    await stores.ledger.append('user-change', by, {
      user: t.name,
      change: 'token revoked',
      token: t.token_hash,
      revoked_at: revoked,
    });
  });
  return { id: tokenId(t.token_hash), user: t.name, revoked_at: revoked };
}

/** The user behind a session cookie or an API token, or null (disabled users, ended, expired or revoked ones too). */
export async function authenticate(
  stores: Pick<UserStores, 'users'>,
  credentials: { session?: string; token?: string },
): Promise<Principal | null> {
  const now = new Date().toISOString();
  if (credentials.token) {
    const p = await stores.users.principalOfToken(sha256Hex(credentials.token), now);
    if (p) return p;
  }
  if (credentials.session) return stores.users.principalOfSession(sha256Hex(credentials.session), now);
  return null;
}
