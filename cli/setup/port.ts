import { z } from 'zod';
import type {
  PreviewMention,
  PreviewResult,
  SetupPort,
  SourceState,
} from '../../api/setup-port.ts';
import { findUnknownKeys } from '../../core/config-keys.ts';
import { DAY_MS } from '../../core/duration.ts';
import { ownerOfMentionId } from '../../core/contracts/owned-id.ts';
import {
  compileWatchQueries,
  parseQuery,
  QuerySyntaxError,
  type WatchMatch,
  type WatchMatcher,
} from '../../enrich/match/index.ts';
import { RefreshConfigSchema } from '../../ingest/refresh/config.ts';
import { findSource } from '../../ingest/registry.ts';
import type { ConnectorStatus } from '../../ingest/runtime.ts';
import { listConnectors } from '../../ingest/runtime.ts';
import type { Store } from '../../store/port.ts';
import {
  candidatePage,
  mentionsVersion,
  windowByDay,
  windowRows,
  type PreviewRow,
  type PreviewScope,
} from '../../store/queries/preview.ts';
import {
  brandMentionCount,
  deleteBrandRows,
  insertBrandRows,
  ownedMentionIds,
  type MatchedMention,
} from '../../store/queries/rematch.ts';
import type { SettingsSync } from '../settings-sync.ts';
import { FOLD_SQL, foldText, queryNeedles } from './prefilter.ts';

/**
 * The setup routes' port (api/setup-port.ts), built from the pieces the API may not import:
 * the query language, the source registry and the connectors of this process.
 */

/** The matcher checks at most this many candidates per preview; more are a sample. */
export const PREVIEW_CHECK_LIMIT = 4_000;
/**
 * The store searches the texts of at most about this many mentions of the window per preview
 * (whole granules: see `stride` in store/queries/preview.ts); a larger window is sampled and
 * its counts scaled. Sized for p95 ≤ 300 ms on two shared cores (docs/benchmarks.md).
 */
export const PREVIEW_SCAN_ROWS = 10_000;
/** How long an estimated preview's read serves after mentions arrived (PreviewCache). */
export const PREVIEW_STALE_MS = 10_000;

export function createSetupPort(options: {
  store: Store;
  sync: SettingsSync;
  env: Record<string, string | undefined>;
  /** The connectors run by this process, when it runs them (embedded mode). */
  connectorStatus?: () => ConnectorStatus[];
}): SetupPort {
  const { store, sync, env } = options;
  const previews = new PreviewCache();
  return {
    merged: () => sync.merged(),
    refresh: () => sync.refresh(),
    checkQuery(query) {
      try {
        parseQuery(query);
        return null;
      } catch (error) {
        if (!(error instanceof QuerySyntaxError)) throw error;
        return { message: error.message, position: error.position, expected: error.expected };
      }
    },
    checkSource(source, options) {
      const def = findSource(source);
      if (!def) return null;
      const schema = z.intersection(def.schema, z.object({ refresh: RefreshConfigSchema }));
      const problems = findUnknownKeys(options, schema).map((u) => ({
        parameter: ['options', ...u.path].join('.'),
        message: `unknown key "${String(u.path[u.path.length - 1])}"${u.suggestion ? ` (did you mean "${u.suggestion}"?)` : ''}`,
      }));
      const parsed = schema.safeParse(options);
      if (!parsed.success)
        for (const i of parsed.error.issues)
          problems.push({
            parameter: ['options', ...i.path.map(String)].join('.'),
            message: i.message,
          });
      return problems;
    },
    async sourceStates(sources) {
      const running = new Map((options.connectorStatus?.() ?? []).map((s) => [s.source, s]));
      const fetched = new Map(
        (
          await store.query<{ source: string; at: string }>(
            'SELECT source, toString(max(updated_at)) AS at FROM source_cursors GROUP BY source',
          )
        ).map((r) => [r.source, r.at]),
      );
      return listConnectors(sources, env).map((c): SourceState => ({
        source: c.source,
        description: c.description,
        configured: c.configured,
        needs: c.needs,
        state: options.connectorStatus ? (running.get(c.source)?.state ?? 'stopped') : null,
        last_error: running.get(c.source)?.lastError ?? null,
        last_fetch: fetched.has(c.source) ? isoOf(fetched.get(c.source)!) : null,
      }));
    },
    preview: (input) => previewQuery(store, input, previews),
    rematch: (input) => rematch(store, input),
  };
}

