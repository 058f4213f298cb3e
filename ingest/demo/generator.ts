import type { Mention } from '../../core/contracts/mention.ts';
import { ASPECTS, LANGUAGE_MIX, PHRASES, type DemoSentiment } from './phrases.ts';
import { hash32, mulberry32, poisson } from '../../core/random.ts';

/**
 * The demo source: deterministic synthetic multilingual mentions. Everything is a pure
 * function of the minute, so a restart regenerates the same ids (`demo:<minute>-<n>`) and
 * the idempotent store never double-counts. Every mention is marked `synthetic: true`.
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

const MINUTE = 60_000;

export function mentionsForMinute(minute: number, options: DemoOptions): Mention[] {
  const rng = mulberry32(hash32(minute));
  const at = new Date(minute * MINUTE);
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
    const startMinute = Math.floor(incident.start.getTime() / MINUTE);
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
  const createdAt = new Date(minute * MINUTE + Math.floor(rng() * MINUTE));
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
