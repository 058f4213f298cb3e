/**
 * Progress of `earshot enrich` on stderr, for long inputs: stdout carries the enriched lines,
 * so a person piping a large file needs a sign of life (and the rate) elsewhere. Nothing is
 * written for an input that finishes within the first interval, so short runs and scripts see
 * a clean stderr. On a terminal the line is redrawn in place; otherwise one line per report.
 */
export interface ProgressOptions {
  write: (s: string) => void;
  /** Milliseconds, monotonic. */
  now: () => number;
  /** Whether stderr is a terminal (redraw with `\r`) or a file/pipe (one line per report). */
  tty: boolean;
  intervalMs?: number;
}

export interface Progress {
  /** Called per input line with the count so far; cheap when no report is due. */
  tick(lines: number): void;
  /** The final count; writes a summary only if progress was shown. */
  done(lines: number): void;
}

export const PROGRESS_INTERVAL_MS = 2_000;

export function createProgress(opts: ProgressOptions): Progress {
  const interval = opts.intervalMs ?? PROGRESS_INTERVAL_MS;
  const started = opts.now();
  let next = started + interval;
  let shown = false;
  const line = (lines: number, at: number, final: boolean): string => {
    const secs = Math.max((at - started) / 1000, 1e-3);
    const rate = Math.round(lines / secs);
    const head = final ? 'enriched' : 'enriching:';
    return `${head} ${lines.toLocaleString('en-US')} lines, ${rate.toLocaleString('en-US')} lines/s, ${secs.toFixed(0)} s`;
  };
  return {
    tick(lines) {
      // Reading the clock every line is cheap next to enriching one; checked every 64 anyway.
      if ((lines & 63) !== 0) return;
      const at = opts.now();
      if (at < next) return;
      next = at + interval;
      shown = true;
      opts.write(opts.tty ? `\r${line(lines, at, false)}` : `${line(lines, at, false)}\n`);
    },
    done(lines) {
      if (!shown) return;
      opts.write(`${opts.tty ? '\r' : ''}${line(lines, opts.now(), true)}\n`);
    },
  };
}
