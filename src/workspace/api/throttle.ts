/**
 * Growing delays after failed sign-ins, by account and by address: after `free` failures in a row, each further
 * failure locks the key for twice as long as the one before (1 s, 2 s, 4 s … up to `maxSeconds`). While a key is
 * locked every attempt is refused without checking the password, known user or not.
 */
export class SignInThrottle {
  private readonly keys = new Map<string, { failures: number; lockedUntil: number }>();

  constructor(
    private readonly free = 5,
    private readonly maxSeconds = 900,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait before trying again, or 0. */
  retryAfter(name: string, address: string): number {
    const t = this.now();
    let wait = 0;
    for (const key of [`user:${name}`, `address:${address}`]) {
      const k = this.keys.get(key);
      if (k && k.lockedUntil > t) wait = Math.max(wait, Math.ceil((k.lockedUntil - t) / 1000));
    }
    return wait;
  }

  /** A failure: the lockouts it starts (to record), each with its key, failures and end. */
  fail(name: string, address: string): { key: string; failures: number; until: string }[] {
    const started = [];
    for (const key of [`user:${name}`, `address:${address}`]) {
      const k = this.keys.get(key) ?? { failures: 0, lockedUntil: 0 };
      k.failures++;
      if (k.failures >= this.free) {
        const seconds = Math.min(this.maxSeconds, 2 ** (k.failures - this.free));
        k.lockedUntil = this.now() + seconds * 1000;
        started.push({ key, failures: k.failures, until: new Date(k.lockedUntil).toISOString() });
      }
      this.keys.set(key, k);
    }
    if (this.keys.size > 100_000) this.forgetUnlocked();
    return started;
  }

  succeed(name: string, address: string): void {
    this.keys.delete(`user:${name}`);
    this.keys.delete(`address:${address}`);
  }

  private forgetUnlocked(): void {
    const t = this.now();
    for (const [key, k] of this.keys) if (k.lockedUntil < t - 3_600_000) this.keys.delete(key);
  }
}
