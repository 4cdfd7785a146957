import { type Principal, principalSchema, type UserRow, userRowSchema } from '../contract/workspace.ts';
import type { Db } from './db.ts';

/** Where users, their sessions and API tokens (hashes only) are kept. */
export interface UsersRepository {
  find(name: string): Promise<UserRow | null>;
  add(user: UserRow): Promise<void>;
  addSession(sessionHash: string, name: string, expiresAt: string): Promise<void>;
  deleteSession(sessionHash: string): Promise<void>;
  addToken(tokenHash: string, name: string, label: string, createdAt: string): Promise<void>;
  principalOfToken(tokenHash: string): Promise<Principal | null>;
  principalOfSession(sessionHash: string, now: string): Promise<Principal | null>;
}

export class DuckUsersRepository implements UsersRepository {
  constructor(private readonly db: Db) {}

  async find(name: string): Promise<UserRow | null> {
    return (
      (await this.db.first(
        userRowSchema,
        'SELECT name, role, password_hash, created_at FROM users WHERE name = $n',
        {
          n: name,
        },
      )) ?? null
    );
  }

  async add(u: UserRow): Promise<void> {
    await this.db.run('INSERT INTO users VALUES ($n, $r, $h, $t)', {
      n: u.name,
      r: u.role,
      h: u.password_hash,
      t: u.created_at,
    });
  }

  async addSession(sessionHash: string, name: string, expiresAt: string): Promise<void> {
    await this.db.run('INSERT INTO sessions VALUES ($h, $n, $e)', { h: sessionHash, n: name, e: expiresAt });
  }

  async deleteSession(sessionHash: string): Promise<void> {
    await this.db.run('DELETE FROM sessions WHERE session_hash = $h', { h: sessionHash });
  }

  async addToken(tokenHash: string, name: string, label: string, createdAt: string): Promise<void> {
    await this.db.run('INSERT INTO api_tokens VALUES ($h, $n, $l, $t)', {
      h: tokenHash,
      n: name,
      l: label,
      t: createdAt,
    });
  }

  async principalOfToken(tokenHash: string): Promise<Principal | null> {
    return (
      (await this.db.first(
        principalSchema,
        'SELECT u.name, u.role FROM api_tokens t JOIN users u ON u.name = t.name WHERE t.token_hash = $h',
        { h: tokenHash },
      )) ?? null
    );
  }

  async principalOfSession(sessionHash: string, now: string): Promise<Principal | null> {
    return (
      (await this.db.first(
        principalSchema,
        'SELECT u.name, u.role FROM sessions s JOIN users u ON u.name = s.name WHERE s.session_hash = $h AND s.expires_at > $now',
        { h: sessionHash, now },
      )) ?? null
    );
  }
}

export class MemoryUsersRepository implements UsersRepository {
  readonly users = new Map<string, UserRow>();
  readonly sessions = new Map<string, { name: string; expiresAt: string }>();
  readonly tokens = new Map<string, { name: string; label: string }>();
  async find(name: string) {
    return this.users.get(name) ?? null;
  }
  async add(u: UserRow) {
    this.users.set(u.name, { ...u });
  }
  async addSession(hash: string, name: string, expiresAt: string) {
    this.sessions.set(hash, { name, expiresAt });
  }
  async deleteSession(hash: string) {
    this.sessions.delete(hash);
  }
  async addToken(hash: string, name: string, label: string) {
    this.tokens.set(hash, { name, label });
  }
  private principal(name: string | undefined): Principal | null {
    const u = name === undefined ? undefined : this.users.get(name);
    return u ? { name: u.name, role: u.role } : null;
  }
  async principalOfToken(hash: string) {
    return this.principal(this.tokens.get(hash)?.name);
  }
  async principalOfSession(hash: string, now: string) {
    const s = this.sessions.get(hash);
    return s && s.expiresAt > now ? this.principal(s.name) : null;
  }
}
