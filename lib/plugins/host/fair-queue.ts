/**
 * Waiting executions, served fairly between users: the next one taken belongs to the user with the fewest running
 * (the oldest waiting first among equals), and a user at `maxPerUser` running waits while others are served. So
 * one member's burst queues behind their own runs, not in front of everybody else's.
 */
export class FairQueue<T> {
  private readonly waiting = new Map<string, { seq: number; item: T }[]>();
  private readonly runningBy = new Map<string, number>();
  private seq = 0;
  private count = 0;

  constructor(private readonly maxPerUser: number) {}

  get size(): number {
    return this.count;
  }

  push(user: string, item: T): void {
    const list = this.waiting.get(user);
    const entry = { seq: this.seq++, item };
    if (list) list.push(entry);
    else this.waiting.set(user, [entry]);
    this.count++;
  }

  /** The next item that may start now (its user is counted as running one more), or undefined. */
  take(): { user: string; item: T } | undefined {
    let best: { user: string; running: number; seq: number } | undefined;
    for (const [user, list] of this.waiting) {
      const running = this.runningBy.get(user) ?? 0;
      if (running >= this.maxPerUser) continue;
      const seq = list[0].seq;
      if (!best || running < best.running || (running === best.running && seq < best.seq)) best = { user, running, seq };
    }
    if (!best) return undefined;
    const list = this.waiting.get(best.user)!;
    const { item } = list.shift()!;
    if (list.length === 0) this.waiting.delete(best.user);
    this.count--;
    this.runningBy.set(best.user, best.running + 1);
    return { user: best.user, item };
  }

  /** One of `user`'s items has finished. */
  done(user: string): void {
    const n = (this.runningBy.get(user) ?? 0) - 1;
    if (n > 0) this.runningBy.set(user, n);
    else this.runningBy.delete(user);
  }

  /** Removes and returns the waiting items that match. */
  remove(match: (item: T) => boolean): T[] {
    const out: T[] = [];
    for (const [user, list] of this.waiting) {
      const keep = list.filter((e) => (match(e.item) ? (out.push(e.item), false) : true));
      if (keep.length) this.waiting.set(user, keep);
      else this.waiting.delete(user);
    }
    this.count -= out.length;
    return out;
  }

  running(user: string): number {
    return this.runningBy.get(user) ?? 0;
  }
}
