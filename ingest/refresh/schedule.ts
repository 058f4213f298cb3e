/**
 * When to re-read a mention's engagement. Likes and replies come mostly in a post's first hours
 * and taper off over a day or two, so each mention is re-read at a few ages after it was
 * posted (by default 15 min, 1 h, 6 h and 24 h), then left alone. Ages already past when a
 * mention is first seen are skipped, except the last one passed (an old post found late is
 * read once soon, then on the schedule).
 *
 * Pure and in memory: what a process restart forgets is only the remaining re-reads of the
 * mentions it had seen (the sink keeps what was read). Bounded: beyond `maxTracked` mentions
 * the first tracked are forgotten first (in O(1): a Map iterates in insertion order).
 */
export interface RefreshScheduleOptions {
  /** Ages after posting at which to re-read, ascending (ms). */
  ages: readonly number[];
  maxTracked: number;
}

interface Tracked {
  createdMs: number;
  /** Index into `ages` of the next re-read. */
  next: number;
  dueMs: number;
}

export class RefreshSchedule {
  private readonly tracked = new Map<string, Tracked>();
  private readonly ages: readonly number[];

  constructor(private readonly options: RefreshScheduleOptions) {
    this.ages = [...options.ages].sort((a, b) => a - b);
  }

  get size(): number {
    return this.tracked.size;
  }

  /** A mention was produced (again: a refresh's own output does not reschedule it). */
  track(id: string, createdMs: number, nowMs: number): void {
    if (this.tracked.has(id) || this.ages.length === 0) return;
    const age = nowMs - createdMs;
    // The first age still ahead; if some have passed, the last of those, read now.
    let next = this.ages.findIndex((a) => a > age);
    if (next === -1) return; // older than the last age: engagement has settled
    if (next > 0) next -= 1;
    const dueMs = Math.max(nowMs, createdMs + this.ages[next]!);
    this.tracked.set(id, { createdMs, next, dueMs });
    if (this.tracked.size > this.options.maxTracked) this.forgetOldest();
  }

  /**
   * Up to `limit` ids due at `nowMs`, the most overdue first; each moves on to its next age
   * (or is forgotten after the last).
   */
  takeDue(nowMs: number, limit: number): string[] {
    const due: Array<[string, Tracked]> = [];
    for (const entry of this.tracked) if (entry[1].dueMs <= nowMs) due.push(entry);
    due.sort((a, b) => a[1].dueMs - b[1].dueMs || (a[0] < b[0] ? -1 : 1));
    const taken = due.slice(0, limit);
    for (const [id, t] of taken) this.advance(id, t, nowMs);
    return taken.map(([id]) => id);
  }

  /** The next time anything is due (ms), or null when nothing is tracked. */
  nextDueMs(): number | null {
    let min: number | null = null;
    for (const t of this.tracked.values()) if (min === null || t.dueMs < min) min = t.dueMs;
    return min;
  }

  /**
   * A re-read failed: read these again at `retryMs`. One still tracked keeps its later ages;
   * one whose last age this was gets that one retry.
   */
  retry(ids: readonly string[], retryMs: number): void {
    for (const id of ids) {
      const t = this.tracked.get(id);
      // takeDue moved it on to its next age: back to the one that failed.
      if (t !== undefined) {
        t.next -= 1;
        t.dueMs = retryMs;
      } else
        this.tracked.set(id, { createdMs: retryMs, next: this.ages.length - 1, dueMs: retryMs });
    }
  }

  private advance(id: string, t: Tracked, nowMs: number): void {
    // Skip ages that passed while this one waited (a long outage): the next one still ahead.
    let next = t.next + 1;
    while (next < this.ages.length && t.createdMs + this.ages[next]! <= nowMs) next++;
    if (next >= this.ages.length) {
      this.tracked.delete(id);
      return;
    }
    t.next = next;
    t.dueMs = t.createdMs + this.ages[next]!;
  }

  private forgetOldest(): void {
    const first = this.tracked.keys().next();
    if (first.done !== true) this.tracked.delete(first.value);
  }
}