function isoOf(clickhouseTime: string): string {
  return new Date(`${clickhouseTime.replace(' ', 'T')}Z`).toISOString();
}

function startOfDay(t: number): Date {
  return new Date(Math.floor(t / DAY_MS) * DAY_MS);
}

function matcherOf(workspace: string, query: string): WatchMatcher {
  return compileWatchQueries([{ workspace, brand: 'draft', query }]);
}

function matchRow(matcher: WatchMatcher, row: PreviewRow): WatchMatch | undefined {
  return matcher.match({
    text: row.text,
    title: row.title,
    lang: row.lang,
    source: row.source,
    author: row.author_handle,
    url: row.url,
    workspace: ownerOfMentionId(row.id),
  })[0];
}

function scopeOf(
  workspace: string,
  queries: string[],
  from: Date,
  to: Date,
  stride = 1,
): PreviewScope {
  let needles: string[] | null = [];
  for (const q of queries) {
    const n = queryNeedles(parseQuery(q));
    needles = n === null || needles === null ? null : [...needles, ...n];
  }
  return {
    workspace,
    from,
    to,
    needles: needles === null ? null : [...new Set(needles)],
    fold: FOLD_SQL,
    stride,
  };
}

/** A mention of the window as the preview keeps it: its fold computed once. */
interface WindowRow extends PreviewRow {
  day: string;
  folded: string;
}

/** What a preview reads from the store for a window, kept across keystrokes. */
interface WindowRead {
  /** `mentionsVersion` when read. */
  version: string | null;
  /** The end of the window read (ms): a preview with an earlier `now` reads again. */
  to: number;
  window: Array<{ day: string; n: number }>;
  stride: number;
  rows: WindowRow[];
}

/**
 * The mentions of a window the preview searched, kept while the user types: each keystroke is a
 * new draft over the same mentions, so only the first reads from the store; the next ones narrow
 * and match in the process. An entry serves while the stored mentions are unchanged (the
 * table's parts, metadata only), so an exact preview stays exact; an estimated one (a window
 * larger than the scan budget, counts scaled from a sample) also serves for PREVIEW_STALE_MS
 * after mentions arrive: a live source inserts every few seconds, and what it brings moves a
 * sampled estimate less than the sampling does.
 */
export class PreviewCache {
  private readonly entries = new Map<string, { at: number; read: Promise<WindowRead> }>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 8,
  ) {}

  async get(
    key: string,
    version: string | null,
    now: number,
    to: number,
    load: () => Promise<WindowRead>,
  ): Promise<WindowRead> {
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) {
      const read = await hit.read.catch(() => null);
      if (
        read &&
        read.to <= to &&
        ((version !== null && read.version === version) ||
          (read.stride > 1 && now - hit.at < PREVIEW_STALE_MS))
      ) {
        // Most recently used last: the first key is the one to drop.
        this.entries.delete(key);
        this.entries.set(key, hit);
        return read;
      }
    }
    const read = load();
    const entry = { at: now, read };
    this.entries.set(key, entry);
    // A failed read is not kept: the next keystroke tries again.
    read.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries)
      this.entries.delete(this.entries.keys().next().value!);
    return read;
  }
}

