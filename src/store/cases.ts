import {
  type CaseComment,
  type CaseState,
  caseCommentSchema,
  caseStateSchema,
} from '../contract/workspace.ts';
import type { Db } from './db.ts';

/** Where cases and their comments are kept. */
export interface CasesRepository {
  get(findingId: string): Promise<CaseState | null>;
  all(): Promise<CaseState[]>;
  put(state: CaseState): Promise<void>;
  addComment(comment: CaseComment): Promise<void>;
  comments(findingId: string): Promise<CaseComment[]>;
}

export class DuckCasesRepository implements CasesRepository {
  constructor(private readonly db: Db) {}

  async get(findingId: string): Promise<CaseState | null> {
    return (
      (await this.db.first(caseStateSchema, 'SELECT * FROM cases WHERE finding_id = $f', { f: findingId })) ??
      null
    );
  }

  all(): Promise<CaseState[]> {
    return this.db.rows(caseStateSchema, 'SELECT * FROM cases ORDER BY finding_id');
  }

  async put(c: CaseState): Promise<void> {
    await this.db.run('INSERT OR REPLACE INTO cases VALUES ($f, $s, $r, $a, $u, $at, $by, $p)', {
      p: c.proposal,
      f: c.finding_id,
      s: c.status,
      r: c.resolution,
      a: c.assignee,
      u: c.snoozed_until,
      at: c.updated_at,
      by: c.updated_by,
    });
  }

  async addComment(c: CaseComment): Promise<void> {
    await this.db.run('INSERT INTO case_comments VALUES ($f, $at, $a, $t)', {
      f: c.finding_id,
      at: c.commented_at,
      a: c.author,
      t: c.text,
    });
  }

  comments(findingId: string): Promise<CaseComment[]> {
    return this.db.rows(
      caseCommentSchema,
      'SELECT finding_id, commented_at, author, text FROM case_comments WHERE finding_id = $f ORDER BY commented_at',
      { f: findingId },
    );
  }
}

export class MemoryCasesRepository implements CasesRepository {
  readonly states = new Map<string, CaseState>();
  readonly notes: CaseComment[] = [];
  async get(id: string) {
    const c = this.states.get(id);
    return c ? { ...c } : null;
  }
  async all() {
    return [...this.states.values()]
      .sort((a, b) => (a.finding_id < b.finding_id ? -1 : 1))
      .map((c) => ({ ...c }));
  }
  async put(c: CaseState) {
    this.states.set(c.finding_id, { ...c });
  }
  async addComment(c: CaseComment) {
    this.notes.push({ ...c });
  }
  async comments(id: string) {
    return this.notes
      .filter((c) => c.finding_id === id)
      .sort((a, b) => (a.commented_at < b.commented_at ? -1 : 1));
  }
}
