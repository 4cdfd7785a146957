import { access, type FileHandle, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { GroupCommit } from '../util/group-commit.ts';
import type { StoredDecision } from './decisions.ts';

/** A decision and the body of the ledger entry that records it. */
export interface JournaledDecision {
  stored: StoredDecision;
  ledger: Record<string, unknown>;
}

const ROTATE = Symbol('rotate');
type Item = JournaledDecision | typeof ROTATE;

/**
 * A write-ahead journal for decisions: a decision is durable once its line is in the journal file and the file is
 * synced (decisions asked together share one sync), which takes a fraction of a DuckDB commit. The journal is moved
 * into the store in the background (`drain`): the file is first set aside under a new name, so new decisions go to a
 * fresh file, and deleted once its decisions are committed to the store. After a crash, `recover` hands back every
 * decision of the files left behind, set-aside ones first, in the order they were written.
 */
export class DecisionJournal {
  private handle: FileHandle | null = null;
  /** Decisions in the current file. */
  private inFile: JournaledDecision[] = [];
  private rotations = 0;
  private readonly commits = new GroupCommit<Item>((items) => this.write(items));
  private rotated: { file: string; decisions: JournaledDecision[] } | null = null;

  constructor(readonly path: string) {}

  /** Durable when it resolves. */
  append(decision: JournaledDecision): Promise<void> {
    return this.commits.add(decision);
  }

  /**
   * Hands the journaled decisions to `store` (a commit to the store) and forgets them once it succeeds; on failure
   * they stay in a set-aside file and are handed over again next time.
   */
  async drain(store: (decisions: JournaledDecision[]) => Promise<void>): Promise<number> {
    if (!this.rotated) {
      await this.commits.add(ROTATE);
      if (!this.rotated) return 0;
    }
    const { file, decisions } = this.rotated as { file: string; decisions: JournaledDecision[] };
    if (decisions.length) await store(decisions);
    await rm(file, { force: true });
    this.rotated = null;
    return decisions.length;
  }

  /** Decisions of files a previous process left behind, oldest first; the files are removed by `forgetRecovered`. */
  async recover(): Promise<JournaledDecision[]> {
    const out: JournaledDecision[] = [];
    for (const file of await this.leftBehind()) {
      const text = await readFile(file, 'utf8');
      // A line cut short by the crash was never acknowledged: it is not a decision anyone was told about.
      for (const line of text.split('\n'))
        if (line.endsWith('}'))
          try {
            out.push(JSON.parse(line) as JournaledDecision);
          } catch {}
    }
    return out;
  }

  async forgetRecovered(): Promise<void> {
    for (const file of await this.leftBehind()) await rm(file, { force: true });
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
  }

  private async leftBehind(): Promise<string[]> {
    const dir = dirname(this.path);
    const name = basename(this.path);
    const files = (await readdir(dir)).filter((f) => f.startsWith(`${name}.set-aside-`)).sort();
    return [...files.map((f) => join(dir, f)), ...((await exists(this.path)) ? [this.path] : [])];
  }

  private async write(items: Item[]): Promise<void> {
    const decisions = items.filter((i): i is JournaledDecision => i !== ROTATE);
    if (decisions.length) {
      this.handle ??= await open(this.path, 'a');
      await this.handle.appendFile(decisions.map((d) => `${JSON.stringify(d)}\n`).join(''));
      await this.handle.datasync();
      this.inFile.push(...decisions);
    }
    if (items.includes(ROTATE) && !this.rotated && this.inFile.length) {
      await this.handle?.close();
      this.handle = null;
      const file = `${this.path}.set-aside-${String(Date.now()).padStart(15, '0')}-${this.rotations++}`;
      await rename(this.path, file);
      this.rotated = { file, decisions: this.inFile };
      this.inFile = [];
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
