import { createRequire } from 'node:module';
import winkNLP from 'wink-nlp';
import winkModel from 'wink-eng-lite-web-model';

/**
 * The off-the-shelf tools we compare against, each wrapped to a 3-class label the way its own
 * documentation suggests: VADER's compound with its ±0.05 neutral band, the sign of the score
 * for the AFINN-based tools and wink, nlp.js's own vote. The multilingual ones (multilang-
 * sentiment, nlp.js) are given the set's true language, which favours them; the English-only
 * ones (VADER, sentiment, wink) score every text as English, as a user of them would.
 * Most of these packages ship no types: they are reached through `require` and a minimal
 * interface, here only.
 */
export type Label = 'pos' | 'neu' | 'neg';

export interface Baseline {
  name: string;
  predict(text: string, lang: string): Promise<Label> | Label;
}

const require = createRequire(import.meta.url);

function bySign(x: number): Label {
  return x > 0 ? 'pos' : x < 0 ? 'neg' : 'neu';
}

interface VaderModule {
  SentimentIntensityAnalyzer: { polarity_scores(text: string): { compound: number } };
}
interface SentimentCtor {
  new (): { analyze(text: string): { score: number } };
}
type MultilangFn = (text: string, lang: string) => { score: number };
interface NlpjsSentimentAnalyzer {
  process(input: {
    locale: string;
    text: string;
  }): Promise<{ sentiment: { score: number; vote: string } }>;
}

/** Languages nlp.js and multilang-sentiment are given (theirs where they have it, else English). */
const NLPJS_LANGS = new Set(['en', 'de', 'el', 'sl', 'fa', 'es', 'fr', 'it', 'pt', 'ar', 'hi']);

export async function loadBaselines(): Promise<Baseline[]> {
  const vader = require('vader-sentiment') as VaderModule;
  const Sentiment = require('sentiment') as SentimentCtor;
  const afinn = new Sentiment();
  const multilang = require('multilang-sentiment') as MultilangFn;
  const { SentimentAnalyzer } = require('@nlpjs/sentiment') as {
    SentimentAnalyzer: new (s: object) => NlpjsSentimentAnalyzer;
  };
  const { containerBootstrap } = require('@nlpjs/core') as {
    containerBootstrap: () => Promise<{ use(x: unknown): void }>;
  };
  const { LangAll } = require('@nlpjs/lang-all') as { LangAll: unknown };
  const container = await containerBootstrap();
  container.use(LangAll);
  const nlpjs = new SentimentAnalyzer({ container });
  const nlp = winkNLP(winkModel);
  // wink recognises its helpers by identity (a bound copy would read tokens, not the document).
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const sentimentOf = nlp.its.sentiment;

  return [
    {
      name: 'vader-sentiment',
      predict: (t) => {
        const c = vader.SentimentIntensityAnalyzer.polarity_scores(t).compound;
        return c >= 0.05 ? 'pos' : c <= -0.05 ? 'neg' : 'neu';
      },
    },
    { name: 'sentiment (AFINN-165)', predict: (t) => bySign(afinn.analyze(t).score) },
    {
      name: 'multilang-sentiment',
      predict: (t, lang) => bySign(multilang(t, NLPJS_LANGS.has(lang) ? lang : 'en').score),
    },
    {
      name: '@nlpjs/sentiment',
      predict: async (t, lang) => {
        const r = await nlpjs.process({ locale: NLPJS_LANGS.has(lang) ? lang : 'en', text: t });
        return bySign(r.sentiment.score);
      },
    },
    { name: 'wink-nlp', predict: (t) => bySign(Number(nlp.readDoc(t).out(sentimentOf))) },
  ];
}
