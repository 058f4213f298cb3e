import type { WatchQueryDef } from '../index.ts';
import { mulberry32 } from '../../../core/random.ts';

/**
 * Synthetic but realistic watch queries and posts for the matching benchmark (and tests that
 * need volume). Seeded, so every run measures the same work.
 */

export const seeded = mulberry32;

const SYLLABLES = [
  'nor',
  'vik',
  'zen',
  'tra',
  'lum',
  'ix',
  'ka',
  'pol',
  'ver',
  'sa',
  'mo',
  'dex',
  'ri',
  'on',
  'quo',
  'bel',
  'fi',
  'tan',
  'gro',
  'well',
  'ly',
  'ash',
  'cor',
  'ea',
];
const COMMON_BRANDS = [
  'apple',
  'zoom',
  'monday',
  'notion',
  'slack',
  'shell',
  'target',
  'orange',
  'amazon',
  'oracle',
  'square',
  'subway',
  'dove',
  'gap',
  'hp',
  'uber',
  'lime',
  'bolt',
  'mint',
  'canva',
];
const CONTEXT = [
  'app',
  'review',
  'support',
  'price',
  'update',
  'outage',
  'login',
  'customer',
  'service',
  'store',
  'account',
  'launch',
  'stock',
  'earnings',
  'ceo',
  'feature',
  'bug',
  'subscription',
  'delivery',
  'refund',
];
const NEGATIVE = [
  'job*',
  'hiring',
  'giveaway',
  'sale',
  'coupon',
  'recipe',
  'pie',
  'juice',
  'weather',
  'lyrics',
];
export const WORDS = (
  'the a to and of in is it you that for on my this with be have not are just but so at was ' +
  'what all like get out me your can do up new one about now if we time day people good how ' +
  'love today know more think will go really back see when would great work some only still ' +
  'want need best first last world year week night home game music team life news video free ' +
  'make right going thanks please phone city school street coffee weekend morning family ' +
  'friend happy sad crazy finally never always every thing little big long old open close ' +
  'price update service support review store account launch stock feature bug delivery ' +
  'weather recipe lyrics hiring sale movie book show watch read play call meeting photo'
).split(' ');

export function brandName(rand: () => number): string {
  const n = 2 + Math.floor(rand() * 2);
  let s = '';
  for (let i = 0; i < n; i++) s += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
  return s;
}

const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** `count` brand queries in the styles users write: phrases, raw, NEAR context, NOT, fields. */
export function generateQueries(
  count: number,
  rand: () => number,
): { defs: WatchQueryDef[]; names: string[] } {
  const defs: WatchQueryDef[] = [];
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const common = i < COMMON_BRANDS.length;
    const name = common ? COMMON_BRANDS[i]! : `${brandName(rand)}${i}`;
    names.push(name);
    const ctx = `(${Array.from({ length: 3 + Math.floor(rand() * 4) }, () => pick(rand, CONTEXT)).join(' OR ')})`;
    const neg = `(${Array.from({ length: 2 + Math.floor(rand() * 3) }, () => pick(rand, NEGATIVE)).join(' OR ')})`;
    let query: string;
    if (common) {
      query = `raw:"${capital(name)}" AND ${ctx} -${neg}`;
    } else {
      switch (i % 6) {
        case 0:
          query = `${name} OR #${name} OR @${name}`;
          break;
        case 1:
          query = `"${name} cloud" OR (${name} NEAR/3 ${ctx})`;
          break;
        case 2:
          query = `(${name} OR ${name}app OR "${name} labs") -${neg}`;
          break;
        case 3:
          query = `${name.slice(0, Math.max(4, name.length - 2))}* AND ${ctx} NOT site:${name}.com`;
          break;
        case 4:
          query = `${name} ONEAR/2 ${ctx} lang:en`;
          break;
        default:
          query = `raw:"${capital(name)}" OR hashtag:${name} -(author:${name}bot OR ${neg})`;
      }
    }
    defs.push({ workspace: `ws${i % 20}`, brand: `brand-${i}`, query });
  }
  return { defs, names };
}

export interface Post {
  text: string;
  lang: string;
  source: string;
  author: string;
  url: string;
}

/** Posts of 8–40 words; `mentionRate` of them name one of the brands. */
export function generatePosts(
  count: number,
  names: string[],
  rand: () => number,
  mentionRate = 0.1,
): Post[] {
  const posts: Post[] = [];
  for (let i = 0; i < count; i++) {
    const len = 8 + Math.floor(rand() * 33);
    const words: string[] = [];
    for (let w = 0; w < len; w++) {
      const r = rand();
      let word = pick(rand, WORDS);
      if (r < 0.08) word = capital(word);
      else if (r < 0.1) word = `#${word}`;
      else if (r < 0.11) word = `@${brandName(rand)}`;
      else if (r < 0.13) word = `${word}${pick(rand, ['!', '?', '.', ',', ' 😀', ' 🔥'])}`;
      words.push(word);
    }
    if (rand() < mentionRate) {
      const name = pick(rand, names);
      words.splice(Math.floor(rand() * words.length), 0, rand() < 0.5 ? capital(name) : name);
    }
    if (rand() < 0.05) words.push('Ünïcödé café naïve');
    posts.push({
      text: words.join(' '),
      lang: rand() < 0.8 ? 'en' : 'de',
      source: pick(rand, ['bluesky', 'mastodon', 'rss', 'hackernews']),
      author: brandName(rand),
      url: `https://${pick(rand, ['bsky.app', 'example.com', 'news.site.org'])}/p/${i}`,
    });
  }
  return posts;
}