/**
 * Counts by day, samples, gained and lost. The store gives the window's mentions per day and the
 * texts of about PREVIEW_SCAN_ROWS of them (every one in a smaller window), kept in `cache`
 * across keystrokes; the process keeps those whose folded text holds a word of the draft or of
 * the query in force (`queryNeedles`: a superset) and the matcher checks them, all of them up
 * to PREVIEW_CHECK_LIMIT, else an even sample whose match rate per day scales the day's
 * candidates (`estimated`).
 */
export async function previewQuery(
  store: Store,
  input: Parameters<SetupPort['preview']>[0],
  cache: PreviewCache = new PreviewCache(),
): Promise<PreviewResult> {
  const to = input.now;
  const from = startOfDay(to.getTime() - (input.days - 1) * DAY_MS);
  const draft = matcherOf(input.workspace, input.query);
  const current = input.current === null ? null : matcherOf(input.workspace, input.current);
  const version = await mentionsVersion(store);
  const {
    window,
    stride,
    rows: searched,
  } = await cache.get(
    `${input.workspace}|${from.toISOString()}`,
    version,
    Date.now(),
    to.getTime(),
    async () => {
      const window = await windowByDay(store, {
        workspace: input.workspace,
        from,
        to,
        fold: FOLD_SQL,
      });
      const all = window.reduce((n, d) => n + d.n, 0);
      // Every stride-th granule: a power of two that keeps the texts searched near the budget.
      const stride = 2 ** Math.max(0, Math.ceil(Math.log2(all / PREVIEW_SCAN_ROWS)));
      const rows = await windowRows(store, {
        workspace: input.workspace,
        from,
        to,
        fold: FOLD_SQL,
        stride,
      });
      return {
        version,
        to: to.getTime(),
        window,
        stride,
        rows: rows.map((r) => ({
          ...r,
          day: r.created.slice(0, 10),
          folded: foldText(r.title === null ? r.text : `${r.text} ${r.title}`),
        })),
      };
    },
  );
  const windowAll = window.reduce((n, d) => n + d.n, 0);
  const scope = scopeOf(
    input.workspace,
    input.current === null ? [input.query] : [input.query, input.current],
    from,
    to,
    stride,
  );
  const needles = scope.needles;
  // Per day: mentions searched, and those that may match.
  const days = new Map<string, { read: number; n: number }>();
  const candidatesInHashOrder: WindowRow[] = [];
  for (const row of searched) {
    const d = days.get(row.day) ?? { read: 0, n: 0 };
    days.set(row.day, d);
    d.read++;
    if (needles === null || needles.some((n) => row.folded.includes(n))) {
      d.n++;
      candidatesInHashOrder.push(row);
    }
  }
  // The first ones in id-hash order: an even sample, the same for the same draft.
  const rows = candidatesInHashOrder.slice(0, PREVIEW_CHECK_LIMIT);
  const candidates = candidatesInHashOrder.length;
  const estimated = stride > 1 || candidates > rows.length;
  const perDay = new Map<string, { checked: number; draft: number; current: number }>();
  const samples: PreviewMention[] = [];
  const gained: PreviewMention[] = [];
  const lost: PreviewMention[] = [];
  let checkedAll = 0;
  let draftAll = 0;
  let currentAll = 0;
  // Newest first, so the samples shown are recent.
  rows.sort((a, b) =>
    a.created < b.created ? 1 : a.created > b.created ? -1 : a.id < b.id ? -1 : 1,
  );
  for (const row of rows) {
    const d = perDay.get(row.day) ?? { checked: 0, draft: 0, current: 0 };
    perDay.set(row.day, d);
    d.checked++;
    checkedAll++;
    const m = matchRow(draft, row);
    const c = current === null ? undefined : matchRow(current, row);
    if (m) {
      d.draft++;
      draftAll++;
      if (samples.length < input.samples) samples.push(shown(row, m));
      if (current !== null && !c && gained.length < input.samples) gained.push(shown(row, m));
    }
    if (c) {
      d.current++;
      currentAll++;
      if (!m && lost.length < input.samples) lost.push(shown(row, c));
    }
  }
  // Matches of a day = its candidates × the match rate of those checked (a day the check
  // missed takes the window's rate) × its mentions per mention read (the stride's sample).
  const sampledAll = [...days.values()].reduce((n, d) => n + d.read, 0);
  const estimate = (day: string, candidatesOfDay: number, key: 'draft' | 'current') => {
    const d = perDay.get(day);
    if (!estimated) return d?.[key] ?? 0;
    const rate =
      d && d.checked > 0
        ? d[key] / d.checked
        : checkedAll > 0
          ? (key === 'draft' ? draftAll : currentAll) / checkedAll
          : 0;
    const w = window.find((x) => x.day === day);
    const read = days.get(day)?.read ?? 0;
    const scale = w && read > 0 ? w.n / read : sampledAll > 0 ? windowAll / sampledAll : 1;
    return Math.round(candidatesOfDay * rate * scale);
  };
  const byDay: PreviewResult['by_day'] = [];
  for (let t = from.getTime(); t < to.getTime(); t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    const n = days.get(day)?.n ?? 0;
    byDay.push({
      day,
      matches: estimate(day, n, 'draft'),
      current: current === null ? null : estimate(day, n, 'current'),
    });
  }
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    by_day: byDay,
    total: byDay.reduce((n, d) => n + d.matches, 0),
    current_total: current === null ? null : byDay.reduce((n, d) => n + (d.current ?? 0), 0),
    estimated,
    candidates,
    checked: rows.length,
    mentions: windowAll,
    searched: sampledAll,
    samples,
    gained,
    lost,
  };
}

