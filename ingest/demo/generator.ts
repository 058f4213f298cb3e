import type { Engagement, Mention } from '../../core/contracts/mention.ts';
import { ASPECTS, LANGUAGE_MIX, PHRASES, type DemoSentiment } from './phrases.ts';
import { hash32, mulberry32, poisson } from '../../core/random.ts';
import { MINUTE_MS } from '../../core/duration.ts';

/**
 * The demo source: deterministic synthetic multilingual mentions. Everything is a pure
 * function of the minute, so a restart regenerates the same ids (`demo:<minute>-<n>`) and
 * the idempotent store never double-counts. Every mention is marked `synthetic: true`.
 *
 * Engagement grows with age, as on real sources: `mentionsForMinute` gives each mention's
 * settled counts, and `engagementAt` what a reader sees at a given age (the connector emits and
 * re-reads mentions through it, so the dashboards show likes arriving after a post).
 */
export interface DemoBrand {
  /** Name as it appears in text. */
  name: string;
  /** Share of traffic. */
  weight: number;
  /** Baseline sentiment mix [pos, neu, neg]. */
  mix: [number, number, number];
}

export const DEMO_BRANDS: DemoBrand[] = [
  { name: 'Aurora', weight: 0.45, mix: [0.45, 0.35, 0.2] },
  { name: 'Nimbus', weight: 0.35, mix: [0.35, 0.4, 0.25] },
  { name: 'Zephyr', weight: 0.2, mix: [0.3, 0.45, 0.25] },
];

export interface DemoOptions {
  /** Average mentions per minute over a day (the daily cycle moves it ±60 %). */
  ratePerMinute: number;
  /** The planted incident: a negative spike for one brand. */
  incident: { brand: string; start: Date; durationMinutes: number; volumeFactor: number } | null;
}

export function mentionsForMinute(minute: number, options: DemoOptions): Mention[] {
  const rng = mulberry32(hash32(minute));
  const at = new Date(minute * MINUTE_MS);
  // Daily cycle: busiest mid-afternoon UTC, quietest at night; weekends a bit quieter.
  const hour = at.getUTCHours() + at.getUTCMinutes() / 60;
  const daily = 1 + 0.6 * Math.sin(((hour - 9) / 24) * 2 * Math.PI);
  const weekly = at.getUTCDay() === 0 || at.getUTCDay() === 6 ? 0.8 : 1;
  const expected = options.ratePerMinute * daily * weekly;
  const count = poisson(expected, rng);

  const mentions: Mention[] = [];
  for (let i = 0; i < count; i++)
    mentions.push(buildMention(minute, i, rng, pickBrand(rng), false));

  const incident = options.incident;
  if (incident) {
    const startMinute = Math.floor(incident.start.getTime() / MINUTE_MS);
    if (minute >= startMinute && minute < startMinute + incident.durationMinutes) {
      const brand =
        DEMO_BRANDS.find((b) => b.name.toLowerCase() === incident.brand) ?? DEMO_BRANDS[1]!;
      const extra = poisson(expected * brand.weight * (incident.volumeFactor - 1), rng);
      for (let i = 0; i < extra; i++)
        mentions.push(buildMention(minute, count + i, rng, brand, true));
    }
  }
  return mentions;
}

function buildMention(
  minute: number,
  index: number,
  rng: () => number,
  brand: DemoBrand,
  incident: boolean,
): Mention {
  const lang = pickWeighted(LANGUAGE_MIX, rng);
  const phrases = PHRASES[lang]!;
  const sentiment: DemoSentiment = incident
    ? 'neg'
    : pickWeighted<DemoSentiment>(
        [
          ['pos', brand.mix[0]],
          ['neu', brand.mix[1]],
          ['neg', brand.mix[2]],
        ],
        rng,
      );
  const templates = incident ? phrases.incident : phrases[sentiment];
  const aspect = ASPECTS[Math.floor(rng() * ASPECTS.length)]!;
  const text = templates[Math.floor(rng() * templates.length)]!.replaceAll(
    '{b}',
    brand.name,
  ).replaceAll('{a}', phrases.aspects[aspect]);
  const authorNo = Math.floor(rng() ** 2 * 400); // a few authors post a lot
  const followers = Math.floor(20 * Math.exp(rng() * 9));
  const createdAt = new Date(minute * MINUTE_MS + Math.floor(rng() * MINUTE_MS));
  const popularity = Math.exp(rng() * 5) - 1;
  return {
    id: `demo:${minute}-${index}`,
    source: 'demo',
    url: `https://demo.earshot.invalid/${lang}/${minute}-${index}`,
    author: {
      id: `demo-${lang}-${authorNo}`,
      handle: `${lang}_user_${authorNo}`,
      display_name: `Demo user ${authorNo} (${lang})`,
      followers,
    },
    text,
    title: null,
    // Sources declare a language only sometimes; the detector must cope either way.
    lang: rng() < 0.5 ? lang : null,
    created_at: createdAt.toISOString(),
    fetched_at: new Date(createdAt.getTime() + 2_000).toISOString(),
    engagement: {
      likes: Math.floor(popularity * (incident ? 6 : 2)),
      reposts: Math.floor(popularity * (incident ? 2 : 0.5)),
      replies: Math.floor(popularity * 0.7),
      views: null,
    },
    parent_id: null,
    synthetic: true,
  };
}

function pickBrand(rng: () => number): DemoBrand {
  return pickWeighted(
    DEMO_BRANDS.map((b) => [b, b.weight] as [DemoBrand, number]),
    rng,
  );
}

function pickWeighted<T>(items: Array<[T, number]>, rng: () => number): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = rng() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r <= 0) return item;
  }
  return items[items.length - 1]![0];
}

/**
 * Half of a demo post's likes, reposts and replies arrive in its first two hours: 8 % by the
 * first re-read at 15 min, 29 % at 1 h, 88 % at 6 h, all but nothing left at 24 h.
 */
const ENGAGEMENT_HALF_LIFE_MS = 2 * 3_600_000;

/** The counts a reader sees `ageMs` after posting, of a post that settles at `settled`. */
export function engagementAt(settled: Engagement, ageMs: number): Engagement {
  const share = ageMs <= 0 ? 0 : 1 - 2 ** (-ageMs / ENGAGEMENT_HALF_LIFE_MS);
  const grown = (n: number) => Math.floor(n * share);
  return {
    likes: grown(settled.likes),
    reposts: grown(settled.reposts),
    replies: grown(settled.replies),
    views: settled.views === null ? null : grown(settled.views),
  };
}

/**
 * The mentions with these ids (`demo:<minute>-<n>`), settled, in the order asked; ids the
 * generator never made are left out. Each minute is generated once per call.
 */
export function mentionsByIds(ids: readonly string[], options: DemoOptions): Mention[] {
  const minutes = new Map<number, Mention[]>();
  const out: Mention[] = [];
  for (const id of ids) {
    const match = /^demo:(-?\d+)-(\d+)$/.exec(id);
    if (match === null) continue;
    const minute = Number(match[1]);
    let mentions = minutes.get(minute);
    if (mentions === undefined) {
      mentions = mentionsForMinute(minute, options);
      minutes.set(minute, mentions);
    }
    const m = mentions[Number(match[2])];
    if (m !== undefined) out.push(m);
  }
  return out;
}
