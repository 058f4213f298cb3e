import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ExplanationItem, Sentiment } from '../../core/contracts/mention.ts';
import { rulesFor } from './lang-rules.ts';
import { scoreRules, type Lexicons } from './rules.ts';
import { tokenize } from './text.ts';

/**
 * Sentiment for one mention: the rule layer (VADER generalised per language) over the committed
 * lexicons, with an `unscored` result for languages we cannot score honestly.
 */
export interface SentimentScorer {
  readonly model: { name: string; version: string };
  /** Pure and synchronous; `lang` is the detected ISO code ('und' allowed). */
  score(text: string, lang: string): Sentiment;
  /** Optional emotions for languages where supported honestly, else null. */
  emotion(text: string, lang: string): Record<string, number> | null;
}

export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('./model/', import.meta.url));

const ManifestSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  languages: z.array(z.string()).min(1),
  files: z.object({
    lexicons: z.string(),
    emoji: z.string(),
    emoticons: z.string(),
  }),
});
export type SentimentManifest = z.infer<typeof ManifestSchema>;

const ValenceTableSchema = z.record(z.string(), z.number().finite());
const LexiconsFileSchema = z.record(z.string(), ValenceTableSchema);

/** Read and validate one JSON file of the model; every failure names the file. */
function readJson<T>(path: string, schema: z.ZodType<T>): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new Error(`sentiment model file missing or unreadable: ${path}`, { cause });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new Error(`sentiment model file is not valid JSON (corrupt?): ${path}`, { cause });
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new Error(
      `sentiment model file has an unexpected shape: ${path}: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

/** At most this many explanation items per mention (the strongest), so long texts stay small. */
const MAX_EXPLANATION_ITEMS = 24;
/** VADER's neutral band on the compound score. */
const NEUTRAL_BAND = 0.05;

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function trimItems(items: ExplanationItem[]): ExplanationItem[] {
  let kept = items;
  if (items.length > MAX_EXPLANATION_ITEMS) {
    kept = [...items]
      .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
      .slice(0, MAX_EXPLANATION_ITEMS);
  }
  return kept.sort(
    (a, b) => (a.start ?? Number.MAX_SAFE_INTEGER) - (b.start ?? Number.MAX_SAFE_INTEGER),
  );
}

/** The base language of a code like `pt-BR`. */
function baseLang(lang: string): string {
  const i = lang.indexOf('-');
  return (i < 0 ? lang : lang.slice(0, i)).toLowerCase();
}

export function loadSentimentScorer(options: { modelDir?: string } = {}): SentimentScorer {
  const dir = options.modelDir ?? DEFAULT_MODEL_DIR;
  const manifest = readJson(join(dir, 'manifest.json'), ManifestSchema);
  const lexFile = readJson(join(dir, manifest.files.lexicons), LexiconsFileSchema);
  const emoji = new Map(
    Object.entries(readJson(join(dir, manifest.files.emoji), ValenceTableSchema)),
  );
  const emoticons = new Map(
    Object.entries(readJson(join(dir, manifest.files.emoticons), ValenceTableSchema)),
  );

  const lexicons = new Map<string, Lexicons>();
  for (const lang of manifest.languages) {
    const words = lexFile[lang];
    if (words === undefined) {
      throw new Error(
        `sentiment model file lacks the lexicon for "${lang}": ${join(dir, manifest.files.lexicons)}`,
      );
    }
    lexicons.set(lang, { words: new Map(Object.entries(words)), emoji, emoticons });
  }
  // Text in no known language can still carry emoji and emoticons, which mean the same everywhere.
  const symbolsOnly: Lexicons = { words: new Map(), emoji, emoticons };

  const model = Object.freeze({ name: manifest.name, version: manifest.version });
  const unscored = (): Sentiment => ({
    label: 'unscored',
    score: 0,
    confidence: 0,
    explanation: [],
    model,
  });

  return {
    model,
    score(text: string, lang: string): Sentiment {
      const base = baseLang(lang);
      const lex = lexicons.get(base);
      const tokens = tokenize(text);
      if (lex === undefined) {
        // Unsupported or undetermined language: only emoji/emoticons can be read honestly.
        const r = scoreRules(text, tokens, symbolsOnly, null);
        if (r.emojiHits === 0) return unscored();
        return toSentiment(r.compound, r.hits, trimItems(r.items), model);
      }
      const r = scoreRules(text, tokens, lex, rulesFor(base) ?? null);
      return toSentiment(r.compound, r.hits, trimItems(r.items), model);
    },
    emotion(): Record<string, number> | null {
      return null;
    },
  };
}

function toSentiment(
  compound: number,
  hits: number,
  explanation: ExplanationItem[],
  model: { name: string; version: string },
): Sentiment {
  const score = round3(clamp(compound, -1, 1));
  const label = score >= NEUTRAL_BAND ? 'pos' : score <= -NEUTRAL_BAND ? 'neg' : 'neu';
  // Rule-only confidence: stronger compound and more evidence → surer. Replaced by the
  // calibrated model probability once a trained model is present.
  const strength = label === 'neu' ? 1 - Math.abs(score) / NEUTRAL_BAND : Math.abs(score);
  const evidence = 1 - Math.exp(-hits);
  const confidence = round3(
    clamp(0.34 + 0.4 * strength * (label === 'neu' ? 0.5 : evidence), 0, 1),
  );
  return { label, score, confidence, explanation, model };
}