function shown(row: PreviewRow, m: WatchMatch): PreviewMention {
  return {
    id: row.id,
    created_at: isoOf(row.created),
    source: row.source,
    lang: row.lang,
    url: row.url,
    author: row.author_handle,
    title: row.title,
    text: row.text,
    spans: m.spans,
    terms: m.terms,
  };
}

/** Replace the brand's rows from the start of the day `days` ago with what its query matches now. */
export async function rematch(
  store: Store,
  input: Parameters<SetupPort['rematch']>[0],
): Promise<{ from: string; checked: number; matched: number; mentions: number }> {
  const from = startOfDay(input.now.getTime() - (input.days - 1) * DAY_MS);
  const brand = { workspace: input.workspace, brand: input.brand, from };
  // Same ids as the enrich stage gives (brand + hash of the query).
  const matcher = compileWatchQueries([
    { workspace: input.workspace, brand: input.brand, query: input.query },
  ]);
  const owned = new Set(await ownedMentionIds(store, brand));
  await deleteBrandRows(store, brand);
  // Up to the far future: mentions stored while this runs are in the walk or already the
  // live pipeline's (skipped at insert).
  const scope = scopeOf(input.workspace, [input.query], from, new Date(8_640_000_000_000));
  let after = '';
  let checked = 0;
  let matched = 0;
  for (;;) {
    const page = await candidatePage(store, scope, after, 5_000);
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    checked += page.length;
    const found: MatchedMention[] = [];
    for (const row of page) {
      const m = matchRow(matcher, row);
      if (m || owned.has(row.id)) {
        found.push({
          id: row.id,
          query_id: m?.query_id ?? `${input.brand}:owned`,
          terms: m?.terms ?? [],
          owned: owned.has(row.id),
        });
        owned.delete(row.id);
      }
    }
    matched += await insertBrandRows(store, brand, found);
  }
  // Owned mentions the query's words did not bring into the walk.
  const rest = [...owned].map((id) => ({
    id,
    query_id: `${input.brand}:owned`,
    terms: [],
    owned: true,
  }));
  for (let i = 0; i < rest.length; i += 5_000)
    matched += await insertBrandRows(store, brand, rest.slice(i, i + 5_000));
  return {
    from: from.toISOString(),
    checked,
    matched,
    mentions: await brandMentionCount(store, brand),
  };
}
