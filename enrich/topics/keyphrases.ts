import { createRequire } from 'node:module';
import {
  FLAG_HASHTAG,
  FLAG_MENTION,
  isUnspacedScript,
  tokenize,
  type Token,
} from '../text/tokenize.ts';

/**
 * Keyphrase and hashtag extraction, per language. Candidates are RAKE-style: maximal runs of
 * words that are not stop words, split at punctuation (a run never crosses `,` or `.`), cut to
 * at most three words. Stop words come from stopwords-iso (58 languages, including the ones
 * natural lacks such as German, Greek and Slovenian) plus a social-media list; stopwords-iso is
 * aggressive for English ("great", "good", "like" are stop words), which suits topics: an
 * opinion word is not what a post is about. Scripts written without spaces (Chinese,
 * Japanese, Thai…) are tokenized per character, so their candidates are character bigrams.
 *
 * Not natural or wink-nlp: natural's stop-word lists miss German, Greek and most others, and
 * importing natural runs dotenv (it loads `.env` into process.env and prints tips to stdout,
 * which would corrupt JSONL output); wink-nlp's model is English-only. One code path for all
 * languages keeps topic quality comparable between them.
 */

const SOCIAL = [
  'rt',
  'via',
  'amp',
  'lol',
  'lmao',
  'omg',
  'pls',
  'plz',
  'thx',
  'im',
  'ive',
  'dont',
  'cant',
  'wont',
  'didnt',
  'doesnt',
  'isnt',
  'thats',
  'youre',
  'http',
  'https',
  'www',
  'com',
  'org',
  'net',
  'html',
  'ly',
  'gt',
  'lt',
  'yeah',
  'yes',
  'ok',
  'okay',
  'gonna',
  'wanna',
  'gotta',
  's',
  't',
  'll',
  've',
  're',
  'd',
  'm',
];

type StopwordsIso = Record<string, string[]>;
let iso: StopwordsIso | null = null;
const lists = new Map<string, Set<string>>();

/** Stop words of a language (ISO 639-1, region ignored), normalized like tokens. */
export function stopwords(lang: string): Set<string> {
  const base = (lang.split('-')[0] ?? 'und').toLowerCase();
  const cached = lists.get(base);
  if (cached) return cached;
  iso ??= createRequire(import.meta.url)('stopwords-iso') as StopwordsIso;
  const set = new Set<string>(SOCIAL);
  // Unknown language: English is the most common second language of social posts.
  for (const w of iso[base] ?? iso.en ?? []) for (const t of tokenize(w)) set.add(t.norm);
  lists.set(base, set);
  return set;
}

export interface Candidate {
  /** Normalized words joined by one space (CJK: characters without space). */
  norm: string;
  /** As written in the post (first occurrence). */
  surface: string;
  words: string[];
  /** Each word as written (for readable labels). */
  surfaces: string[];
}

export interface Extracted {
  candidates: Candidate[];
  /** Normalized hashtags without `#`, unique, in order of appearance. */
  hashtags: string[];
  /** Content words (normalized, not stop words, not hashtags/mentions). */
  words: string[];
}

const URL_RE = /\b(?:https?:\/\/|www\.)\S+/giu;
const MAX_PHRASE = 3;

function isContent(norm: string, stop: Set<string>): boolean {
  if (stop.has(norm)) return false;
  if (/^\p{N}+$/u.test(norm)) return false;
  return norm.length >= 2 || isUnspacedScript(norm);
}

/** Extract candidates, hashtags and content words from one post. Pure. */
export function extract(text: string, lang: string): Extracted {
  const stop = stopwords(lang);
  const clean = text.replace(URL_RE, ' ');
  const tokens = tokenize(clean);
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  const hashtags: string[] = [];
  const words: string[] = [];

  let run: Token[] = [];
  const flush = (): void => {
    // Split the run into segments of spaced and unspaced scripts.
    let k = 0;
    while (k < run.length) {
      const unspaced = isUnspacedScript(run[k]!.norm);
      let end = k;
      while (end < run.length && isUnspacedScript(run[end]!.norm) === unspaced) end++;
      const segment = run.slice(k, end);
      if (unspaced) {
        // Per-character scripts: adjacent character pairs stand in for words.
        if (segment.length === 1) addCandidate(segment, '');
        for (let c = 0; c + 1 < segment.length; c++)
          addCandidate([segment[c]!, segment[c + 1]!], '');
      } else {
        for (let c = 0; c < segment.length; c += MAX_PHRASE) {
          addCandidate(segment.slice(c, c + MAX_PHRASE), ' ');
        }
      }
      k = end;
    }
    run = [];
  };
  const addCandidate = (part: readonly Token[], sep: string): void => {
    const norm = part.map((t) => t.norm).join(sep);
    if (seen.has(norm)) return;
    seen.add(norm);
    const surface = clean.slice(part[0]!.start, part[part.length - 1]!.end);
    candidates.push({
      norm,
      surface,
      words: part.map((t) => t.norm),
      surfaces: part.map((t) => t.raw),
    });
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.flag === FLAG_HASHTAG) {
      flush();
      if (!hashtags.includes(t.norm)) hashtags.push(t.norm);
      continue;
    }
    if (t.flag === FLAG_MENTION || !isContent(t.norm, stop)) {
      flush();
      continue;
    }
    // Punctuation or a line break between two words ends the phrase.
    const prev = run[run.length - 1];
    if (prev && /[^\s\p{Pd}]/u.test(clean.slice(prev.end, t.start))) flush();
    run.push(t);
    words.push(t.norm);
  }
  flush();
  return { candidates, hashtags, words };
}
