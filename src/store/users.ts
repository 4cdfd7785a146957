import { z } from 'zod';
import { type Principal, principalSchema, type UserRow, userRowSchema } from '../contract/workspace.ts';
import type { Db } from './db.ts';

export interface TokenRow {
  token_hash: string;
  name: string;
  label: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

/** Where users, their sessions and API tokens (hashes only) are kept. */
export interface UsersRepository {
  find(name: string): Promise<UserRow | null>;
  list(): Promise<Omit<UserRow, 'password_hash'>[]>;
  add(user: UserRow): Promise<void>;
  setRole(name: string, role: string): Promise<void>;
  setPassword(name: string, passwordHash: string): Promise<void>;
  setDisabled(name: string, disabled: boolean): Promise<void>;
  addSession(sessionHash: string, name: string, startedAt: string, expiresAt: string): Promise<void>;
  endSession(sessionHash: string, endedAt: string): Promise<{ name: string } | null>;
  addToken(token: TokenRow): Promise<void>;
  tokens(name?: string): Promise<TokenRow[]>;
  revokeToken(tokenHash: string, revokedAt: string): Promise<void>;
  /** The enabled user behind a token that is neither revoked nor expired at `now`. */
  principalOfToken(tokenHash: string, now: string): Promise<Principal | null>;
  /** The enabled user behind a session that has neither ended nor expired at `now`. */
  principalOfSession(sessionHash: string, now: string): Promise<Principal | null>;
}

const tokenRowSchema = z.object({
  token_hash: z.string(),
  name: z.string(),
  label: z.string().nullable(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

export class DuckUsersRepository implements UsersRepository {
  constructor(private readonly db: Db) {}

  async find(name: string): Promise<UserRow | null> {
    return (
      (await this.db.first(
        userRowSchema,
        'SELECT name, role, password_hash, created_at, disabled FROM users WHERE name = $n',
        { n: name },
      )) ?? null
    );
  }

  list(): Promise<Omit<UserRow, 'password_hash'>[]> {
    return this.db.rows(
      userRowSchema.omit({ password_hash: true }),
      'SELECT name, role, created_at, disabled FROM users ORDER BY name',
    );
  }

  async add(u: UserRow): Promise<void> {
    await this.db.run('INSERT INTO users VALUES ($n, $r, $h, $t, $d)', {
      n: u.name,
      r: u.role,
      h: u.password_hash,
      t: u.created_at,
      d: u.disabled,
    });
  }

  async setRole(name: string, role: string): Promise<void> {
    await this.db.run('UPDATE users SET role = $r WHERE name = $n', { n: name, r: role });
  }

  async setPassword(name: string, passwordHash: string): Promise<void> {
    await this.db.run('UPDATE users SET password_hash = $h WHERE name = $n', { n: name, h: passwordHash });
  }

  async setDisabled(name: string, disabled: boolean): Promise<void> {
    await this.db.run('UPDATE users SET disabled = $d WHERE name = $n', { n: name, d: disabled });
  }

  async addSession(sessionHash: string, name: string, startedAt: string, expiresAt: string): Promise<void> {
    await this.db.run('INSERT INTO sessions VALUES ($h, $n, $e, $s, NULL)', {
      h: sessionHash,
      n: name,
      e: expiresAt,
      s: startedAt,
    });
  }

  async endSession(sessionHash: string, endedAt: string): Promise<{ name: string } | null> {
    const row = await this.db.first(
      z.object({ name: z.string() }),
      'SELECT name FROM sessions WHERE session_hash = $h AND ended_at IS NULL',
      { h: sessionHash },
    );
    if (row)
      await this.db.run('UPDATE sessions SET ended_at = $e WHERE session_hash = $h', {
        h: sessionHash,
        e: endedAt,
      });
    return row ?? null;
  }

  async addToken(t: TokenRow): Promise<void> {
    await this.db.run('INSERT INTO api_tokens VALUES ($h, $n, $l, $c, $e, NULL)', {
      h: t.token_hash,
      n: t.name,
      l: t.label,
      c: t.created_at,
      e: t.expires_at,
    });
  }

  tokens(name?: string): Promise<TokenRow[]> {
    return this.db.rows(
      tokenRowSchema,
      `SELECT * FROM api_tokens ${name ? 'WHERE name = $n' : ''} ORDER BY created_at, token_hash`,
      name ? { n: name } : {},
    );
  }

  async revokeToken(tokenHash: string, revokedAt: string): Promise<void> {
    await this.db.run('UPDATE api_tokens SET revoked_at = $r WHERE token_hash = $h', {
      h: tokenHash,
      r: revokedAt,
    });
  }

  async principalOfToken(tokenHash: string, now: string): Promise<Principal | null> {
    return (
      (await this.db.first(
        principalSchema,
        `SELECT u.name, u.role FROM api_tokens t JOIN users u ON u.name = t.name
         WHERE t.token_hash = $h AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $now) AND NOT u.disabled`,
        { h: tokenHash, now },
      )) ?? null
    );
  }

  async principalOfSession(sessionHash: string, now: string): Promise<Principal | null> {
    return (
      (await this.db.first(
        principalSchema,
        `SELECT u.name, u.role FROM sessions s JOIN users u ON u.name = s.name
         WHERE s.session_hash = $h AND s.ended_at IS NULL AND s.expires_at > $now AND NOT u.disabled`,
        { h: sessionHash, now },
      )) ?? null
    );
  }
}

export class MemoryUsersRepository implements UsersRepository {
  readonly users = new Map<string, UserRow>();
  readonly sessions = new Map<string, { name: string; expiresAt: string; endedAt: string | null }>();
  readonly tokenRows = new Map<string, TokenRow>();
  async find(name: string) {
    return this.users.get(name) ?? null;
  }
  async list() {
    return [...this.users.values()].map(({ password_hash: _, ...u }) => u);
  }
  async add(u: UserRow) {
    this.users.set(u.name, { ...u });
  }
  async setRole(name: string, role: string) {
    const u = this.users.get(name);
    if (u) u.role = role as UserRow['role'];
  }
  async setPassword(name: string, hash: string) {
    const u = this.users.get(name);
    if (u) u.password_hash = hash;
  }
  async setDisabled(name: string, disabled: boolean) {
    const u = this.users.get(name);
    if (u) u.disabled = disabled;
  }
  async addSession(hash: string, name: string, _startedAt: string, expiresAt: string) {
    this.sessions.set(hash, { name, expiresAt, endedAt: null });
  }
  async endSession(hash: string, endedAt: string) {
    const s = this.sessions.get(hash);
    if (!s || s.endedAt) return null;
    s.endedAt = endedAt;
    return { name: s.name };
  }
  async addToken(t: TokenRow) {
    this.tokenRows.set(t.token_hash, { ...t });
  }
  async tokens(name?: string) {
    return [...this.tokenRows.values()].filter((t) => !name || t.name === name);
  }
  async revokeToken(hash: string, revokedAt: string) {
    const t = this.tokenRows.get(hash);
    if (t) t.revoked_at = revokedAt;
  }
  private principal(name: string | undefined): Principal | null {
    const u = name === undefined ? undefined : this.users.get(name);
    return u && !u.disabled ? { name: u.name, role: u.role } : null;
  }
  async principalOfToken(hash: string, now: string) {
    const t = this.tokenRows.get(hash);
    return t && !t.revoked_at && (!t.expires_at || t.expires_at > now) ? this.principal(t.name) : null;
  }
  async principalOfSession(hash: string, now: string) {
    const s = this.sessions.get(hash);
    return s && !s.endedAt && s.expiresAt > now ? this.principal(s.name) : null;
  }
}
