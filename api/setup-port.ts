import type { MergedSettings } from '../core/workspace-settings.ts';

/**
 * What the setup routes (brands, sources, preview, re-match) need from the rest of earshot:
 * the watch-query language, the source registry, the connectors' state and the matcher live in
 * folders the API does not import, so the process that builds the API hands them in
 * (cli/setup/port.ts).
 */
export interface QueryProblem {
  message: string;
  /** 0-based UTF-16 offset of the character in the query. */
  position: number;
  expected: string;
}

export interface PreviewMention {
  id: string;
  created_at: string;
  source: string;
  lang: string;
  url: string | null;
  author: string | null;
  title: string | null;
  text: string;
  /** UTF-16 offsets in `text` of what matched. */
  spans: Array<[number, number]>;
  terms: string[];
}

export interface PreviewResult {
  from: string;
  to: string;
  /** Counts by UTC day: the draft's and the query in force's (null without one). */
  by_day: Array<{ day: string; matches: number; current: number | null }>;
  total: number;
  current_total: number | null;
  /** Counts are extrapolated from a sample when more mentions may match than are checked. */
  estimated: boolean;
  /** Mentions the store found that may match, and how many of them the matcher checked. */
  candidates: number;
  checked: number;
  /** Mentions of the window, and how many of them the store searched (a sample when fewer). */
  mentions: number;
  searched: number;
  samples: PreviewMention[];
  gained: PreviewMention[];
  lost: PreviewMention[];
}

export interface SourceState {
  source: string;
  description: string;
  /** Options complete and credentials present: it can run. */
  configured: boolean;
  /** What it still needs (options, env vars). */
  needs: string[];
  /** From the process that runs it (null when another process runs the connectors). */
  state: string | null;
  last_error: string | null;
  /** When its cursor last advanced (a fetch that brought something). */
  last_fetch: string | null;
}

export interface SetupPort {
  /** The stored items merged with the file: which brand and source comes from where. */
  merged(): MergedSettings;
  /** Re-read the stored items at once (after a save here); other processes poll. */
  refresh(): Promise<void>;
  checkQuery(query: string): QueryProblem | null;
  /** Problems of a source's options (`parameter` is a path inside them), or null: unknown source. */
  checkSource(
    source: string,
    options: unknown,
  ): Array<{ parameter: string; message: string }> | null;
  /** Every source a workspace can configure, with its state for these options. */
  sourceStates(sources: Record<string, unknown>): Promise<SourceState[]>;
  preview(input: {
    workspace: string;
    query: string;
    current: string | null;
    days: number;
    samples: number;
    now: Date;
  }): Promise<PreviewResult>;
  rematch(input: {
    workspace: string;
    brand: string;
    query: string;
    days: number;
    now: Date;
  }): Promise<{ from: string; checked: number; matched: number; mentions: number }>;
}
