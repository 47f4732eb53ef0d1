/**
 * Waiting executions, served fairly between users: the next one taken belongs to the user with the fewest running,
 * then the one served least recently (round-robin), then the oldest waiting; a user at `maxPerUser` running waits
 * while others are served. So one member's burst queues behind their own runs, not in front of everybody else's.
 */
export class FairQueue<T> {
  private readonly waiting = new Map<string, { seq: number; item: T }[]>();
  private readonly runningBy = new Map<string, number>();
  /** When each user last had an item taken (a counter); users not yet served come first. */
  private readonly servedAt = new Map<string, number>();
  private served = 0;
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
    let best: { user: string; running: number; last: number; seq: number } | undefined;
    for (const [user, list] of this.waiting) {
      const running = this.runningBy.get(user) ?? 0;
      if (running >= this.maxPerUser) continue;
      const last = this.servedAt.get(user) ?? -1;
      const seq = list[0].seq;
      const better =
        !best || running < best.running || (running === best.running && (last < best.last || (last === best.last && seq < best.seq)));
      if (better) best = { user, running, last, seq };
    }
    if (!best) return undefined;
    const list = this.waiting.get(best.user)!;
    const { item } = list.shift()!;
    if (list.length === 0) this.waiting.delete(best.user);
    this.count--;
    this.runningBy.set(best.user, best.running + 1);
    this.servedAt.set(best.user, this.served++);
    return { user: best.user, item };
  }

  /** One of `user`'s items has finished. */
  done(user: string): void {
    const n = (this.runningBy.get(user) ?? 0) - 1;
    if (n > 0) this.runningBy.set(user, n);
    else {
      this.runningBy.delete(user);
      // A user with nothing running or waiting is forgotten (the map does not grow with every user ever seen).
      if (!this.waiting.has(user)) this.servedAt.delete(user);
    }
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
