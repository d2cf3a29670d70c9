// Counting a whole city means scanning most of its records (about 3 s for 1,000,000 residents on
// a busy two-core server), too slow for a home page. Numbers for wide scopes (a street and up) are
// therefore kept for a few minutes and served stale while a fresh count runs in the background;
// a community or a grid is counted live, which takes milliseconds. Each instance keeps its own.
export interface Counted<T> {
  value: T;
  /** When the numbers were counted. */
  at: Date;
}

interface Entry<T> {
  at: number;
  value?: T;
  /** The count in progress, shared by everyone who asks meanwhile. */
  running?: Promise<T>;
}

export class CountCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly ttlMs: number,
    private readonly compute: (path: string) => Promise<T>,
    private readonly onError: (path: string, err: unknown) => void = () => undefined,
  ) {}

  /** Fresh numbers for `live` scopes; for others the kept ones, refreshed in the background when older than the TTL. */
  async get(path: string, opts: { live: boolean }): Promise<Counted<T>> {
    if (opts.live) return { value: await this.compute(path), at: new Date() };
    const e = this.entries.get(path);
    if (e?.value !== undefined) {
      if (Date.now() - e.at > this.ttlMs) void this.refresh(path).catch((err) => this.onError(path, err));
      return { value: e.value, at: new Date(e.at) };
    }
    const value = await this.refresh(path);
    return { value, at: new Date(this.entries.get(path)?.at ?? Date.now()) };
  }

  /** Counts again now (one count per path at a time). */
  refresh(path: string): Promise<T> {
    const e = this.entries.get(path) ?? { at: 0 };
    if (e.running) return e.running;
    const started = Date.now();
    e.running = this.compute(path).then(
      (value) => {
        this.entries.set(path, { at: started, value });
        return value;
      },
      (err) => {
        const cur = this.entries.get(path);
        if (cur) delete cur.running;
        throw err;
      },
    );
    this.entries.set(path, e);
    return e.running;
  }

  /** Forget everything (tests; an administrator changing label kinds does not need it). */
  clear(): void {
    this.entries.clear();
  }
}
